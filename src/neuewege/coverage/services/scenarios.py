"""A scenario of a region's year, saved with its rules.

Stands in for ``services.plans.save_scenario`` of the branch coverage-pages (the scenario
form's service), with the same signature, data and limits, until the two branches meet: then
this module goes and the API calls that one (``from .services.plans import save_scenario``)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from neuewege.core.access import Access
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import EventFormat, Region

from ..models import SPEAKER_KINDS, Scenario
from ..permissions import PLAN

FUNCTIONS = ("bca", "placement_officer", "case_manager", "other")
MIN_HOURS_PERCENT, MAX_HOURS_PERCENT = 10, 300
EXTRA_LIMITS = {"count": (1, 50), "hours_per_month": (1, 40), "max_travel_km": (1, 200)}


def _in_range(value, low, high) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _extra_errors(entries) -> list[str]:
    messages = []
    for number, entry in enumerate(entries, start=1):
        problems = []
        if entry.get("institution_kind") not in SPEAKER_KINDS:
            problems.append(_("choose the institution"))
        if entry.get("function") not in FUNCTIONS:
            problems.append(_("choose the function"))
        if not _in_range(entry.get("count"), *EXTRA_LIMITS["count"]):
            problems.append(_("give how many, from 1 to 50"))
        if not _in_range(entry.get("hours_per_month"), *EXTRA_LIMITS["hours_per_month"]):
            problems.append(_("give the hours per month, from 1 to 40"))
        if not _in_range(entry.get("max_travel_km"), *EXTRA_LIMITS["max_travel_km"]):
            problems.append(_("give the longest journey, from 1 to 200 km"))
        chosen = entry.get("formats") or []
        if not chosen or any(code not in EventFormat.values for code in chosen):
            problems.append(_("choose at least one format they may moderate"))
        if problems:
            messages.append(
                _("Added speakers, row %(row)d: %(problems)s.")
                % {"row": number, "problems": "; ".join(problems)}
            )
    return messages


def scenario_errors(*, region: Region, year: int, data: dict) -> dict:
    errors: dict[str, list] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    name = (data.get("name") or "").strip()
    if not name:
        add("name", _("Give the scenario a name."))
    elif Scenario.objects.filter(region=region, year=year, name__iexact=name).exists():
        add(
            "name",
            _("%(region)s already has a scenario “%(name)s” for %(year)d.")
            % {"region": region.name, "name": name, "year": year},
        )
    if any(function not in FUNCTIONS for function in data.get("functions") or []):
        add("functions", _("Choose among the functions listed."))
    if not _in_range(data.get("hours_percent"), MIN_HOURS_PERCENT, MAX_HOURS_PERCENT):
        add("hours_percent", _("Give an hours budget from 10 to 300 %."))
    if any(
        person.institution.region_id != region.pk or person.institution.kind not in SPEAKER_KINDS
        for person in data.get("left_out") or []
    ):
        add("left_out", _("Only the region's speakers can be left out."))
    for message in _extra_errors(data.get("extra_speakers") or []):
        add("extra_speakers", message)
    base = data.get("base")
    if base is not None and (base.region_id != region.pk or base.year != year):
        add("base", _("Compare with a scenario of the same region and year."))
    return errors


@transaction.atomic(durable=True)
def save_scenario(*, access: Access, region: Region, year: int, data: dict) -> Scenario:
    """Create a scenario of ``region``'s ``year`` (``data``: name, description, functions,
    hours_percent, extra_speakers, left_out people, base scenario): all of it or nothing."""
    if not access.has(PLAN, region):
        raise PermissionDenied(_("You may not plan the coverage of this region."))
    errors = scenario_errors(region=region, year=year, data=data)
    if errors:
        raise ValidationFailed(errors)
    scenario = Scenario(
        region=region,
        year=year,
        created_by=access.user,
        name=data["name"].strip(),
        description=(data.get("description") or "").strip(),
        functions=[f for f in FUNCTIONS if f in set(data.get("functions") or [])],
        hours_percent=data["hours_percent"],
        extra_speakers=list(data.get("extra_speakers") or []),
        base=data.get("base"),
    )
    try:
        with transaction.atomic():
            scenario.save()
    except IntegrityError:
        raise ValidationFailed(
            {"name": _("Another scenario of this year has just been given this name.")}
        ) from None
    scenario.left_out.set(data.get("left_out") or [])
    return scenario
