"""Scenarios of a region's year: who speaks, hours changed, people left out, speakers added, the
scenario compared with. The rules of a scenario live here (``scenario_errors``)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from neuewege.core.access import Access
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import EventFormat, Person, Region

from ..models import SPEAKER_KINDS, Scenario
from ..permissions import PLAN

MIN_HOURS_PERCENT, MAX_HOURS_PERCENT = 10, 300
MAX_EXTRA_COUNT = 50
MAX_EXTRA_HOURS = 80
MAX_TRAVEL_KM = 300


def extra_speaker_errors(entries) -> list[str]:
    """What is wrong with the speakers a scenario adds (``Scenario.extra_speakers``)."""
    if not isinstance(entries, list):
        return [_("Give the speakers added as a list.")]
    messages = []
    for number, entry in enumerate(entries, start=1):
        problems = []
        if not isinstance(entry, dict):
            messages.append(_("Added speakers %(number)d: not readable.") % {"number": number})
            continue
        if entry.get("institution_kind") not in SPEAKER_KINDS:
            problems.append(_("an employment agency, a job centre or an education provider"))
        if entry.get("function") not in Person.Function.values:
            problems.append(_("choose one of the functions"))
        count = entry.get("count")
        if not isinstance(count, int) or not 1 <= count <= MAX_EXTRA_COUNT:
            problems.append(_("a number from 1 to %(max)d") % {"max": MAX_EXTRA_COUNT})
        hours = entry.get("hours_per_month")
        if not isinstance(hours, int) or not 1 <= hours <= MAX_EXTRA_HOURS:
            problems.append(_("1 to %(max)d hours a month") % {"max": MAX_EXTRA_HOURS})
        formats = entry.get("formats")
        if (
            not isinstance(formats, list)
            or not formats
            or any(code not in EventFormat.values for code in formats)
        ):
            problems.append(_("at least one of the formats"))
        km = entry.get("max_travel_km")
        if km is not None and (not isinstance(km, int) or not 1 <= km <= MAX_TRAVEL_KM):
            problems.append(_("a longest journey from 1 to %(max)d km") % {"max": MAX_TRAVEL_KM})
        if problems:
            messages.append(
                _("Added speakers %(number)d: give %(problems)s.")
                % {"number": number, "problems": "; ".join(problems)}
            )
    return messages


def create_scenario(
    *,
    access: Access,
    region: Region,
    data: dict,
    left_out=(),
    base: Scenario | None = None,
) -> Scenario:
    """Add a scenario of ``region``'s year. Rules: a name unique in the region and year; the
    functions among the people's; 10 to 300 % of the hours; people left out are speakers of the
    region; speakers added each with an institution kind, a function, a number, hours and
    formats; the scenario compared with is of the same region and year."""
    if not access.has(PLAN, region):
        raise PermissionDenied(_("You may not plan the coverage of this region."))
    errors: dict[str, list] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    name = (data.get("name") or "").strip()
    if not name:
        add("name", _("This field cannot be empty."))
    year = data.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        add("year", _("Give a year between 2000 and 2100."))
    functions = data.get("functions") or []
    if any(function not in Person.Function.values for function in functions):
        add("functions", _("Choose among the functions of people."))
    hours_percent = data.get("hours_percent", 100)
    if not isinstance(hours_percent, int) or not (
        MIN_HOURS_PERCENT <= hours_percent <= MAX_HOURS_PERCENT
    ):
        add(
            "hours_percent",
            _("Give between %(low)d and %(high)d per cent of the hours.")
            % {"low": MIN_HOURS_PERCENT, "high": MAX_HOURS_PERCENT},
        )
    for message in extra_speaker_errors(data.get("extra_speakers") or []):
        add("extra_speakers", message)
    people = list(left_out)
    if any(
        person.institution.region_id != region.pk or person.institution.kind not in SPEAKER_KINDS
        for person in people
    ):
        add("left_out", _("Only speakers of the region can be left out."))
    if base is not None and (base.region_id != region.pk or base.year != year):
        add("base", _("Compare with a scenario of the same region and year."))
    if errors:
        raise ValidationFailed(errors)
    taken = ValidationFailed(
        {"name": _("The region already has a scenario of this name in %(year)s.") % {"year": year}}
    )
    try:
        with transaction.atomic(durable=True):
            if Scenario.objects.filter(region=region, year=year, name=name).exists():
                raise taken
            scenario = Scenario.objects.create(
                region=region,
                year=year,
                name=name,
                description=(data.get("description") or "").strip(),
                functions=sorted(set(functions)),
                hours_percent=hours_percent,
                extra_speakers=list(data.get("extra_speakers") or []),
                base=base,
                created_by=access.user,
            )
            scenario.left_out.set(people)
            return scenario
    except IntegrityError:
        raise taken from None
