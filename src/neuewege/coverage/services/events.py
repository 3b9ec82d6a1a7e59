"""From a plan to events (issue 15, item 5): the planner adjusts a finished plan by hand (pin an
event, unpin it, move it to another month, swap a speaker: each a ``Pin`` of the scenario that
its next plan keeps), asks for the three best speakers of a request in a month, and turns the
plan into draft events through the events app's own service (``events.services.planning``),
which enforces its rules (speakers' clashes, shapes, opening hours).

Events made are kept by the next plan of the scenario: ``plans.instance_for`` reads the region's
events of the year as pins, and months already past are not planned again.
"""

import calendar
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from itertools import product

from django.db import transaction
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from neuewege.core.access import Access
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import Institution, Person, Region
from neuewege.events.models import Format, ParentEvent
from neuewege.events.permissions import PLAN as PLAN_EVENTS
from neuewege.events.services.planning import NeedsConfirmation, plan_event
from neuewege.events.services.planning import Plan as EventPlan
from neuewege.planning import coverage as planning

from .. import selectors
from ..models import (
    PAIRED_FORMATS,
    PART_HOURS,
    SPEAKER_KINDS,
    CentreRequest,
    PartOfDay,
    Pin,
    PlanRun,
    Scenario,
    SpeakerCapacity,
)
from ..permissions import PLAN
from .plans import (
    EXTRA_PREFIX,
    frequency,
    instance_for,
    is_added_centre,
    planning_months,
    request_pk,
)

CLAIM_MINUTES = 15  # a second click within this time is refused while events are being made
SOLVER_PART = {"early": PartOfDay.MORNING, "morning": PartOfDay.MORNING}
SOLVER_PART |= {"afternoon": PartOfDay.AFTERNOON, "late": PartOfDay.EVENING}
HALF_DAY = {PartOfDay.MORNING: 0, PartOfDay.AFTERNOON: 1, PartOfDay.EVENING: 1}
USUAL_START = {  # where the opening hours allow it, events start about then
    PartOfDay.MORNING: time(9, 30),
    PartOfDay.AFTERNOON: time(14, 30),
    PartOfDay.EVENING: time(17, 30),
}
SUGGESTED = 3
SUGGESTION_PLANS = 4  # candidates planned in full (after a quick greedy pass over all)
SUGGESTION_SECONDS = 0.3  # per plan of a candidate (and of the plan without one)


def _require_planner(access: Access, scenario: Scenario):
    if not access.has(PLAN, scenario):
        raise PermissionDenied(_("You may not plan the coverage of this region."))


def is_finished(run: PlanRun) -> bool:
    return run.work_state == PlanRun.State.DONE and bool(run.result.get("plan"))


def month_names(months) -> str:
    return ", ".join(str(MONTHS[m]) for m in months)


# Pins: pin, unpin, move, swap


def period(centre_request: CentreRequest, month: int) -> tuple[int, tuple[int, ...]]:
    """The events a request asks for in the period ``month`` lies in, and that period's months."""
    count, per = frequency(centre_request.per_year)
    if per == "month":
        return count, (month,)
    if per == "half_year":
        return count, tuple(range(1, 7) if month <= 6 else range(7, 13))
    return count, tuple(range(1, 13))


def planned_people(scenario: Scenario) -> set[int]:
    """The people the scenario plans: active speakers of the region, less those left out and
    those of other functions than the scenario's."""
    capacities = SpeakerCapacity.objects.filter(
        active=True,
        person__institution__region=scenario.region,
        person__institution__kind__in=SPEAKER_KINDS,
    ).exclude(person__in=scenario.left_out.all())
    if scenario.functions:
        capacities = capacities.filter(person__function__in=scenario.functions)
    return set(capacities.values_list("person_id", flat=True))


def _speaker_error(scenario: Scenario, code: str, speakers) -> str | None:
    label = dict(CentreRequest._meta.get_field("format").choices).get(code, code)
    if not speakers:
        return _("Choose the speakers.")
    planned = planned_people(scenario)
    for person in speakers:
        if (
            person.institution.region_id != scenario.region_id
            or person.institution.kind not in SPEAKER_KINDS
        ):
            return _("%(name)s does not speak at events of this region.") % {"name": person}
        if code not in (person.moderated_formats or []):
            return _("%(name)s is not qualified to moderate %(format)s.") % {
                "name": person,
                "format": label,
            }
        if person.pk not in planned:
            return _(
                "%(name)s is not planned in this scenario (left out, of another function or "
                "without hours for events)."
            ) % {"name": person}
    kinds = PAIRED_FORMATS.get(code)
    if kinds:
        if sorted(p.institution.kind for p in speakers) != sorted(kinds):
            labels = dict(Institution.Kind.choices)
            return _("%(format)s needs exactly one speaker of each: %(kinds)s.") % {
                "format": label,
                "kinds": ", ".join(str(labels[kind]) for kind in kinds),
            }
    elif len(speakers) != 1:
        return _("%(format)s is planned with one speaker.") % {"format": label}
    return None


def _events_in(centre_request: CentreRequest, months) -> int:
    return sum(
        1
        for event, month in selectors.events_of_year(
            centre_request.family_centre.region, centre_request.year
        )
        if event.family_centre_id == centre_request.family_centre_id
        and event.format.code == centre_request.format
        and month in months
    )


def pin_event(
    *,
    access: Access,
    scenario: Scenario,
    centre_request: CentreRequest,
    month,
    speakers,
    replaces: Pin | None = None,
) -> Pin:
    """Pin an event of ``centre_request`` in ``month`` with ``speakers`` for the scenario's next
    plan. Moving an event or swapping a speaker is a pin with the new month or speaker;
    ``replaces``: the pin it takes the place of (deleted in the same transaction)."""
    _require_planner(access, scenario)
    errors = {}
    if (
        centre_request.family_centre.region_id != scenario.region_id
        or centre_request.year != scenario.year
    ):
        errors["centre_request"] = _("This request is not of the scenario's region and year.")
    months = planning_months(scenario.year)
    try:
        month = int(month)
    except (TypeError, ValueError):
        month = 0
    if month not in months:
        errors["month"] = (
            _("Choose one of the months still ahead: %(months)s.") % {"months": month_names(months)}
            if months
            else _("No month of %(year)d is left to plan.") % {"year": scenario.year}
        )
    speakers = list(speakers)
    problem = _speaker_error(scenario, centre_request.format, speakers)
    if problem:
        errors["speakers"] = problem
    if replaces is not None and (
        replaces.scenario_id != scenario.pk or replaces.centre_request_id != centre_request.pk
    ):
        errors[None] = _("The pin to replace is of another request.")
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic(durable=True):
        Scenario.objects.select_for_update().get(pk=scenario.pk)  # one change of pins at a time
        count, months_of_period = period(centre_request, month)
        pins = scenario.pins.filter(centre_request=centre_request, month__in=months_of_period)
        if replaces is not None:
            pins = pins.exclude(pk=replaces.pk)
        taken = pins.count() + _events_in(centre_request, months_of_period)
        if taken >= count:
            raise ValidationFailed(
                {
                    "month": _(
                        "%(request)s already has %(taken)d pinned or existing event(s) in that "
                        "period, as many as it asks for: unpin one first, or move it."
                    )
                    % {"request": centre_request, "taken": taken}
                }
            )
        if replaces is not None:
            Pin.objects.filter(pk=replaces.pk).delete()
        pin = Pin.objects.create(scenario=scenario, centre_request=centre_request, month=month)
        pin.speakers.set(speakers)
    return pin


def unpin(*, access: Access, pin: Pin):
    _require_planner(access, pin.scenario)
    with transaction.atomic(durable=True):
        Pin.objects.filter(pk=pin.pk).delete()


# The three best speakers


@dataclass
class Suggestion:
    speakers: tuple  # Person, one per role
    centres: int
    requests: int
    travel_km: float
    centres_change: int
    requests_change: int
    travel_change: float


@dataclass
class Suggestions:
    items: list
    centres: int  # the plan without a new pin, computed the same way
    requests: int
    travel_km: float
    candidates: int  # eligible speakers (or pairs)


def _solver_request(instance, pk: int, month: int):
    ids = {r.id for r in instance.requests}
    if month > 6 and f"{pk}:2" in ids:
        return f"{pk}:2"
    return pk if pk in ids else None


def _figures(result: planning.Plan) -> tuple[int, int, float]:
    return result.centres_covered, result.requests_served, result.objectives["travel_km"].value


def suggest_speakers(*, scenario: Scenario, centre_request: CentreRequest, month: int):
    """Up to three speakers (or pairs for a course) for an event of ``centre_request`` in
    ``month``, best first: each eligible one (qualified, in reach, available that month) pinned
    and the year planned again; their score against the same plan without the pin. A quick
    greedy pass orders every candidate; the best few are planned in full. A pin of that request
    and month is replaced by the candidate's: the scores compare with the plan as it stands."""
    given = instance_for(scenario)
    instance = given.instance
    rid = _solver_request(instance, centre_request.pk, month)
    if rid is None or month not in instance.months:
        return Suggestions([], 0, 0, 0.0, 0)
    request = next(r for r in instance.requests if r.id == rid)
    centre = next(c for c in instance.centres if c.id == request.centre)
    roles = next(f.roles for f in instance.formats if f.id == request.format)
    eligible = [
        s
        for s in instance.speakers
        if not str(s.id).startswith(EXTRA_PREFIX)
        and request.format in s.formats
        and month not in s.unavailable_months
        and planning.reaches(instance, s, centre)
    ]
    if roles:
        candidates = list(product(*([s.id for s in eligible if s.institution == r] for r in roles)))
    else:
        candidates = [(s.id,) for s in eligible]
    if not candidates:
        return Suggestions([], 0, 0, 0.0, 0)

    others = tuple(p for p in instance.pins if (p.request, p.month) != (rid, month))

    def pinned(ids):  # in place of a pin of that month, if there is one (a swap)
        return replace(instance, pins=(*others, planning.Pin(rid, month, ids)))

    def kept(result, ids):
        return not any(
            r.pin.request == rid and r.pin.month == month and r.pin.speakers == ids
            for r in result.relaxations
        )

    quick = planning.Options(time_limit_seconds=0.1, workers=1)
    ranked = []
    for ids in candidates:
        result = planning.plan_greedily(pinned(ids), quick)
        if kept(result, ids):
            centres, served, travel = _figures(result)
            ranked.append(((-centres, -served, travel), ids))
    ranked.sort(key=lambda item: item[0])
    options = planning.Options(time_limit_seconds=SUGGESTION_SECONDS, workers=2)
    base = _figures(planning.plan(instance, options))
    scored = []
    for _rank, ids in ranked[:SUGGESTION_PLANS]:
        result = planning.plan(pinned(ids), options)
        if kept(result, ids):
            scored.append((_figures(result), ids))
    scored.sort(key=lambda item: (-item[0][0], -item[0][1], item[0][2]))
    people = Person.objects.select_related("institution").in_bulk(
        [sid for _figures_, ids in scored for sid in ids]
    )
    items = [
        Suggestion(
            tuple(people[sid] for sid in ids),
            centres,
            served,
            round(travel, 1),
            centres - base[0],
            served - base[1],
            round(travel - base[2], 1),
        )
        for (centres, served, travel), ids in scored[:SUGGESTED]
    ]
    return Suggestions(items, base[0], base[1], round(base[2], 1), len(candidates))


# Making the draft events


@dataclass
class Outcome:
    created: list  # ParentEvent
    failed: list  # {"centre", "format", "month", "message"}


def planned_events(run: PlanRun) -> list[dict]:
    """The plan's events in the months still ahead, by centre, month and format; not those of
    family centres the scenario adds (no institution yet to hold them)."""
    months = set(planning_months(run.scenario.year))
    return sorted(
        (
            a
            for a in run.result["plan"]["assignments"]
            if a["month"] in months and not is_added_centre(a["centre"])
        ),
        key=lambda a: (a["centre"], a["month"], a["format"], str(a["request"])),
    )


def make_events(*, access: Access, run: PlanRun) -> Outcome:
    """Create a draft event for every planned event of the months ahead that does not exist yet
    (by family centre, format and month), each through the events service in a transaction of
    its own; those it refuses are listed with its message. The run is marked while this lasts,
    so that a second click makes nothing twice; what was made is recorded on the run."""
    scenario = run.scenario
    _require_planner(access, scenario)
    if not access.has(PLAN_EVENTS, scenario.region):
        raise PermissionDenied(_("You may not plan the region's events."))
    if not is_finished(run):
        raise ValidationFailed(_("The plan is not finished: events are made from a finished plan."))
    now = timezone.now()
    with transaction.atomic(durable=True):
        # one batch at a time in the region's year, whichever plan it comes from: the events
        # made from one plan count for another
        Region.objects.select_for_update().get(pk=scenario.region_id)
        if being_made(scenario.region_id, scenario.year, now):
            raise ValidationFailed(
                _("The events of this plan are being made: wait a moment, then reload the page.")
            )
        PlanRun.objects.filter(pk=run.pk).update(events_claimed_at=now)
    outcome = Outcome([], [])
    try:
        _make(access, run, outcome)
    finally:
        _record_made(run, access, outcome)
    return outcome


def _record_made(run: PlanRun, access: Access, outcome: Outcome):
    """What this batch made, on the run (gone only if its scenario was deleted meanwhile, which
    is refused while the run is claimed); the claim is released."""
    with transaction.atomic(durable=True):
        locked = PlanRun.objects.select_for_update().filter(pk=run.pk).first()
        if locked is None:
            return
        before = (locked.events_made or {}).get("created", [])
        locked.events_made = {
            "created": before + [event.pk for event in outcome.created],
            "last": len(outcome.created),
            "failed": outcome.failed,
        }
        locked.events_made_at = timezone.now()
        locked.events_made_by = access.user
        locked.events_claimed_at = None
        locked.save(
            update_fields=["events_made", "events_made_at", "events_made_by", "events_claimed_at"]
        )


def being_made(region_id, year, now=None) -> bool:
    """Whether events of a plan of the region's year are being made (claimed recently)."""
    since = (now or timezone.now()) - timedelta(minutes=CLAIM_MINUTES)
    return PlanRun.objects.filter(
        scenario__region_id=region_id, scenario__year=year, events_claimed_at__gt=since
    ).exists()


def _period_key(per_year: int, month: int) -> int:
    """The period a month lies in for a request of ``per_year`` events: the month itself, the
    half-year (13, 14) or the year (0)."""
    _count, months = period(CentreRequest(per_year=per_year), month)
    return month if len(months) == 1 else 0 if len(months) == 12 else 12 + (month > 6) + 1


def _busy(region, year) -> set:
    """(person, day, half-day) of the region's people's sessions of the year that are not
    cancelled: at most one event per speaker and half-day, also against events that exist."""
    result = set()
    for person, starts in selectors.speakers_sessions(region, year):
        local = timezone.localtime(starts)
        result.add((person, local.date(), 0 if local.hour < 12 else 1))
    return result


def _make(access: Access, run: PlanRun, outcome: Outcome):
    scenario = run.scenario
    assignments = planned_events(run)
    formats = {f.code: f for f in Format.objects.prefetch_related("modules")}
    centres = Institution.objects.prefetch_related("opening_periods").in_bulk(
        {a["centre"] for a in assignments}
    )
    people = (
        Person.objects.select_related("institution", "speaker_capacity")
        .filter(institution__region=scenario.region)
        .in_bulk([int(s) for a in assignments for s in a["speakers"] if str(s).isdigit()])
    )
    per_year = {
        (centre, code): n
        for centre, code, n in CentreRequest.objects.filter(
            family_centre__region=scenario.region, year=scenario.year
        ).values_list("family_centre_id", "format", "per_year")
    }
    # events that exist count against the plan's by request and period (a course of the year
    # made in March is the course planned for May), whichever plan or hand made them
    existing = Counter(
        (event.family_centre_id, event.format.code, _period_key(per_year[key], month))
        for event, month in selectors.events_of_year(scenario.region, scenario.year)
        if (key := (event.family_centre_id, event.format.code)) in per_year
    )
    groups = defaultdict(list)
    for assignment in assignments:
        key = (assignment["centre"], assignment["format"])
        if key not in per_year:
            outcome.failed.append(
                {
                    "centre": getattr(centres.get(key[0]), "name", str(key[0])),
                    "format": formats[key[1]].name,
                    "month": assignment["month"],
                    "message": _("The family centre no longer asks for it."),
                }
            )
            continue
        groups[(*key, _period_key(per_year[key], assignment["month"]))].append(assignment)
    busy = _busy(scenario.region, scenario.year)  # (person, day, half-day) taken
    for key, planned in groups.items():
        for assignment in planned[existing[key] :]:  # the first ones exist already
            centre, event_format = centres.get(assignment["centre"]), formats[assignment["format"]]
            try:
                event = _make_one(access, run, assignment, centre, event_format, people, busy)
            except ValidationFailed as error:
                outcome.failed.append(
                    {
                        "centre": centre.name if centre else str(assignment["centre"]),
                        "format": event_format.name,
                        "month": assignment["month"],
                        "message": " ".join(error.messages()),
                    }
                )
            else:
                outcome.created.append(event)
                _unpin_made(scenario, assignment, event)


def _unpin_made(scenario: Scenario, assignment: dict, event: ParentEvent):
    """The scenario's pin of this event (request, month) is kept by the event itself now."""
    with transaction.atomic(durable=True):
        pin = scenario.pins.filter(
            centre_request_id=request_pk(assignment["request"]), month=assignment["month"]
        ).first()
        if pin is not None:
            pin.delete()


def _make_one(access, run, assignment, centre, event_format, people, busy) -> ParentEvent:
    if centre is None:
        raise ValidationFailed(_("The family centre no longer exists."))
    ids = [str(s) for s in assignment["speakers"]]
    if any(not s.isdigit() for s in ids):
        raise ValidationFailed(
            _(
                "Planned with a speaker the scenario adds, who is not recorded yet: make this "
                "event by hand once the speaker is."
            )
        )
    speakers = [people.get(int(s)) for s in ids]
    if None in speakers:
        raise ValidationFailed(_("A planned speaker is no longer recorded in the region."))
    unavailable = set()
    for person in speakers:
        capacity = getattr(person, "speaker_capacity", None)
        for value in capacity.unavailable_dates if capacity else []:
            try:
                unavailable.add(date.fromisoformat(str(value)))
            except ValueError:
                continue
    slots = [(int(day), SOLVER_PART[part]) for day, part in assignment["slots"]]
    modules = len(event_format.modules.all()) if event_format.is_course else 1
    if not slots or len(slots) < modules:
        raise ValidationFailed(_("The plan gives this event no weekday and time of day."))
    slots = slots[:modules]
    year, month = run.scenario.year, assignment["month"]
    last_error = None
    for first in _weekdays_of(year, month, slots[0][0]):
        days = [first + timedelta(days=7 * i + slots[i][0] - slots[0][0]) for i in range(modules)]
        times = [
            _times(centre, day, part, event_format.default_minutes)
            for day, (_wd, part) in zip(days, slots, strict=True)
        ]
        if None in times:
            raise ValidationFailed(
                _("The family centre's opening hours leave no room for it on the planned weekday.")
            )
        if any(day in unavailable for day in days):
            continue
        halves = {
            (p.pk, day, HALF_DAY[part])
            for p in speakers
            for day, (_wd, part) in zip(days, slots, strict=True)
        }
        if halves & busy:
            continue
        plan = EventPlan(
            details={
                "title": event_format.name,
                "capacity": event_format.default_capacity,
                "topics": list(event_format.topics),
                "target_groups": list(event_format.target_groups),
                "childcare_offered": event_format.childcare_expected,
            },
            sessions=times,
            speakers=speakers,
        )
        shape = ParentEvent.Shape.COURSE if event_format.is_course else ParentEvent.Shape.SINGLE
        try:
            event = plan_event(
                access=access,
                family_centre=centre,
                event_format=event_format,
                shape=shape,
                plan=plan,
            )
        except NeedsConfirmation as error:
            raise ValidationFailed(" ".join(error.messages())) from None
        except ValidationFailed as error:
            if "speakers" not in error.errors:
                raise
            last_error = error  # a clash: the next date
            continue
        busy |= halves
        return event
    if last_error is not None:
        raise last_error
    raise ValidationFailed(
        _("No date in %(month)s suits the planned speakers.") % {"month": MONTHS[month]}
    )


def _weekdays_of(year: int, month: int, weekday: int) -> list[date]:
    days = calendar.monthrange(year, month)[1]
    return [
        date(year, month, d)
        for d in range(1, days + 1)
        if date(year, month, d).weekday() == weekday
    ]


def _times(centre: Institution, day: date, part: str, minutes: int):
    """Start and end on ``day`` in ``part`` of the day within the centre's opening hours (adjoining
    periods merged, as the events service does): about the usual start, never before the part's
    hours, ending by closing time. None: no opening period leaves room for it."""
    merged = []
    for p in sorted(
        (p for p in centre.opening_periods.all() if p.weekday == day.weekday()),
        key=lambda p: p.opens,
    ):
        if merged and p.opens <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], p.closes)
        else:
            merged.append([p.opens, p.closes])
    part_start, part_end = PART_HOURS[part]
    zone = timezone.get_current_timezone()
    for opens, closes in merged:
        low = max(opens, part_start)
        latest = _minutes(closes) - minutes
        start = min(max(_minutes(low), _minutes(USUAL_START[part])), latest)
        if start < _minutes(low) or start >= _minutes(part_end):
            continue
        begins = datetime.combine(day, time(start // 60, start % 60), tzinfo=zone)
        return begins, begins + timedelta(minutes=minutes)
    return None


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute
