"""Page benchmark: gunicorn (2 workers) on 127.0.0.1, one headless locust run per page.

Every page is compared with a bare Django view measured in the same run. Queries per request
and the time of one request without concurrency are measured separately, in this process,
with Django's test client against the same database.
"""

import json
import os
import secrets
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from datetime import timedelta
from urllib.error import HTTPError, URLError

from . import common, engines, page_weight
from .scenarios import (
    ACCOUNTS,
    BASELINE,
    REGION_KEY,
    SCENARIOS,
    SEARCH_RADIUS_KM,
    SIGNED_IN_BASELINE,
    TARGET_P95_MS,
    TARGET_RATIO,
    url,
)

USERS = int(os.environ.get("BENCH_USERS", "20"))
# BENCH_ONLY=name,name (`make bench-pages`): only these scenarios, with the two baselines
ONLY = {name for name in os.environ.get("BENCH_ONLY", "").split(",") if name}
SECONDS = int(os.environ.get("BENCH_SECONDS", "30"))
WORKERS = 2
LOGIN_ALLOWANCE = 90  # seconds for all users to sign in (Argon2 takes ~0.5 s per sign-in)
# and pass the code step
SEARCH_DAYS_AHEAD = 14  # the date filter of the event search: dates from two weeks on
EMAIL = "bench.koordination@bench.neuewege.example"
STATE_EMAIL = "bench.land@bench.neuewege.example"
CENTRE_EMAIL = "bench.familienzentrum@bench.neuewege.example"
SPEAKER_EMAIL = "bench.referent@bench.neuewege.example"
PASSWORD = "bench-neuewege-passwort"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


# Fixtures: the benchmark account, its API token and the records the pages show


def prepare_fixtures() -> dict:
    """A coordinator of Kreis Wesel, staff of its family centre with the most dates ahead, a
    speaker of its job centre (or employment agency) with the most dates ahead and a
    state-level account, each with a known password and a second factor, and a fresh API token
    (idempotent: the accounts are reused, earlier benchmark tokens and recovery codes
    deleted)."""
    from django.utils import timezone

    from neuewege.core.models import ApiToken, Institution, Region, User
    from neuewege.core.services import create_api_token

    wesel = Region.objects.get(key=REGION_KEY)
    user = bench_account(EMAIL, User.Role.COORDINATOR)
    user.regions.set([wesel])
    bench_account(STATE_EMAIL, User.Role.STATE)
    staff_account(CENTRE_EMAIL, busiest_person(wesel, speaking=False))
    staff_account(SPEAKER_EMAIL, busiest_person(wesel, speaking=True))
    ApiToken.objects.filter(user=user).delete()
    _token, secret = create_api_token(user=user, name="bench")
    centre = Institution.objects.family_centres().filter(region=wesel).order_by("id").first()
    if centre is None:
        raise RuntimeError("no family centre in Kreis Wesel: is the state-scale dataset there?")
    return {
        "email": EMAIL,
        "state_email": STATE_EMAIL,
        "centre_email": CENTRE_EMAIL,
        "speaker_email": SPEAKER_EMAIL,
        "password": PASSWORD,
        "token": secret,
        "institution_id": centre.pk,
        "query": centre.town,
        "postcode": dense_postcode(),
        "postcodes": sorted(
            set(Institution.objects.family_centres().values_list("postcode", flat=True))
        ),
        "date_from": (timezone.localdate() + timedelta(days=SEARCH_DAYS_AHEAD)).isoformat(),
    }


def bench_account(email, role):
    """The account with its password and its second factor, as its people have it: an
    authenticator app and one-time recovery codes. The benchmark signs in as a person does —
    the password, then a code at the code step — with recovery codes it makes for each sign-in
    (``recovery_codes``): the app's codes cannot serve twenty sign-ins within the same half
    minute, each is accepted once. Codes left from an earlier run are deleted."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from neuewege.core.models import RecoveryCode, RecoveryCodeDevice, User

    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email, PASSWORD, first_name="Bench", last_name=str(role)
    )
    if user.role != role or not user.is_active or not user.check_password(PASSWORD):
        user.role, user.is_active = role, True
        user.set_password(PASSWORD)
        user.save()
    TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "Bench app"})
    device, _created = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "Bench recovery codes"}
    )
    RecoveryCode.objects.filter(device=device).delete()
    device.throttle_reset()
    return user


def busiest_person(region, *, speaking: bool):
    """A person of ``region`` whose start page has the most to show: the speaker of the job
    centre or employment agency with the most dates ahead (``speaking``), else a person of the
    family centre with the most dates ahead. One with no account of its own, or the
    benchmark's."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from neuewege.core.models import Institution, Person

    now = timezone.now()
    free = Person.objects.filter(
        Q(account__isnull=True) | Q(account__email__in=[CENTRE_EMAIL, SPEAKER_EMAIL])
    )
    if speaking:
        ahead = Q(
            speaking_events__sessions__starts_at__gt=now,
            speaking_events__sessions__is_cancelled=False,
            speaking_events__family_centre__region=region,
        )
        person = (
            free.filter(
                institution__region=region,
                institution__kind__in=[
                    Institution.Kind.JOB_CENTRE,
                    Institution.Kind.EMPLOYMENT_AGENCY,
                ],
            )
            .annotate(dates=Count("speaking_events__sessions", filter=ahead))
            .order_by("-dates", "pk")
            .first()
        )
    else:
        ahead = Q(
            parent_events__sessions__starts_at__gt=now,
            parent_events__sessions__is_cancelled=False,
        )
        centre = (
            Institution.objects.family_centres()
            .filter(region=region)
            .annotate(dates=Count("parent_events__sessions", filter=ahead))
            .order_by("-dates", "pk")
            .first()
        )
        person = free.filter(institution=centre).order_by("pk").first()
        if person is None and centre is not None:
            person = Person.objects.create(
                institution=centre, first_name="Bench", last_name="Familienzentrum"
            )
    if person is None:
        raise RuntimeError("nobody to sign in as in Kreis Wesel: is the state-scale dataset there?")
    return person


def staff_account(email, person):
    """A benchmark account of staff, as the person ``person``."""
    from neuewege.core.models import User

    user = bench_account(email, User.Role.STAFF)
    if user.person_id != person.pk:
        User.objects.filter(person=person).exclude(pk=user.pk).update(person=None)
        user.person = person
        user.save(update_fields=["person"])
    return user


def recovery_codes(email: str, count: int) -> list[str]:
    """``count`` new one-time recovery codes of a benchmark account, one per sign-in."""
    from neuewege.core.models import RecoveryCode, RecoveryCodeDevice

    device = RecoveryCodeDevice.objects.get(user__email=email)
    codes = [f"BENCH-{secrets.token_hex(8).upper()}" for _ in range(count)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=RecoveryCodeDevice.digest_of(code)) for code in codes
    )
    return codes


def signed_in_client(email: str, **headers):
    """Django's test client, signed in as ``email`` with its second factor passed at the code
    step (the password is not checked again: ``force_login``). Pages that fail show up as their
    status code, not as an exception."""
    from django.test import Client

    from neuewege.core.models import User

    client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1", **headers)
    client.force_login(User.objects.get(email=email), backend=MODEL_BACKEND)
    passed = client.post("/login/code/", {"code": recovery_codes(email, 1)[0]})
    if passed.status_code != 302:
        raise RuntimeError(f"the code step answered {passed.status_code} for {email}")
    return client


def dense_postcode() -> str:
    """Where parents search in the event search: the postcode with the most family centres in
    the region that has the most (a city, where a radius of 20 km holds the most dates)."""
    from django.db.models import Count

    from neuewege.core.models import Institution

    centres = Institution.objects.family_centres()
    region = centres.values("region").annotate(n=Count("pk")).order_by("-n", "region").first() or {}
    densest = (
        centres.filter(region=region.get("region"))
        .values("postcode")
        .annotate(n=Count("pk"))
        .order_by("-n", "postcode")
        .first()
    )
    if densest is None:
        raise RuntimeError("no family centres: is the state-scale dataset there?")
    return densest["postcode"]


def upcoming_sessions() -> int:
    """Dates the public event search looks through: published, ahead, not cancelled."""
    from django.utils import timezone

    from neuewege.events.models import EventSession, ParentEvent

    return EventSession.objects.filter(
        starts_at__gt=timezone.now(),
        is_cancelled=False,
        event__status=ParentEvent.Status.PUBLISHED,
    ).count()


def clients(fixtures: dict) -> dict:
    from django.test import Client

    def client(**headers):  # a page that fails shows up as its status code, not as an exception
        return Client(raise_request_exception=False, HTTP_HOST="127.0.0.1", **headers)

    return {
        "anonymous": client(),
        **{auth: signed_in_client(fixtures[key]) for auth, key in ACCOUNTS.items()},
        "token": client(HTTP_AUTHORIZATION=f"Bearer {fixtures['token']}"),
    }


@contextmanager
def stopwatch(spent: dict):
    """Adds up, in ms, the time in SQL and in template rendering (without its SQL)."""
    from django.db import connection
    from django.template.backends.django import Template

    def timed_sql(execute, *args):
        started = time.perf_counter()
        try:
            return execute(*args)
        finally:
            spent["sql"] += (time.perf_counter() - started) * 1000

    original_render = Template.render

    def timed_render(self, *args, **kwargs):
        started, sql_before = time.perf_counter(), spent["sql"]
        try:
            return original_render(self, *args, **kwargs)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            spent["template"] += elapsed - (spent["sql"] - sql_before)

    Template.render = timed_render
    try:
        with connection.execute_wrapper(timed_sql):
            yield
    finally:
        Template.render = original_render


def measured_scenarios() -> list:
    """The scenarios of this run: all, or those of BENCH_ONLY and the baselines."""
    return [
        scenario
        for scenario in SCENARIOS.values()
        if not ONLY or scenario.name in ONLY | {BASELINE, SIGNED_IN_BASELINE}
    ]


def measure_in_process(by_auth: dict, fixtures: dict, repeat: int = 20) -> dict:
    """Queries of one request (after a warm-up request), and the median time of a request
    split into SQL, template rendering and the rest (middleware, view, serialisation). The
    page cache is emptied before each request: these figures are the work of a cache miss."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    measured = {}
    for scenario in measured_scenarios():
        client, path = by_auth[scenario.auth], url(scenario, fixtures)
        client.get(path)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        sql = [query["sql"][:400] for query in queries.captured_queries]  # before the log resets
        samples = []
        for _ in range(repeat if response.status_code == 200 else 1):
            cache.clear()
            spent = {"sql": 0.0, "template": 0.0}
            with stopwatch(spent):
                started = time.perf_counter()
                client.get(path)
                total = (time.perf_counter() - started) * 1000
            samples.append((total, spent["sql"], spent["template"]))
        median = sorted(samples)[len(samples) // 2]
        measured[scenario.name] = {
            "path": path,
            "status": response.status_code,
            "bytes": len(response.content),
            "queries": len(sql),
            "sql": sql,
            "in_process_ms": round(median[0], 2),
            "sql_ms": round(median[1], 2),
            "template_ms": round(median[2], 2),
            "other_ms": round(median[0] - median[1] - median[2], 2),
        }
    return measured


# The server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(env: dict):
    """gunicorn with the production settings (gunicorn.conf.py) and WORKERS workers; stopped on
    leaving, also after an error."""
    port = free_port()
    common.RESULTS.mkdir(parents=True, exist_ok=True)  # a fresh checkout has none yet
    log = (common.RESULTS / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own virtualenv's gunicorn
        [
            str(common.BIN / "gunicorn"),
            "--config",
            str(common.ROOT / "gunicorn.conf.py"),
            "neuewege.wsgi:application",
        ],
        env=env
        | {
            "NEUEWEGE_WORKERS": str(WORKERS),
            "NEUEWEGE_BIND": f"127.0.0.1:{port}",
            "NEUEWEGE_GUNICORN_LOG_LEVEL": "warning",
        },
        cwd=common.ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    host = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({server.returncode}); see {log.name}")
            try:
                with urllib.request.urlopen(f"{host}/bench/bare/", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except (URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"gunicorn did not answer within 30 s; see {log.name}"
                    ) from None
                time.sleep(0.2)
        yield host
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def warm_up(host: str, fixtures: dict, by_auth: dict, rounds: int = 10) -> dict:
    """Load every page a few times (templates, imports) and check that it answers 200."""
    headers = {
        "anonymous": {},
        **{
            auth: {"Cookie": f"sessionid={by_auth[auth].cookies['sessionid'].value}"}
            for auth in ACCOUNTS
        },
        "token": {"Authorization": f"Bearer {fixtures['token']}"},
    }
    statuses = {}
    for scenario in measured_scenarios():
        request = urllib.request.Request(  # noqa: S310 - always http://127.0.0.1
            host + url(scenario, fixtures), headers=headers[scenario.auth]
        )
        for _ in range(rounds):
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                    response.read()
                    statuses[scenario.name] = response.status
            except HTTPError as error:
                statuses[scenario.name] = error.code
    return statuses


def run_locust(scenario, host: str, fixtures: dict, label: str = "") -> dict:
    label = label or scenario.name
    output = common.RESULTS / f"locust-{label}.json"
    output.unlink(missing_ok=True)
    users = scenario.users or USERS
    account = fixtures.get(ACCOUNTS.get(scenario.auth, ""))
    if account:  # each locust user signs in once, with a recovery code of its own
        fixtures = fixtures | {"codes": recovery_codes(account, users)}
    env = {
        **os.environ,
        "PYTHONPATH": str(common.ROOT),
        "BENCH_SCENARIO": scenario.name,
        "BENCH_SECONDS": str(SECONDS),
        "BENCH_FIXTURES": json.dumps(fixtures),
        "BENCH_OUTPUT": str(output),
    }
    with (common.RESULTS / f"locust-{label}.log").open("w") as log:
        subprocess.run(  # noqa: S603 - our own virtualenv's locust
            [
                str(common.BIN / "locust"),
                "--locustfile",
                str(common.ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--run-time",
                f"{SECONDS + LOGIN_ALLOWANCE}s",  # the locustfile ends the run earlier
                "--host",
                host,
                "--loglevel",
                "WARNING",
                "--only-summary",
                scenario.user_class,
            ],
            env=env,
            cwd=common.ROOT / "bench",
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=SECONDS + LOGIN_ALLOWANCE + 30,
            check=False,
        )
    if not output.exists():
        raise RuntimeError(f"locust wrote no results for {label}; see {log.name}")
    return json.loads(output.read_text())


# The run


def run() -> dict:
    fixtures = prepare_fixtures()
    by_auth = clients(fixtures)
    in_process = measure_in_process(by_auth, fixtures)
    rendered = engines.run(fixtures["postcode"], SEARCH_RADIUS_KM)
    env = common.server_env(common.BENCH_DB)
    loads, baseline = {}, SCENARIOS[BASELINE]
    with gunicorn(env) as host:
        statuses = warm_up(host, fixtures, by_auth)
        print("the parents' event search on a first visit: bytes received …", flush=True)
        weight = page_weight.run(host, url(SCENARIOS["event_search"], fixtures))
        for scenario in measured_scenarios():
            print(f"locust: {scenario.title}, {SECONDS} s …", flush=True)
            loads[scenario.name] = run_locust(scenario, host, fixtures)
        # The baseline once more, after the pages: the machine's speed may drift meanwhile.
        print("locust: the baseline again …", flush=True)
        baseline_runs = [
            loads[BASELINE]["rps"],
            run_locust(baseline, host, fixtures, "bare-2")["rps"],
        ]
    baseline_rps = round(sum(baseline_runs) / 2, 1)
    loads[BASELINE] = {**loads[BASELINE], "rps": baseline_rps}
    scenarios = []
    for scenario in measured_scenarios():
        load, measured = loads[scenario.name], in_process[scenario.name]
        # the reference of the ratio: the bare view, or (start pages) the signed-in bare view
        reference = (
            baseline_rps if scenario.baseline == BASELINE else loads[scenario.baseline]["rps"]
        )
        entry = {
            "name": scenario.name,
            "title": scenario.title,
            **{key: value for key, value in measured.items() if key != "sql"},
            "status_on_gunicorn": statuses.get(scenario.name),
            **{key: value for key, value in load.items() if key != "scenario"},
            "ratio": round(load["rps"] / reference, 3) if reference else 0.0,
            "ratio_to": scenario.baseline,
            "sql": measured["sql"],
        }
        if scenario.is_page:
            entry["target_ratio"] = scenario.target_ratio
            entry["target_p95_ms"] = scenario.target_p95_ms
            if scenario.target_ratio is not None:
                entry["ratio_pass"] = entry["ratio"] >= scenario.target_ratio
            entry["p95_pass"] = load["p95_ms"] <= scenario.target_p95_ms
            if scenario.target_in_process_ms is not None:
                entry["target_in_process_ms"] = scenario.target_in_process_ms
                entry["in_process_pass"] = (
                    measured["in_process_ms"] <= scenario.target_in_process_ms
                )
        scenarios.append(entry)
    result = {
        "users": USERS,
        "seconds": SECONDS,
        "gunicorn_workers": WORKERS,
        "upcoming_sessions": upcoming_sessions(),
        "search_postcodes": len(fixtures["postcodes"]),
        "targets": {
            "ratio_to_bare": TARGET_RATIO,
            "p95_ms": TARGET_P95_MS,
            "per_page": {
                s.name: {"ratio_to_bare": s.target_ratio, "p95_ms": s.target_p95_ms}
                for s in SCENARIOS.values()
                if s.is_page
            },
        },
        "baseline_rps": {
            "before": baseline_runs[0],
            "after": baseline_runs[1],
            "mean": baseline_rps,
        },
        "fixtures": {
            key: fixtures[key] for key in ("institution_id", "query", "postcode", "date_from")
        },
        "scenarios": scenarios,
        "page_weight": weight,
        "engines": rendered,
    }
    common.write_json("pages", result)
    print()
    print(
        f"Pages: {USERS} users without think time, {SECONDS} s each, "
        f"gunicorn {WORKERS} workers of gunicorn.conf.py on 127.0.0.1; "
        "the bare view's req/s is the mean of "
        f"a run before ({baseline_runs[0]:.0f}) and after ({baseline_runs[1]:.0f}) the pages"
    )
    print(pages_table(result))
    print()
    print("\n".join(page_weight.summary_lines(weight)))
    print()
    print("\n".join(engines.summary_lines(rendered)))
    return result


def pages_table(result: dict) -> str:
    rows = []
    for s in result["scenarios"]:
        targets = ["—", "—"]
        if "ratio_pass" in s:
            targets[0] = f"{common.verdict(s['ratio_pass'])} (≥ {s['target_ratio']:.0%})"
        if "p95_pass" in s:
            targets[1] = f"{common.verdict(s['p95_pass'])} (≤ {s['target_p95_ms']} ms)"
        rows.append(
            [
                s["title"],
                f"{s['rps']:.0f}",
                f"{s['ratio']:.0%}"
                + (" ÷ signed in" if s.get("ratio_to", BASELINE) != BASELINE else ""),
                f"{s['p50_ms']:.0f}",
                f"{s['p95_ms']:.0f}",
                f"{s['failures']}/{s['requests']}",
                s["queries"],
                f"{s['in_process_ms']:.1f}"
                + (
                    f" {common.verdict(s['in_process_pass'])} (≤ {s['target_in_process_ms']})"
                    if "in_process_pass" in s
                    else ""
                ),
                f"{s['sql_ms']:.1f} / {s['template_ms']:.1f} / {s['other_ms']:.1f}",
                *targets,
            ]
        )
    return common.table(
        [
            "page",
            "req/s",
            "÷ bare",
            "p50 ms",
            "p95 ms",
            "failed/requests",
            "queries",
            "1 request ms",
            "SQL / template / other ms",
            "÷ bare target",
            "p95 target",
        ],
        rows,
    )


# Germany scale: each page's time at most this multiple of its time at state scale
SCALE_TARGET_RATIO = 1.5


def scale_comparison(state: dict, germany: dict) -> list[str]:
    """Each page measured at both scales: its in-process median (one request, empty page
    cache: the work of the page itself, the figure the target is judged on) and p95 under load
    at Germany scale ÷ at state scale (at most 1.5 times), and its queries (unchanged)."""
    at_state = {s["name"]: s for s in state["scenarios"]}
    rows = []
    for g in germany["scenarios"]:
        s = at_state.get(g["name"])
        if s is None:
            continue
        ratio = g["in_process_ms"] / s["in_process_ms"] if s["in_process_ms"] else 0.0
        p95 = g["p95_ms"] / s["p95_ms"] if s["p95_ms"] else 0.0
        rows.append(
            [
                g["title"],
                f"{s['in_process_ms']:.1f}",
                f"{g['in_process_ms']:.1f}",
                f"{ratio:.2f}×",
                common.verdict(ratio <= SCALE_TARGET_RATIO),
                f"{s['p95_ms']:.0f} / {g['p95_ms']:.0f} ({p95:.2f}×)",
                f"{s['queries']} / {g['queries']}",
                common.verdict(s["queries"] == g["queries"]),
            ]
        )
    if not rows:
        return ["No page was measured at both scales (run `make bench-pages` at each)."]
    return [
        f"Germany scale against state scale (target: each page ≤ {SCALE_TARGET_RATIO}× its "
        "time at state scale, queries unchanged; time = the in-process median of one request "
        "with an empty page cache; the p95 under load for comparison, noisy on a shared "
        "machine):",
        "",
        common.table(
            [
                "page",
                "state ms",
                "Germany ms",
                "÷ state",
                f"≤ {SCALE_TARGET_RATIO}×",
                "p95 ms state / Germany",
                "queries state / Germany",
                "unchanged",
            ],
            rows,
        ),
    ]


def compare_with_state(germany: dict) -> list[str]:
    """The comparison with the state's page results of an earlier run (bench/results/)."""
    path = common.STATE_RESULTS / "pages.json"
    if not path.exists():
        return [f"No state-scale page results ({path}): run `make bench-pages` first."]
    return scale_comparison(json.loads(path.read_text()), germany)


def main():
    """`make bench-pages`: the page benchmark alone (BENCH_ONLY picks scenarios), on the
    dataset of SCALE (state, or germany); writes bench/results/[germany/]pages.json, not
    bench/RESULTS.md. At Germany scale it prints the comparison with the state's figures."""
    common.build_dataset()
    common.start_django()
    result = run()
    if common.SCALE != "state":
        print()
        print("\n".join(compare_with_state(result)))


if __name__ == "__main__":
    main()
