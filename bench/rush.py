"""Booking rush: 300 parents book the same 12-place date at the same moment, through the public
booking pages, against gunicorn (2 workers of gunicorn.conf.py, as for the pages) and PostgreSQL.

Every client is a browser of its own (own cookies, own e-mail address) and walks the pages as
a parent does: the booking form (GET), the answers (POST, 302 to "check your answers"), the
check page (GET); once every client stands before the last step, all confirm at once (POST,
302 to the parent's booking page). That last step is the rush: it takes the event's row lock
and decides between a place and the waiting list. Afterwards the database must hold exactly
12 confirmed registrations and 288 on the waiting list, and no client may have seen an error.

The clients are threads with a ``requests`` session each (installed with locust). The event is
created fresh in Kreis Wesel before every run (the previous one is deleted with its bookings).
"""

import os
import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from datetime import time as clock_time
from urllib.parse import urlsplit

import requests

from . import common
from .pages import WORKERS, gunicorn
from .scenarios import REGION_KEY

CLIENTS = int(os.environ.get("BENCH_RUSH_CLIENTS", "300"))
CAPACITY = 12
TITLE = "Benchmark: Ansturm auf 12 Plätze"
TIMEOUT = 180  # seconds for one request: 300 requests wait in gunicorn's queue
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CONSENT_FIELD = re.compile(r'name="consent_version" value="(\d+)"')
MANAGE_PATH = re.compile(r"^/anmeldung/[^/]+/$")
FIRST_NAMES = ["Ayşe", "Olena", "Mariam", "Agnieszka", "Natalja", "Sarah", "Fatma", "Julia"]


def prepare_event() -> tuple[int, int]:
    """A published single info session with 12 places at a family centre of Kreis Wesel, in
    ten days at 10:00; returns (event id, session id)."""
    from django.db import transaction
    from django.utils import timezone

    from neuewege.core.models import Institution
    from neuewege.events.models import EventSession, Format, ParentEvent

    centre = (
        Institution.objects.family_centres().filter(region__key=REGION_KEY).order_by("id").first()
    )
    if centre is None:
        raise RuntimeError("no family centre in Kreis Wesel: is the state-scale dataset there?")
    day = timezone.localdate() + timedelta(days=10)
    while day.weekday() >= 4:  # Monday to Thursday
        day += timedelta(days=1)
    starts = datetime.combine(day, clock_time(10), tzinfo=timezone.get_default_timezone())
    with transaction.atomic():
        ParentEvent.objects.filter(family_centre__region__key=REGION_KEY, title=TITLE).delete()
        event = ParentEvent.objects.create(
            family_centre=centre,
            format=Format.objects.get(code="info_session"),
            shape=ParentEvent.Shape.SINGLE,
            title=TITLE,
            title_de=TITLE,
            description="Wird vom Benchmark angelegt und wieder gelöscht.",
            capacity=CAPACITY,
            childcare_offered=True,
            languages=["de"],
            status=ParentEvent.Status.PUBLISHED,
        )
        session = EventSession.objects.create(
            event=event, starts_at=starts, ends_at=starts + timedelta(minutes=90)
        )
    return event.pk, session.pk


def count_bookings(event_id: int) -> dict:
    from django.db.models import Count

    from neuewege.events.models import Registration

    counts = dict(
        Registration.objects.filter(event_id=event_id)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in ("confirmed", "waitlisted", "cancelled")}


class Client:
    """One parent's browser."""

    def __init__(self, number: int, host: str, event_id: int, session_id: int):
        self.number, self.host = number, host
        self.http = requests.Session()
        # each parent on a connection of her own, as the proxy in front reports it
        self.http.headers["X-Forwarded-For"] = f"198.18.{number // 250}.{number % 250 + 1}"
        self.start = f"{host}/veranstaltungen/{event_id}/anmelden/?session={session_id}"
        self.check = f"{host}/veranstaltungen/{event_id}/anmelden/pruefen/"
        self.session_id = session_id
        self.csrf = ""
        self.error = None
        self.confirm_ms = None

    def fail(self, step: str, response=None, error=None):
        detail = f"status {response.status_code}" if response is not None else repr(error)
        self.error = f"{step}: {detail}"

    def answer(self) -> bool:
        """The form and the answers, then the check page: everything before the last step."""
        try:
            form = self.http.get(self.start, timeout=TIMEOUT)
            csrf, consent = CSRF_FIELD.search(form.text), CONSENT_FIELD.search(form.text)
            if form.status_code != 200 or not csrf or not consent:
                self.fail("booking form", form)
                return False
            data = {
                "csrfmiddlewaretoken": csrf.group(1),
                "session": str(self.session_id),
                "first_name": FIRST_NAMES[self.number % len(FIRST_NAMES)],
                "email": f"ansturm.{self.number:03d}@example.org",
                "phone": "",
                "child_ages": "2, 4" if self.number % 3 == 0 else "",
                "language_needs": "Türkisch" if self.number % 7 == 0 else "",
                "consent": "on",
                "consent_version": consent.group(1),
            }
            answered = self.http.post(self.start, data=data, timeout=TIMEOUT, allow_redirects=False)
            if (
                answered.status_code != 302
                or urlsplit(answered.headers.get("Location", "")).path != urlsplit(self.check).path
            ):
                self.fail("answers", answered)
                return False
            page = self.http.get(self.check, timeout=TIMEOUT)
            csrf = CSRF_FIELD.search(page.text)
            if page.status_code != 200 or not csrf:
                self.fail("check page", page)
                return False
            self.csrf = csrf.group(1)
            return True
        except requests.RequestException as error:
            self.fail("before confirming", error=error)
            return False

    def confirm(self):
        started = time.perf_counter()
        try:
            done = self.http.post(
                self.check,
                data={"csrfmiddlewaretoken": self.csrf, "confirm": "1"},
                timeout=TIMEOUT,
                allow_redirects=False,
            )
        except requests.RequestException as error:
            self.fail("confirm", error=error)
            return
        self.confirm_ms = (time.perf_counter() - started) * 1000
        if done.status_code != 302 or not MANAGE_PATH.match(
            urlsplit(done.headers.get("Location", "")).path
        ):
            self.fail("confirm", done)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def rush(host: str, event_id: int, session_id: int) -> dict:
    clients = [Client(n, host, event_id, session_id) for n in range(CLIENTS)]
    ready = threading.Barrier(CLIENTS + 1)
    moments = {}

    def walk(client: Client):
        try:
            answered = client.answer()
        except Exception as error:
            client.fail("before confirming", error=error)
            answered = False
        try:
            ready.wait()  # everyone stands before "confirm"
        except threading.BrokenBarrierError:
            client.error = client.error or "never got to confirm"
            return time.perf_counter()
        if answered:
            client.confirm()
        return time.perf_counter()

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        started = time.perf_counter()
        futures = [pool.submit(walk, client) for client in clients]
        try:
            ready.wait(timeout=TIMEOUT * 3)
        except threading.BrokenBarrierError:
            ready.abort()
            raise RuntimeError("the clients did not get to the last step in time") from None
        moments["rush"] = time.perf_counter()
        finished = [future.result() for future in futures]
    moments["prepared_seconds"] = moments["rush"] - started
    moments["rush_seconds"] = max(finished) - moments["rush"]
    confirm_ms = [c.confirm_ms for c in clients if c.confirm_ms is not None]
    errors = [c.error for c in clients if c.error]
    return {
        "prepared_seconds": round(moments["prepared_seconds"], 2),
        "rush_seconds": round(moments["rush_seconds"], 2),
        "bookings_per_second": round(len(confirm_ms) / moments["rush_seconds"], 1)
        if moments["rush_seconds"]
        else 0.0,
        "confirm_p50_ms": round(percentile(confirm_ms, 0.5)),
        "confirm_p95_ms": round(percentile(confirm_ms, 0.95)),
        "confirm_max_ms": round(max(confirm_ms, default=0)),
        "confirm_mean_ms": round(statistics.fmean(confirm_ms)) if confirm_ms else 0,
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:5],
    }


def bare_burst(host: str) -> dict:
    """The baseline: as many clients request the bare view at the same moment (the queue in
    front of the workers alone, without booking). Each is connected first, as the rush's
    clients are when they confirm (they walked the pages before, and gunicorn keeps their
    connections open): 300 connections opened at the same moment measured the kernel's accept
    queue, in two groups of runs (about 200 and about 800 per second for the same code)."""
    sessions = [requests.Session() for _ in range(CLIENTS)]
    ready = threading.Barrier(CLIENTS + 1)
    errors = []

    def request(http):
        try:
            http.get(f"{host}/bench/bare/", timeout=TIMEOUT)  # connected, as the rush's clients
        except requests.RequestException as error:
            errors.append(repr(error))
        try:
            ready.wait()
        except threading.BrokenBarrierError:
            errors.append("never started")
            return None
        started = time.perf_counter()
        try:
            answer = http.get(f"{host}/bench/bare/", timeout=TIMEOUT)
        except requests.RequestException as error:
            errors.append(repr(error))
            return None
        if answer.status_code != 200:
            errors.append(f"status {answer.status_code}")
        return started, time.perf_counter()

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        futures = [pool.submit(request, http) for http in sessions]
        ready.wait(timeout=60)
        began = time.perf_counter()
        times = [t for t in (future.result() for future in futures) if t]
    seconds = max((end for _start, end in times), default=began) - began
    latencies = [(end - start) * 1000 for start, end in times]
    return {
        "bare_per_second": round(len(times) / seconds, 1) if seconds else 0.0,
        "bare_p50_ms": round(percentile(latencies, 0.5)),
        "bare_p95_ms": round(percentile(latencies, 0.95)),
        "bare_errors": len(errors),
    }


def run() -> dict:
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    event_id, session_id = prepare_event()
    env = common.server_env(common.BENCH_DB)
    print(f"booking rush: {CLIENTS} clients, one date with {CAPACITY} places …", flush=True)
    with gunicorn(env) as host:
        baseline = bare_burst(host)
        measured = rush(host, event_id, session_id)
    counts = count_bookings(event_id)
    result = {
        "clients": CLIENTS,
        "capacity": CAPACITY,
        "gunicorn_workers": WORKERS,
        "event_id": event_id,
        **measured,
        **baseline,
        "ratio": round(measured["bookings_per_second"] / baseline["bare_per_second"], 3)
        if baseline["bare_per_second"]
        else 0.0,
        # time a worker spends on one confirmation, queue excluded
        "server_ms_per_booking": round(WORKERS * 1000 / measured["bookings_per_second"])
        if measured["bookings_per_second"]
        else None,
        **counts,
        "confirmed_pass": counts["confirmed"] == CAPACITY,
        "waitlisted_pass": counts["waitlisted"] == CLIENTS - CAPACITY,
        "errors_pass": measured["errors"] == 0,
    }
    common.write_json("booking_rush", result)
    print()
    print(
        f"Booking rush: {CLIENTS} clients with their own sessions fill in the form and the check "
        f"page ({result['prepared_seconds']:.1f} s), then confirm at the same moment; gunicorn "
        f"{WORKERS} workers of gunicorn.conf.py, PostgreSQL; a worker spends about "
        f"{result['server_ms_per_booking']} ms on one confirmation"
    )
    print(rush_table(result))
    return result


def rush_table(result: dict) -> str:
    return common.table(
        [
            "burst of requests",
            "per s",
            "÷ bare",
            "p50 ms",
            "p95 ms",
            "max ms",
            "confirmed",
            "waitlisted",
            "errors",
        ],
        [
            [
                f"bare view, {result['clients']} connected clients at once (baseline)",
                f"{result['bare_per_second']:.0f}",
                "100%",
                result["bare_p50_ms"],
                result["bare_p95_ms"],
                "—",
                "—",
                "—",
                result["bare_errors"],
            ],
            [
                f"booking confirmed, {result['clients']} at once, {result['capacity']} places",
                f"{result['bookings_per_second']:.0f}",
                f"{result['ratio']:.0%}",
                result["confirm_p50_ms"],
                result["confirm_p95_ms"],
                result["confirm_max_ms"],
                f"{result['confirmed']} {common.verdict(result['confirmed_pass'])}",
                f"{result['waitlisted']} {common.verdict(result['waitlisted_pass'])}",
                f"{result['errors']} {common.verdict(result['errors_pass'])}",
            ],
        ],
    )


def main():
    """`make bench-rush`: the booking rush alone, on the state-scale dataset; writes
    bench/results/booking_rush.json, not bench/RESULTS.md."""
    common.build_dataset()
    common.start_django()
    run()


if __name__ == "__main__":
    main()
