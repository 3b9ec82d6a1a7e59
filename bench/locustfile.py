"""Locust users of `make bench`: one user class per measured page (bench/scenarios.py).

bench/run.py starts one headless locust run per page and names the user class on the command
line; the account, its recovery codes, the token and record ids come in BENCH_FIXTURES (JSON).
Users request their page without think time. Signing in (password, then the code step) is not
measured: once every user is ready the statistics are reset and the run ends BENCH_SECONDS
later. The page's figures go to the JSON file named by BENCH_OUTPUT.
"""

import itertools
import json
import os
import random
import re
import time
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, constant, events, task

from bench.scenarios import ACCOUNTS, SCENARIOS, url

FIXTURES = json.loads(os.environ.get("BENCH_FIXTURES", "{}"))
SCENARIO = os.environ.get("BENCH_SCENARIO", "bare")
SECONDS = int(os.environ.get("BENCH_SECONDS", "30"))
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
request_numbers = itertools.count()
CODES = iter(FIXTURES.get("codes", []))  # one-time recovery codes, one per signing-in user
progress = {"started": time.time(), "ready": 0, "login_failures": 0, "ready_after": None}


class BenchUser(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    scenario = ""

    def on_start(self):
        spec = SCENARIOS[self.scenario]
        self.path, self.headers = url(spec, FIXTURES), {}
        if spec.auth in ACCOUNTS:
            self.log_in(FIXTURES[ACCOUNTS[spec.auth]])
        elif spec.auth == "token":
            self.headers = {"Authorization": f"Bearer {FIXTURES['token']}"}
        progress["ready"] += 1
        if progress["ready"] == self.environment.parsed_options.num_users:
            progress["ready_after"] = round(time.time() - progress["started"], 1)
            self.environment.stats.reset_all()
            gevent.spawn_later(SECONDS, self.environment.runner.quit)

    def log_in(self, email):
        """As a person signs in: the password, then a code at the code step (the benchmark's
        accounts have a second factor; each user types a one-time recovery code of its own)."""
        password = {"username": email, "password": FIXTURES["password"]}
        if self.send_form("/login/", password, "login"):
            self.send_form("/login/code/", {"code": next(CODES, "")}, "second factor")

    def send_form(self, path, fields, name) -> bool:
        """Open the form (for its CSRF token) and send ``fields``: True when it answers 302."""
        form = self.client.get(path, name=f"{name} form")
        token = CSRF_FIELD.search(form.text or "")
        body = urlencode({"csrfmiddlewaretoken": token.group(1) if token else "", **fields})
        with self.client.post(
            path,
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                progress["login_failures"] += 1
                response.failure(f"{name} answered {response.status_code}, not 302")
                return False
        return True

    @task
    def page(self):
        path = self.path
        if SCENARIOS[self.scenario].cache_missed:  # a new address: the page cache cannot answer
            postcode = random.choice(FIXTURES["postcodes"])
            path = url(SCENARIOS[self.scenario], FIXTURES | {"postcode": postcode})
            path += f"&n={next(request_numbers)}"
        with self.client.get(
            path,
            name=self.scenario,
            headers=self.headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


class BareView(BenchUser):
    scenario = "bare"


class BareViewSignedIn(BenchUser):
    scenario = "bare_signed_in"


class RegionHome(BenchUser):
    scenario = "region_home"


class InstitutionList(BenchUser):
    scenario = "institution_list"


class InstitutionDetail(BenchUser):
    scenario = "institution_detail"


class ApiInstitutions(BenchUser):
    scenario = "api_institutions"


class RegionDashboard(BenchUser):
    scenario = "region_dashboard"


class StateOverview(BenchUser):
    scenario = "state_overview"


class EventSearch(BenchUser):
    scenario = "event_search"


class EventSearchFiltered(BenchUser):
    scenario = "event_search_filtered"


class EventSearchAnyPostcode(BenchUser):
    scenario = "event_search_any_postcode"


class OfferSearch(BenchUser):
    scenario = "offer_search"


class StartCoordinator(BenchUser):
    scenario = "start_coordinator"


class StartFamilyCentre(BenchUser):
    scenario = "start_family_centre"


class StartSpeaker(BenchUser):
    scenario = "start_speaker"


@events.test_stop.add_listener
def write_results(environment, **_kwargs):
    stats = environment.stats
    entry = stats.get(SCENARIO, "GET")
    measured = (stats.last_request_timestamp or 0) - (stats.start_time or 0)
    result = {
        "scenario": SCENARIO,
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": round(entry.total_rps, 1),
        "p50_ms": entry.get_response_time_percentile(0.5),
        "p95_ms": entry.get_response_time_percentile(0.95),
        "p99_ms": entry.get_response_time_percentile(0.99),
        "avg_ms": round(entry.avg_response_time, 1),
        "max_ms": entry.max_response_time,
        "measured_seconds": round(max(measured, 0), 1),
        "users_ready_after_seconds": progress["ready_after"],
        "login_failures": progress["login_failures"],
        "errors": [f"{error.occurrences}× {error.error}" for error in stats.errors.values()][:5],
    }
    output = os.environ.get("BENCH_OUTPUT")
    if output:
        Path(output).write_text(json.dumps(result, indent=2) + "\n")
