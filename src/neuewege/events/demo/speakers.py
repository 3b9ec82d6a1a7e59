"""Who moderates when: the region's speakers (people of its job centre and employment agency),
and the dates on which a family centre and its speakers are free (no two sessions overlap)."""

from collections import defaultdict
from datetime import date, timedelta

from neuewege.core.models import Institution, Person

from .formats import CAFE, COURSE, FRIDAY_CLOSES, INFO, TIMES
from .registrations import ascii_name

SPEAKER_FUNCTIONS = [
    Person.Function.BCA,
    Person.Function.PLACEMENT_OFFICER,
    Person.Function.CASE_MANAGER,
]
SPEAKER_KINDS = [Institution.Kind.JOB_CENTRE, Institution.Kind.EMPLOYMENT_AGENCY]
SPEAKER_GAP = 30  # minutes between two sessions of one speaker (travel)


class Diary:
    """When a speaker or a family centre is busy: no two sessions overlap (with a gap)."""

    def __init__(self, gap: int = 0):
        self.gap, self.busy = gap, defaultdict(list)

    def free(self, key, slots) -> bool:
        gap = self.gap
        for day, start, end in slots:
            for busy_start, busy_end in self.busy.get((key, day), ()):
                if start < busy_end + gap and busy_start < end + gap:
                    return False
        return True

    def book(self, key, slots):
        for day, start, end in slots:
            self.busy[(key, day)].append((start, end))


def weekly(first: date, start: int, end: int, count: int, weeks: int = 1):
    return [(first + timedelta(weeks=weeks * n), start, end) for n in range(count)]


def fits_day(day: date, start: int, end: int) -> bool:
    return day.weekday() < 4 or (day.weekday() == 4 and end <= FRIDAY_CLOSES)


class SpeakerScheduling:
    """The part of ``EventGenerator`` that finds speakers and free dates (it uses the
    generator's ``prefix``, ``random``, ``centres``, ``qualify`` and the diaries)."""

    def load_speakers(self):
        """The region's candidates: BCAs, placement officers and case managers of its job
        centre and employment agency (a few are created where the master data lacks them)."""
        people = (
            Person.objects.filter(
                institution__kind__in=SPEAKER_KINDS,
                institution__external_id__startswith=f"{self.prefix}:",
                function__in=SPEAKER_FUNCTIONS,
            )
            .select_related("institution")
            .order_by("pk")
        )
        self.speakers = defaultdict(list)
        self.people = {}
        for person in people:
            self.speakers[person.institution.region_id].append(person)
            self.people[person.pk] = person
        missing = [region for region in self.centres if len(self.speakers[region]) < 3]
        if missing:
            self._create_speakers(missing)

    def _create_speakers(self, regions):
        offices = {}
        for office in Institution.objects.filter(
            region_id__in=regions,
            kind__in=SPEAKER_KINDS,
            external_id__startswith=f"{self.prefix}:",
        ).order_by("kind", "pk"):
            offices.setdefault(office.region_id, office)
        names = [("Sabine", "Terhorst"), ("Anja", "Brüggemann"), ("Murat", "Kaya")]
        created = []
        for region in regions:
            office = offices.get(region)
            if office is None:
                continue
            for (first, last), function in zip(names, SPEAKER_FUNCTIONS, strict=True):
                created.append(
                    Person(
                        institution=office,
                        first_name=first,
                        last_name=last,
                        function=function,
                        email=f"{ascii_name(first)}.{ascii_name(last)}.{office.pk}"
                        f"@{self.prefix}.neuewege.example",
                        moderated_formats=[CAFE, INFO, COURSE],
                    )
                )
        for person in Person.objects.bulk_create(created):
            person.institution = next(o for o in offices.values() if o.pk == person.institution_id)
            self.speakers[person.institution.region_id].append(person)
            self.people[person.pk] = person

    def candidates(self, region, code):
        """Speakers for a format: the qualified ones first (BCAs before the others)."""
        people = list(self.speakers[region])
        self.random.shuffle(people)
        return sorted(
            people,
            key=lambda p: (
                code not in (p.moderated_formats or []) and code not in self.qualify[p.pk],
                p.function != Person.Function.BCA,
            ),
        )

    def schedule(self, region, centre, code, options, speakers_needed=1):
        """The first option (a list of dates) for which the centre and a speaker are free
        (for a course a second one, from the other institution where possible); returns
        (dates, speaker ids). Without any free speaker the event has none."""
        people = self.candidates(region, code)
        free = self.speaker_diary.free
        for slots in options:
            if not self.centre_diary.free(centre, slots):
                continue
            first = next((p for p in people if free(p.pk, slots)), None)
            if first is None:
                continue
            chosen = [first]
            if speakers_needed > 1:
                others = [p for p in people if p is not first and free(p.pk, slots)]
                others.sort(key=lambda p: p.institution.kind == first.institution.kind)
                chosen += others[: speakers_needed - 1]
            self.centre_diary.book(centre, slots)
            for person in chosen:
                self.speaker_diary.book(person.pk, slots)
                if code not in (person.moderated_formats or []):
                    self.qualify[person.pk].add(code)
            return slots, [p.pk for p in chosen]
        for slots in options:
            if self.centre_diary.free(centre, slots):
                self.centre_diary.book(centre, slots)
                return slots, []
        return None, []

    def options(self, code, first_days, count=1, weeks=1):
        """Candidate date lists: each first day (in the order given) with each time of the
        format, weekly or every ``weeks`` weeks."""
        times = list(TIMES[code])
        result = []
        for day in first_days:
            self.random.shuffle(times)
            for start, end in times:
                if fits_day(day, start, end):
                    result.append(weekly(day, start, end, count, weeks))
        return result

    def days_around(self, day: date, spread: int = 3):
        """Weekdays near a day, the day itself first."""
        days = [day + timedelta(days=d) for d in range(-spread, spread + 1)]
        days = [d for d in days if d.weekday() < 5]
        self.random.shuffle(days)
        days.sort(key=lambda d: abs((d - day).days))
        return days
