"""Set-up and operations: deploy checks, demo data, due jobs, the command-line entry point."""

import base64
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from neuewege.core.models import ImportBatch, Institution, Person, Region, User

OPERATOR = {  # the operator's details the legal pages need (core/legal.py)
    "NEUEWEGE_OPERATOR_NAME": "Kreis Wesel",
    "NEUEWEGE_OPERATOR_ADDRESS": "Reeser Landstraße 31, 46483 Wesel",
    "NEUEWEGE_OPERATOR_EMAIL": "neuewege@kreis-wesel.example",
    "NEUEWEGE_OPERATOR_PHONE": "0281 207-0",
    "NEUEWEGE_OPERATOR_REPRESENTATIVE": "Landrat Max Muster",
    "NEUEWEGE_DPO_CONTACT": "datenschutz@kreis-wesel.example",
    "NEUEWEGE_ACCESSIBILITY_REVIEW": "1. Dezember 2026, Selbstbewertung",
}


def deploy_check(tmp_path, **values):
    """``check --deploy`` in a fresh process with the given environment."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "NEUEWEGE_SECRET_KEY"}
    }
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "NEUEWEGE_HTTPS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "neuewege.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env | values,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_is_clean_with_production_values(tmp_path):
    result = deploy_check(
        tmp_path,
        NEUEWEGE_SECRET_KEY="Zq8#pL2!vR5@wT9$xY4%aB7^cD1&eF6*gH0(iJ3)kM-nP5+sU8=wX2",
        NEUEWEGE_ALLOWED_HOSTS="neuewege.example.de",
        NEUEWEGE_DEBUG="0",
        **OPERATOR,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_while_the_legal_pages_lack_the_operator(tmp_path):
    result = deploy_check(
        tmp_path,
        NEUEWEGE_SECRET_KEY="Zq8#pL2!vR5@wT9$xY4%aB7^cD1&eF6*gH0(iJ3)kM-nP5+sU8=wX2",
        NEUEWEGE_ALLOWED_HOSTS="neuewege.example.de",
        NEUEWEGE_DEBUG="0",
        **(OPERATOR | {"NEUEWEGE_DPO_CONTACT": ""}),
    )
    assert result.returncode != 0
    assert "neuewege.W001" in result.stderr and "NEUEWEGE_DPO_CONTACT" in result.stderr


def start(tmp_path, code="import neuewege.wsgi; print('started')", **values):
    """A fresh process that starts the application (the WSGI module gunicorn loads) with only
    ``values`` set of the key and debug variables."""
    unset = {
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "NEUEWEGE_SECRET_KEY",
        "NEUEWEGE_SECRET_KEY_FALLBACKS",
        "NEUEWEGE_DEBUG",
    }
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "neuewege.settings",
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env | values,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_a_secret_key_the_application_refuses_to_start(tmp_path):
    for values in ({}, {"NEUEWEGE_DEBUG": "0"}, {"NEUEWEGE_SECRET_KEY": "  "}):
        result = start(tmp_path, **values)
        assert result.returncode != 0, values
        assert "ImproperlyConfigured: NEUEWEGE_SECRET_KEY is not set" in result.stderr, values
        assert "started" not in result.stdout
    command = deploy_check(tmp_path)  # every command, not only the web server
    assert command.returncode != 0 and "NEUEWEGE_SECRET_KEY is not set" in command.stderr


def test_the_published_local_key_is_refused_outside_debug(tmp_path):
    from neuewege.settings import LOCAL_SECRET_KEY

    for values in (
        {"NEUEWEGE_SECRET_KEY": LOCAL_SECRET_KEY},
        {"NEUEWEGE_SECRET_KEY": "a" * 60, "NEUEWEGE_SECRET_KEY_FALLBACKS": LOCAL_SECRET_KEY},
    ):
        result = start(tmp_path, **values)
        assert result.returncode != 0 and "published local key" in result.stderr


def test_debug_starts_without_a_key_and_production_with_its_own(tmp_path):
    shown = "from django.conf import settings; print(settings.SECRET_KEY)"
    local = start(tmp_path, code=shown, NEUEWEGE_DEBUG="1")
    assert local.returncode == 0, local.stderr
    assert local.stdout.strip().startswith("django-insecure-local-only")
    own = start(tmp_path, code=shown, NEUEWEGE_SECRET_KEY="k" * 60)
    assert own.returncode == 0 and own.stdout.strip() == "k" * 60


def test_a_rotated_key_still_opens_links_signed_with_the_old_one(tmp_path):
    old, new = "old-key-" + "o" * 52, "new-key-" + "n" * 52
    signed = start(
        tmp_path,
        code="from django.core import signing; print(signing.dumps('booking 17'))",
        NEUEWEGE_SECRET_KEY=old,
    ).stdout.strip()
    opened = f"from django.core import signing; print(signing.loads({signed!r}))"
    rotated = start(
        tmp_path, code=opened, NEUEWEGE_SECRET_KEY=new, NEUEWEGE_SECRET_KEY_FALLBACKS=f"x,{old}"
    )
    assert rotated.returncode == 0 and rotated.stdout.strip() == "booking 17", rotated.stderr
    dropped = start(tmp_path, code=opened, NEUEWEGE_SECRET_KEY=new)
    assert dropped.returncode != 0 and "BadSignature" in dropped.stderr


@pytest.mark.django_db
def test_demo_data_is_generated_once_with_an_account_per_role(capsys):
    call_command("demo", "--scale", "demo")
    first = capsys.readouterr().out
    counts = (Institution.objects.count(), Person.objects.count(), User.objects.count())
    call_command("demo", "--scale", "demo")
    second = capsys.readouterr().out
    assert counts == (Institution.objects.count(), Person.objects.count(), User.objects.count())
    assert "already present" in second
    assert "neuewege-demo" in first
    assert {u.role for u in User.objects.all()} == {"state", "coordinator", "staff", "viewer"}
    coordinator = User.objects.get(email="koordination.wesel@demo.neuewege.example")
    assert [r.name for r in coordinator.regions.all()] == ["Kreis Wesel"]
    # the demo accounts that must use a second factor have the documented demo key
    from django_otp.plugins.otp_totp.models import TOTPDevice

    demo_key = "NEUEWEGEDEMONEUEWEGEDEMONEUEWEGE"
    assert f"oathtool --totp -b {demo_key}" in first
    for account in User.objects.filter(role__in=["coordinator", "state"]):
        device = TOTPDevice.objects.get(user=account, confirmed=True)
        assert base64.b32encode(device.bin_key).decode() == demo_key
    assert not TOTPDevice.objects.filter(user__role__in=["staff", "viewer"]).exists()
    wesel = Institution.objects.filter(region__key="05170")
    for kind in (
        "employment_agency",
        "job_centre",
        "youth_welfare_office",
        "family_centre",
        "equality_office",
        "education_provider",
    ):
        assert wesel.filter(kind=kind).exists(), kind


@pytest.mark.django_db
def test_state_dataset_has_the_programmes_scale():
    call_command("demo", "--scale", "state")
    institutions = Institution.objects.all()
    assert institutions.values("region").distinct().count() == 53
    assert institutions.filter(kind="family_centre").count() == 3322
    assert institutions.filter(kind="employment_agency").count() == 30
    # every region is in an agency's district: its own, or the nearest one's
    for region in Region.objects.filter(institutions__isnull=False).distinct():
        agencies = Institution.objects.serving(region).filter(kind="employment_agency")
        assert agencies.count() == 1, region
    assert institutions.filter(kind="job_centre").count() == 53
    assert institutions.filter(kind="job_centre", job_centre_type="municipal").count() == 18
    assert institutions.filter(kind="youth_welfare_office").count() == 186
    labour_market = Person.objects.filter(institution__kind__in=["employment_agency", "job_centre"])
    assert 600 <= labour_market.count() <= 800
    # every family centre belongs to a youth welfare office of its own region
    centres = institutions.filter(kind="family_centre")
    assert not centres.filter(youth_welfare_office__isnull=True).exists()
    assert not centres.exclude(youth_welfare_office__region=F("region")).exists()


@pytest.mark.django_db
def test_state_dataset_is_deterministic():
    from neuewege.core.demo.generate import Generator, state_plan

    first = Generator(state_plan(), seed=7)
    second = Generator(state_plan(), seed=7)
    for generator in (first, second):
        for key in generator.plan.regions[:3]:
            generator.region(generator.regions[key])
    assert [i.name for i in first.institutions] == [i.name for i in second.institutions]
    assert [p.email for p in first.people] == [p.email for p in second.people]


@pytest.mark.django_db
def test_due_jobs_discard_old_unconfirmed_uploads_and_are_idempotent(wesel, capsys):
    old = ImportBatch.objects.create(region=wesel, kind="people", filename="a.csv", content=b"x")
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    fresh = ImportBatch.objects.create(region=wesel, kind="people", filename="b.csv", content=b"x")
    call_command("run-due-jobs")
    assert list(ImportBatch.objects.all()) == [fresh]
    capsys.readouterr()
    call_command("run-due-jobs", "--all")  # due or not
    lines = capsys.readouterr().out.splitlines()
    purge = next(line for line in lines if line.startswith("purge_personal_data: "))
    assert "unconfirmed_uploads 0" in purge
    assert "create_reminders: 0 reminder(s) considered" in lines


def test_console_script_wraps_manage_py():
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "neuewege"), "help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    for command in ("demo", "import", "run-due-jobs", "backup", "restore"):
        assert command in result.stdout


@pytest.mark.django_db
def test_admin_lists_the_core_records_for_superusers(client, family_centre):
    admin = User.objects.create_superuser("admin@example.org", "x")
    client.force_login(admin)
    for path in (
        "region",
        "institution",
        "person",
        "user",
        "apitoken",
        "importbatch",
        "barrierreport",
    ):
        assert client.get(f"/admin/core/{path}/").status_code == 200, path
    page = client.get(f"/admin/core/institution/{family_centre.pk}/change/")
    assert page.status_code == 200 and family_centre.name in page.content.decode()


def test_every_response_carries_the_content_security_policy(client):
    policy = client.get("/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["base-uri"] == "'none'"  # no <base> may redirect relative script URLs
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_gunicorn_keeps_idle_connections_open_longer_than_the_proxy(tmp_path):
    """gunicorn.conf.py as in production: a client (the proxy) that sends its next request on a
    connection after a pause of a few seconds gets an answer, not a reset."""
    import http.client
    import socket
    import time
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = Path(__file__).resolve().parents[1]
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "NEUEWEGE_SECRET_KEY": "a-test-key-for-gunicorn-only-0123456789-abcdefghijkl",
        "NEUEWEGE_DEBUG": "0",
        "NEUEWEGE_BIND": f"127.0.0.1:{port}",
        "NEUEWEGE_WORKERS": "1",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "--config", str(root / "gunicorn.conf.py"), "neuewege.wsgi:application"],
        env=env,
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("w"),
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, (
                    tmp_path / "gunicorn.log"
                ).read_text()
                time.sleep(0.2)

        def proxy_connection(_index):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
            statuses = []
            for _ in range(2):
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                response.read()
                statuses.append(response.status)
                time.sleep(3)  # idle, as between two requests of a quiet hour
            connection.close()
            return statuses

        with ThreadPoolExecutor(max_workers=20) as pool:
            results = list(pool.map(proxy_connection, range(20)))
        assert results == [[200, 200]] * 20
    finally:
        server.terminate()
        server.wait(timeout=15)


def quiet_command(tmp_path, *args, code=None):
    """``neuewege ARGS`` (or CODE after ``django.setup()``) as `make run` starts it, in a fresh
    process on a database of its own; standard output and error together."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "NEUEWEGE_VAR_DIR": str(tmp_path / "var"),
        "NEUEWEGE_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "neuewege.settings",
    }
    command = [sys.executable, "-m", "neuewege.cli", *args]
    if code is not None:
        command = [sys.executable, "-c", "import django\ndjango.setup()\n" + code]
    result = subprocess.run(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    return result.stdout.splitlines()


def test_make_runs_demo_step_prints_the_accounts_and_no_library_logs(tmp_path):
    assert quiet_command(tmp_path, "migrate", "--no-input", "-v", "0") == []
    lines = quiet_command(tmp_path, "demo", "--scale", "demo")
    text = "\n".join(lines)
    assert len(lines) <= 20, text
    assert "Demo accounts (password for all: neuewege-demo):" in lines
    assert any(
        line.strip().startswith("koordination.wesel@demo.neuewege.example") for line in lines
    )
    assert "oathtool --totp" in text
    assert "materials" in text  # the PDFs of the materials library were rendered
    for noise in ("fonttools", "subset", "weasyprint", " info ", " debug "):
        assert noise not in text.lower(), text


def test_pdfs_rendered_without_harfbuzz_subset_say_so_once_and_log_no_subsetting(tmp_path):
    """Without libharfbuzz-subset0 WeasyPrint subsets fonts with fontTools, which logs some
    eighty INFO lines per document (the 330 lines `make run` printed), and WeasyPrint repeats
    its warning about it for every document. Here that machine is imitated by switching
    WeasyPrint's HarfBuzz subsetter off, then three documents are rendered."""
    code = (
        "import weasyprint.pdf.fonts as fonts\n"
        "fonts.harfbuzz_subset = None\n"
        "from neuewege.core.documents import html_pdf\n"
        "for n in range(3):\n"
        "    pdf = html_pdf(f'<html lang=\"de\"><h1>Neue Wege {n}</h1><p><b>Fett</b></p></html>')\n"
        "    assert pdf.startswith(b'%PDF')\n"
        "print('rendered')\n"
    )
    lines = quiet_command(tmp_path, code=code)
    assert lines[-1] == "rendered"
    warnings = lines[:-1]
    assert warnings, "WeasyPrint names the missing subsetter (once per font)"
    assert all("Using fontTools instead of HarfBuzz-Subset" in line for line in warnings), lines
    assert len(warnings) == len(set(warnings)) <= 4, lines
    assert not [line for line in lines if "fontTools.subset" in line], lines
