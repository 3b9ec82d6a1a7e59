"""The platform's data in an agreement's placeholders (``library.PLACEHOLDERS``).

``data_for`` gathers, for an agreement being saved, the value of every placeholder from what
the platform holds: the parties, the region's coordinator, the events planned or held at the
family centre in the last twelve months and ahead with their rhythm, their speakers, the
Jugendamt's contacts for childcare. ``fill`` puts the values into a clause's text and names
every placeholder it cannot fill. Values are plain German text (the agreement's language).
"""

import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Min, Prefetch
from django.utils import timezone

from neuewege.cooperation.models import SteeringGroup
from neuewege.core.models import Institution, Person
from neuewege.events.models import EventSession, ParentEvent

from .library import PLACEHOLDERS

PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s]*)\s*\}\}")
WINDOW = timedelta(days=365)


class Unfillable(Exception):
    """Placeholders a clause names that are unknown or have no data: ``problems`` maps each
    name to why."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


def placeholders_in(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)


def unknown_placeholders(text: str) -> list[str]:
    return [name for name in placeholders_in(text) if name not in PLACEHOLDERS]


def fill(text: str, data: dict[str, str]) -> str:
    """The text with every placeholder replaced; ``Unfillable`` names those it cannot fill."""
    problems = {}
    for name in placeholders_in(text):
        if name not in PLACEHOLDERS:
            problems[name] = "unknown"
        elif not data.get(name):
            problems[name] = "empty"
    if problems:
        raise Unfillable(problems)
    return PLACEHOLDER.sub(lambda match: data[match.group(1)], text)


def german_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def address(institution: Institution) -> str:
    """ "Name (street, postcode town)": several of them still read apart in a sentence."""
    street = f"{institution.street}, " if institution.street else ""
    return f"{institution.name} ({street}{institution.postcode} {institution.town})"


def person_line(person: Person, *, with_institution=True) -> str:
    contact = ", ".join(value for value in (person.email or "", person.phone) if value)
    parts = [f"{person.first_name} {person.last_name}"]
    if with_institution:
        parts.append(f"({person.institution.name})")
    line = " ".join(parts)
    return f"{line}, {contact}" if contact else line


def enumeration(values) -> str:
    """Several values within a sentence: "A, B und C" (each once, in order)."""
    values = list(dict.fromkeys(values))
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + " und " + values[-1]


def listing(lines) -> str:
    """Several values as a list after a colon: one per line, each after a dash."""
    lines = list(dict.fromkeys(lines))  # in order, each once
    if len(lines) <= 1:
        return "".join(lines)
    return "".join(f"\n– {line}" for line in lines)


RHYTHM = [
    (10, "monatlich"),
    (5, "etwa alle zwei Monate"),
    (3, "vierteljährlich"),
    (2, "halbjährlich"),
]


def rhythm(dates: int) -> str:
    """Dates within a year, in words."""
    for at_least, words in RHYTHM:
        if dates >= at_least:
            return f"{words} ({dates} Termine im Jahr)"
    return "einmal im Jahr"


def events_at(centre: Institution, today: date):
    """The live events at the centre with a date within the last twelve months or ahead."""
    since = timezone.make_aware(datetime.combine(today - WINDOW, time()))
    return (
        ParentEvent.objects.filter(
            family_centre=centre,
            status__in=(*ParentEvent.LIVE_STATUSES, ParentEvent.Status.DRAFT),
            sessions__starts_at__gte=since,
            sessions__is_cancelled=False,
        )
        .annotate(first=Min("sessions__starts_at"))
        .select_related("format")
        .prefetch_related(
            Prefetch("speakers", queryset=Person.objects.select_related("institution")),
            Prefetch(
                "sessions",
                queryset=EventSession.objects.filter(is_cancelled=False, starts_at__gte=since),
                to_attr="counted_sessions",
            ),
        )
        .distinct()
        .order_by("first")
    )


def per_year(moments) -> int:
    """The most of ``moments`` within any twelve months: the dates of a format held over the
    last year and planned for the next one are its dates per year, not the sum of both."""
    moments = sorted(moments)
    most = first = 0
    for last, moment in enumerate(moments):
        while moment - moments[first] >= WINDOW:
            first += 1
        most = max(most, last - first + 1)
    return most


def event_lines(events) -> list[str]:
    """One line per format: its name and rhythm (dates per year, courses as courses)."""
    dates = defaultdict(list)
    names = {}
    courses = defaultdict(list)
    for event in events:
        names[event.format_id] = event.format.name
        if event.is_course:
            courses[event.format_id].append(event.first)
        else:
            dates[event.format_id] += [session.starts_at for session in event.counted_sessions]
    lines = []
    for format_id, name in names.items():
        if courses.get(format_id):
            count = per_year(courses[format_id])
            lines.append(f"{name}: {count} Kurs{'e' if count > 1 else ''} im Jahr")
        if dates.get(format_id):
            lines.append(f"{name}: {rhythm(per_year(dates[format_id]))}")
    return lines


def coordinators(region) -> list[str]:
    group = (
        SteeringGroup.objects.filter(region=region, coordinator__isnull=False)
        .select_related("coordinator__institution")
        .first()
    )
    if group is not None:
        return [person_line(group.coordinator)]
    people = Person.objects.filter(
        institution__region=region, function=Person.Function.COORDINATOR
    ).select_related("institution")
    return [person_line(person) for person in people]


def data_for(
    *, kind, region, centre, parties, starts_on, ends_on, renews, renewal_months=12, today=None
) -> dict:
    """Every placeholder's value for an agreement with these facts (a value may be empty:
    ``fill`` then names it, if a clause uses it)."""
    today = today or timezone.localdate()
    by_kind = defaultdict(list)
    for institution in parties:
        by_kind[institution.kind].append(institution)
    data = {
        "region": region.name,
        "parteien": enumeration(address(institution) for institution in parties),
        "koordination": enumeration(coordinators(region)),
        "laufzeit": f"vom {german_date(starts_on)} bis zum {german_date(ends_on)}"
        + (
            f"; sie verlängert sich jeweils um {renewal_months} Monate, wenn sie nicht "
            "gekündigt wird"
            if renews
            else ""
        ),
    }
    for placeholder, institution_kind in (
        ("jobcenter", Institution.Kind.JOB_CENTRE),
        ("agentur", Institution.Kind.EMPLOYMENT_AGENCY),
        ("jugendamt", Institution.Kind.YOUTH_WELFARE_OFFICE),
    ):
        names = (institution.name for institution in by_kind[institution_kind])
        data[placeholder] = enumeration(names)
    youth_offices = by_kind[Institution.Kind.YOUTH_WELFARE_OFFICE] or (
        [centre.youth_welfare_office] if centre and centre.youth_welfare_office else []
    )
    data["kinderbetreuung_kontakte"] = enumeration(
        person_line(person)
        for person in Person.objects.filter(
            institution__in=youth_offices, function=Person.Function.YOUTH_WELFARE_STAFF
        ).select_related("institution")
    )
    data["familienzentrum"] = address(centre) if centre else ""
    data["traeger"] = centre.provider if centre else ""
    events = list(events_at(centre, today)) if centre else []
    data["veranstaltungen"] = listing(event_lines(events))
    labour_market = [
        institution
        for institution in parties
        if institution.kind in (Institution.Kind.JOB_CENTRE, Institution.Kind.EMPLOYMENT_AGENCY)
    ]
    by_party = {institution.pk: position for position, institution in enumerate(labour_market)}
    # as ``PLACEHOLDERS`` promises: the events' speakers, then the contacts (BCAs) at the
    # Jobcenter and the Agentur among the parties; each person once
    speakers = [person for event in events for person in event.speakers.all()]
    contacts = Person.objects.filter(
        institution__in=labour_market, function=Person.Function.BCA
    ).select_related("institution")
    people = dict.fromkeys([*speakers, *sorted(contacts, key=lambda p: by_party[p.institution_id])])
    data["referentinnen"] = enumeration(person_line(person) for person in people)
    return data
