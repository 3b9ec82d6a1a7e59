"""The generator: events with their sessions, speakers, registrations and attendance, written
into the tables in batches."""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from neuewege.core.models import Institution, Person

from ..models import (
    ConsentText,
    EventSession,
    Format,
    FormatModule,
    Notification,
    ParentEvent,
    Registration,
)
from .formats import (
    CANCELLATION_REASONS,
    COURSE,
    DESCRIPTIONS,
    EVENT_LANGUAGES,
    TARGET_GROUPS,
    TITLES,
)
from .registrations import Registrations
from .speakers import SPEAKER_GAP, Diary, SpeakerScheduling
from .tables import Table


@dataclass
class Counts:
    events: int = 0
    sessions: int = 0
    upcoming_sessions: int = 0
    registrations: int = 0
    by_status: dict = field(default_factory=lambda: defaultdict(int))
    attendances: int = 0
    speakers_marked: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        statuses = ", ".join(f"{n} {status}" for status, n in sorted(self.by_status.items()))
        return (
            f"Generated {self.events} events with {self.sessions} sessions "
            f"({self.upcoming_sessions} upcoming) and {self.registrations} registrations "
            f"({statuses}), {self.attendances} attendances; {self.speakers_marked} speakers "
            f"marked as qualified; in {self.seconds:.1f} s."
        )


class EventGenerator(SpeakerScheduling, Registrations):
    """Builds events with their sessions, speakers, registrations and attendance."""

    def __init__(self, prefix: str, seed: int, now: datetime | None = None):
        self.prefix, self.random = prefix, random.Random(f"events:{prefix}:{seed}")
        self.now = now or timezone.now()
        self.zone = timezone.get_default_timezone()
        self.today = timezone.localtime(self.now, self.zone).date()
        self.retention = timedelta(days=settings.REGISTRATION_RETENTION_DAYS)
        self.formats = {f.code: f for f in Format.objects.all()}
        self.modules = list(
            FormatModule.objects.filter(format=self.formats[COURSE]).values_list("pk", flat=True)
        )
        self.consent = ConsentText.objects.filter(purpose=ConsentText.Purpose.BOOKING).get(
            version=1
        )
        self.survey_consent = ConsentText.objects.filter(
            purpose=ConsentText.Purpose.SURVEY, version=1
        ).first()
        self.centres = defaultdict(list)  # region id → family centre ids
        for pk, region_id in (
            Institution.objects.family_centres()
            .filter(external_id__startswith=f"{prefix}:")
            .order_by("pk")
            .values_list("pk", "region_id")
        ):
            self.centres[region_id].append(pk)
        self.speaker_diary, self.centre_diary = Diary(SPEAKER_GAP), Diary()
        self.counts = Counts()
        self.qualify = defaultdict(set)  # person id → formats to add to moderated_formats
        self.contact_number = 0
        self.localised = {}
        self._tables()

    def already_generated(self) -> bool:
        return ParentEvent.objects.filter(
            family_centre__external_id__startswith=f"{self.prefix}:", created_by__isnull=True
        ).exists()

    def _tables(self):
        languages = [code for code, _name in settings.LANGUAGES]
        translated = [f"{name}_{code}" for name in ("title", "description") for code in languages]
        self.events = Table(
            ParentEvent,
            [
                "family_centre",
                "format",
                "shape",
                "title",
                "description",
                *translated,
                "topics",
                "target_groups",
                "languages",
                "capacity",
                "childcare_offered",
                "recurrence",
                "status",
                "cancellation_reason",
                "created_at",
                "updated_at",
            ],
        )
        self.languages = languages
        self.sessions = Table(
            EventSession,
            [
                "event",
                "module",
                "starts_at",
                "ends_at",
                "is_cancelled",
                "attendance_recorded_at",
                "counselling_appointments",
            ],
        )
        self.registrations = Table(
            Registration,
            [
                "event",
                "session",
                "status",
                "source",
                "first_name",
                "email",
                "phone",
                "child_ages",
                "language_needs",
                "language",
                "consent",
                "consented_at",
                "survey_consent",
                "survey_consented_at",
                "created_at",
                "confirmed_at",
                "cancelled_at",
                "anonymised_at",
            ],
        )
        speakers = ParentEvent.speakers.through
        self.event_speakers = Table(
            speakers, [ParentEvent.speakers.field.m2m_field_name(), "person"], with_ids=False
        )
        attended = Registration.attended_sessions.through
        self.attendance = Table(
            attended,
            [
                Registration.attended_sessions.field.m2m_field_name(),
                Registration.attended_sessions.field.m2m_reverse_field_name(),
            ],
            with_ids=False,
        )
        self.notifications = Table(
            Notification, ["registration", "kind", "session", "created_at", "sent_at"]
        )
        self.tables = [
            self.events,
            self.sessions,
            self.registrations,
            self.event_speakers,
            self.attendance,
            self.notifications,
        ]

    def local(self, day: date, minute: int) -> datetime:
        key = (day, minute)
        value = self.localised.get(key)
        if value is None:
            value = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.zone)
            value = value.astimezone(UTC)
            self.localised[key] = value
        return value

    def event(
        self,
        centre,
        code,
        slots,
        speakers,
        *,
        status=None,
        capacity=None,
        demand=(),
        weeks=1,
        cancelled_at=None,
    ):
        """One event with its sessions and the bookings of each unit (``demand``: bookings
        per date, or one number for a course). ``status`` None: held or closed when past,
        published otherwise."""
        rng = self.random
        event_format = self.formats[code]
        capacity = capacity or event_format.default_capacity
        course = code == COURSE
        shape = "course" if course else ("series" if len(slots) > 1 else "single")
        times = [(self.local(day, start), self.local(day, end)) for day, start, end in slots]
        first_start, last_end = times[0][0], times[-1][1]
        past = last_end < self.now
        if status is None:
            status = "published"
            if past:
                status = "closed" if last_end < self.now - timedelta(days=45) else "held"
        published_at = min(first_start - timedelta(days=rng.randint(21, 49)), self.now)
        topics, titles = rng.choice(TITLES[code])
        descriptions = DESCRIPTIONS[code]
        languages = ["de"]
        if rng.random() < 0.3:
            languages.append(rng.choice(EVENT_LANGUAGES))
        recurrence = ""
        if shape == "series":
            recurrence = f"FREQ=WEEKLY;INTERVAL={weeks};COUNT={len(slots)}"
        reason = rng.choice(CANCELLATION_REASONS) if status == "cancelled" else ""
        changed = cancelled_at or (last_end + timedelta(days=1) if past else published_at)
        event_id = self.events.add(
            centre,
            event_format.pk,
            shape,
            titles["de"],
            descriptions["de"],
            *[titles.get(language) for language in self.languages],
            *[descriptions.get(language) for language in self.languages],
            topics,
            rng.choice(TARGET_GROUPS[code]),
            languages,
            capacity,
            True,
            recurrence,
            status,
            reason,
            published_at - timedelta(days=rng.randint(1, 14)),
            min(changed, self.now),
        )
        for person in speakers:
            self.event_speakers.add(event_id, person)
        self.counts.events += 1
        self.counts.sessions += len(times)
        self.counts.upcoming_sessions += sum(start > self.now for start, _end in times)
        # attendance is recorded for the dates of events held (the last one may still be open)
        recorded = [None] * len(times)
        if status in {"held", "closed"}:
            for index, (_start, end) in enumerate(times):
                if status == "closed" or index < len(times) - 1 or rng.random() < 0.5:
                    recorded[index] = min(end + timedelta(hours=rng.randint(1, 48)), self.now)
        session_ids = self.sessions.reserve(len(times))
        present = defaultdict(list)  # session index → registration ids
        if status != "draft":
            anonymise = last_end < self.now - self.retention
            starts = [start for start, _end in times]
            units = [(None, first_start)] if course else list(zip(session_ids, starts, strict=True))
            for unit_index, (unit, unit_start) in enumerate(units):
                wanted = demand[unit_index] if unit_index < len(demand) else 0
                if not wanted:
                    continue
                closes = min(unit_start - timedelta(hours=2), self.now, cancelled_at or self.now)
                confirmed, waiting = self.bookings(
                    event_id,
                    unit,
                    capacity,
                    wanted,
                    (published_at, closes),
                    last_end if anonymise else None,
                    may_cancel=status != "cancelled",
                )
                if status == "cancelled":
                    for registration_id in confirmed + waiting:
                        self.notifications.add(
                            registration_id, "event_cancelled", None, cancelled_at, cancelled_at
                        )
                    continue
                for index, recorded_at in enumerate(recorded):
                    if recorded_at is None or (not course and index != unit_index):
                        continue
                    chance = 0.9 - 0.04 * index if course else 0.82
                    present[index] += [r for r in confirmed if rng.random() < chance]
        for index, (start, end) in enumerate(times):
            counselling = None
            if recorded[index] is not None:
                share = (0.5 if index >= 3 else 0.0) if course else 0.3
                counselling = sum(rng.random() < share for _ in present[index])
                for registration_id in present[index]:
                    self.attendance.add(registration_id, session_ids[index])
                self.counts.attendances += len(present[index])
            self.sessions.add(
                event_id,
                self.modules[index] if course and index < len(self.modules) else None,
                start,
                end,
                False,
                recorded[index],
                counselling,
                row_id=session_ids[index],
            )
        return event_id

    def flush(self):
        for table in self.tables:
            table.flush()

    def finish(self):
        self.flush()
        if connection.vendor == "postgresql":
            models = [ParentEvent, EventSession, Registration, Notification]
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
        changed = []
        for person_id, formats in self.qualify.items():
            person = self.people[person_id]
            person.moderated_formats = [*(person.moderated_formats or []), *sorted(formats)]
            changed.append(person)
        Person.objects.bulk_update(changed, ["moderated_formats"], batch_size=500)
        self.counts.speakers_marked = len(changed)

    def place(self, region, centre, code, first_days, *, when, count=1, weeks=1, **details):
        """Schedule an event on the first of ``first_days`` that fits (``when``: "past" or
        "future": every date must lie before or after today) and create it."""
        if code == COURSE:
            count, weeks = len(self.modules), 1
        options = [
            slots
            for slots in self.options(code, first_days, count, weeks)
            if (slots[-1][0] < self.today if when == "past" else slots[0][0] > self.today)
        ]
        slots, speakers = self.schedule(
            region, centre, code, options, speakers_needed=2 if code == COURSE else 1
        )
        if slots is None:
            return None
        return self.event(centre, code, slots, speakers, weeks=weeks, **details)
