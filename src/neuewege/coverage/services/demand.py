"""Every write of the coverage app: a family centre's requests and a speaker's capacity. The rules
live here (the forms check only the shape, the import reuses ``request_errors``)."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from neuewege.core.access import Access
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import EventFormat, Institution, OpeningPeriod, Person, Region

from ..models import (
    FORMAT_DEFAULTS,
    PART_HOURS,
    SPEAKER_KINDS,
    CentreRequest,
    SpeakerCapacity,
    covers,
)
from ..permissions import PLAN, REQUEST

MAX_PER_YEAR = 48  # up to 12 a year, above that a number of events every month (48: weekly)
MIN_HOURS, MAX_HOURS = 1, 80
MAX_TRAVEL_KM, MAX_TRAVEL_MINUTES = 300, 300
REQUEST_FIELDS = ("year", "format", "per_year", "weekdays", "part_of_day", "avoid_months", "note")


def weekday_label(day: int) -> str:
    return str(OpeningPeriod.Weekday(day).label)


def _overlaps(period, part: str) -> bool:
    return covers(period.opens, period.closes, part)


def opening_errors(periods, weekdays, part_of_day) -> list[tuple[str, str]]:
    """What in the preferred weekdays and part of day lies outside the opening hours, as (field,
    message) (``periods``: the centre's opening periods; none recorded: nothing to check)."""
    if not periods:
        return []
    messages = []
    for day in weekdays:
        of_day = [period for period in periods if period.weekday == day]
        if not of_day:
            messages.append(
                (
                    "weekdays",
                    _("The family centre is closed on %(weekday)s.")
                    % {"weekday": weekday_label(day)},
                )
            )
        elif part_of_day and not any(_overlaps(period, part_of_day) for period in of_day):
            messages.append(
                (
                    "part_of_day",
                    _(
                        "The family centre is not open on %(weekday)s at the chosen time of day "
                        "(%(part)s)."
                    )
                    % {"weekday": weekday_label(day), "part": _part_label(part_of_day)},
                )
            )
    if part_of_day and not weekdays and not any(_overlaps(p, part_of_day) for p in periods):
        messages.append(
            (
                "part_of_day",
                _("The family centre is never open at the chosen time of day (%(part)s).")
                % {"part": _part_label(part_of_day)},
            )
        )
    return messages


def _part_label(part: str) -> str:
    from ..models import PartOfDay

    return str(PartOfDay(part).label)


def request_errors(*, region: Region, family_centre: Institution, data: dict, periods=None):
    """The field errors of a request's ``data`` for ``family_centre`` in ``region`` (a dict of
    field → messages; empty: valid). Fills in the format's default count when none is given."""
    errors: dict[str, list] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if family_centre.region_id != region.id:
        add(
            "family_centre",
            _("%(name)s is not a family centre of %(region)s.")
            % {"name": family_centre, "region": region},
        )
    elif family_centre.kind != Institution.Kind.FAMILY_CENTRE:
        add("family_centre", _("%(name)s is not a family centre.") % {"name": family_centre})
    year = data.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        add("year", _("Give a year between 2000 and 2100."))
    if data.get("format") not in EventFormat.values:
        add("format", _("Choose one of the formats."))
    elif data.get("per_year") in (None, ""):
        data["per_year"] = FORMAT_DEFAULTS[EventFormat(data["format"])].per_year
    per_year = data.get("per_year")
    if "format" not in errors and (
        not isinstance(per_year, int)
        or not 1 <= per_year <= MAX_PER_YEAR
        or (per_year > 12 and per_year % 12)
    ):
        add(
            "per_year",
            _(
                "Give 1 to 12 events a year, or more as the same number every month: 24 "
                "(twice a month), 36 or 48 (weekly)."
            ),
        )
    weekdays = data.get("weekdays") or []
    if any(not isinstance(day, int) or not 0 <= day <= 6 for day in weekdays):
        add("weekdays", _("Weekdays are numbered 0 (Monday) to 6 (Sunday)."))
        weekdays = []
    part = data.get("part_of_day") or ""
    if part and part not in PART_HOURS:
        add("part_of_day", _("Choose morning, afternoon or evening."))
        part = ""
    months = data.get("avoid_months") or []
    if any(not isinstance(month, int) or not 1 <= month <= 12 for month in months):
        add("avoid_months", _("Months are numbered 1 (January) to 12 (December)."))
    elif len(set(months)) == 12:
        add("avoid_months", _("A request cannot avoid every month of the year."))
    if "family_centre" not in errors:
        if periods is None:
            periods = list(family_centre.opening_periods.all())
        for field, message in opening_errors(periods, sorted(set(weekdays)), part):
            add(field, message)
    return errors


def _cleaned(data: dict) -> dict:
    return {
        "year": data["year"],
        "format": data["format"],
        "per_year": data["per_year"],
        "weekdays": sorted(set(data.get("weekdays") or [])),
        "part_of_day": data.get("part_of_day") or "",
        "avoid_months": sorted(set(data.get("avoid_months") or [])),
        "note": (data.get("note") or "").strip(),
    }


def save_centre_request(
    *,
    access: Access,
    region: Region,
    family_centre: Institution,
    data: dict,
    centre_request: CentreRequest | None = None,
) -> CentreRequest:
    """Add a request of ``family_centre`` (or change ``centre_request``). Rules: a family centre
    of ``region``; 1 to 52 events a year (none given: the format's default); weekdays and part of
    day within the centre's opening hours; months 1 to 12; one request per format and year."""
    if not access.has(REQUEST, family_centre):
        raise PermissionDenied(_("You may not enter requests for this family centre."))
    data = dict(data)
    errors = request_errors(region=region, family_centre=family_centre, data=data)
    if errors:
        raise ValidationFailed(errors)
    values = _cleaned(data)
    taken = ValidationFailed(
        {
            "format": _("The family centre already has a request for this format in %(year)s.")
            % {"year": values["year"]}
        }
    )
    try:
        with transaction.atomic(durable=True):
            twin = CentreRequest.objects.filter(
                family_centre=family_centre, year=values["year"], format=values["format"]
            )
            if centre_request is not None:
                twin = twin.exclude(pk=centre_request.pk)
            if twin.exists():
                raise taken
            if centre_request is None:
                return CentreRequest.objects.create(family_centre=family_centre, **values)
            centre_request = CentreRequest.objects.select_for_update().get(pk=centre_request.pk)
            for name, value in values.items():
                setattr(centre_request, name, value)
            centre_request.save()
            return centre_request
    except IntegrityError:  # the same request saved at the same moment by someone else
        raise taken from None


def delete_centre_request(*, access: Access, centre_request: CentreRequest) -> None:
    if not access.has(REQUEST, centre_request):
        raise PermissionDenied(_("You may not change the requests of this family centre."))
    with transaction.atomic(durable=True):
        CentreRequest.objects.get(pk=centre_request.pk).delete()  # one by one: the change log


def is_speaker(person: Person) -> bool:
    return person.institution.kind in SPEAKER_KINDS


def capacity_errors(data: dict) -> dict:
    errors = {}
    hours = data.get("hours_per_month")
    if not isinstance(hours, int) or not MIN_HOURS <= hours <= MAX_HOURS:
        errors["hours_per_month"] = _("Give between 1 and 80 hours a month.")
    for name, highest, unit in (
        ("max_travel_km", MAX_TRAVEL_KM, "km"),
        ("max_travel_minutes", MAX_TRAVEL_MINUTES, "min"),
    ):
        value = data.get(name)
        if value == 0:
            errors[name] = _(
                "A journey of at most 0 would let the speaker reach no family centre: give a "
                "longest journey above 0."
            )
        elif not isinstance(value, int) or not 1 <= value <= highest:
            errors[name] = _("Give a longest journey between 1 and %(highest)s %(unit)s.") % {
                "highest": highest,
                "unit": unit,
            }
    months = data.get("unavailable_months") or []
    if any(not isinstance(month, int) or not 1 <= month <= 12 for month in months):
        errors["unavailable_months"] = _("Months are numbered 1 (January) to 12 (December).")
    days = data.get("unavailable_dates") or []
    if any(not isinstance(day, date) for day in days):
        errors["unavailable_dates"] = _("Give days as dates, e.g. 24.12.2026.")
    return errors


def save_speaker_capacity(*, access: Access, person: Person, data: dict) -> SpeakerCapacity:
    """Record or change what ``person`` (of the employment agency, the job centre or an education
    provider) gives to events. Rules: 1 to 80 hours a month; a longest journey above 0 km and 0
    minutes; months 1 to 12. A speaker without any qualification may be saved (the pages and the
    planner's input say they will not be planned)."""
    if not access.has(PLAN, person):
        raise PermissionDenied(_("You may not keep the speakers of this region."))
    if not is_speaker(person):
        raise ValidationFailed(
            _(
                "Only people of the employment agency, the job centre or an education provider "
                "speak at events."
            )
        )
    errors = capacity_errors(data)
    if errors:
        raise ValidationFailed(errors)
    values = {
        "hours_per_month": data["hours_per_month"],
        "max_travel_km": data["max_travel_km"],
        "max_travel_minutes": data["max_travel_minutes"],
        "unavailable_months": sorted(set(data.get("unavailable_months") or [])),
        "unavailable_dates": sorted(
            {day.isoformat() for day in data.get("unavailable_dates") or []}
        ),
        "active": bool(data.get("active", True)),
    }
    with transaction.atomic(durable=True):
        capacity, _created = SpeakerCapacity.objects.select_for_update().update_or_create(
            person=person, defaults=values
        )
        return capacity


def month_names() -> list[tuple[int, str]]:
    return [(number, str(name)) for number, name in MONTHS.items()]
