"""Demo trainings. Kreis Wesel gets its cooperative training year: the Basismodul in four
sessions at sites across the Kreis with about 90 professionals registered and balanced groups
assigned by the solver, a speaker training held last year (attendance recorded, the attendees
qualified for the parent-event formats), an information event for family centres held, and
„Management von Kooperationen“ open for registration. At state scale every region of the
programme gets a Basismodul and a speaker training held, with attendance — the figures of the
overview at scale. Deterministic; generated once (None when present already)."""

import random
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from neuewege.core.demo.generate import FIRST_NAMES, LAST_NAMES
from neuewege.core.models import Institution, Person, Region

from . import tasks
from .models import (
    AssignmentRun,
    Module,
    Qualification,
    Training,
    TrainingRegistration,
    TrainingSession,
)

WESEL = "05170"
BERLIN = ZoneInfo("Europe/Berlin")
Kind = Institution.Kind
# Realistic shares of the registrants of a cooperative training (the seed: operative staff of
# AA, JC, family centres, youth welfare and the equality office).
MIX = [
    (Kind.FAMILY_CENTRE, 0.36),
    (Kind.JOB_CENTRE, 0.26),
    (Kind.YOUTH_WELFARE_OFFICE, 0.18),
    (Kind.EMPLOYMENT_AGENCY, 0.14),
    (Kind.EQUALITY_OFFICE, 0.06),
]


def generate_demo_trainings(scale: str, seed: int) -> str | None:
    if Training.objects.exists():
        return None
    rng = random.Random(seed + 14)
    today = timezone.localdate()
    demo = Demo(rng, today)
    if scale != "demo":
        with transaction.atomic():
            return demo.state(Region.objects.exclude(phase="").order_by("key"))
    with transaction.atomic():
        year, made = demo.wesel(Region.objects.get(key=WESEL))
    # the Basismodul's groups, formed by the solver as the coordinator's run does it (the
    # background task's work, done here at once)
    run = AssignmentRun.objects.create(training=year, time_limit_seconds=10)
    tasks.run_assignment.func(run_id=run.pk)
    placed = year.registrations.filter(session__isnull=False).count()
    return f"{made}; Basismodul groups: {placed} placed"


class Demo:
    def __init__(self, rng: random.Random, today: date):
        self.random = rng
        self.today = today
        self.modules = {module.code: module for module in Module.objects.all()}
        self.number = 0

    # Kreis Wesel

    def wesel(self, region) -> str:
        sites = self._sites(region, 4)
        year = self._training(
            region,
            "basismodul",
            "Kooperative Fortbildung 2027: Basismodul",
            sites,
            first=self.today + timedelta(days=45),
            status=Training.Status.OPEN,
        )
        registrants = self._registrants(year, region, 92)
        speakers = self._training(
            region,
            "referentenschulung",
            "Referent/inn/enschulung 2026",
            sites[:1],
            first=self.today - timedelta(days=200),
            status=Training.Status.CLOSED,
        )
        trained = self._registrants(
            speakers, region, 12, kinds=[Kind.JOB_CENTRE, Kind.EMPLOYMENT_AGENCY]
        )
        self._held(speakers)
        info = self._training(
            region,
            "informationsveranstaltung-familienzentren",
            "Informationsveranstaltung für Familienzentren",
            sites[1:2],
            first=self.today - timedelta(days=120),
            status=Training.Status.HELD,
        )
        self._registrants(info, region, 14, kinds=[Kind.FAMILY_CENTRE])
        self._held(info)
        management = self._training(
            region,
            "management-von-kooperationen",
            "Kooperative Fortbildung 2027: Management von Kooperationen",
            sites[2:4],
            first=self.today + timedelta(days=110),
            status=Training.Status.OPEN,
        )
        self._registrants(management, region, 11)
        return year, (
            f"4 trainings in Kreis Wesel: {registrants} registered for the Basismodul, "
            f"{trained} at the speaker training"
        )

    # state scale

    def state(self, regions) -> str:
        trainings = people = 0
        for region in regions:
            sites = self._sites(region, 3)
            if not sites:
                continue
            basis = self._training(
                region,
                "basismodul",
                "Kooperative Fortbildung: Basismodul",
                sites,
                first=self.today - timedelta(days=self.random.randint(60, 700)),
                status=Training.Status.CLOSED,
            )
            people += self._registrants(basis, region, self.random.randint(45, 70), place=True)
            self._held(basis)
            speakers = self._training(
                region,
                "referentenschulung",
                "Referent/inn/enschulung",
                sites[:1],
                first=self.today - timedelta(days=self.random.randint(60, 700)),
                status=Training.Status.CLOSED,
            )
            people += self._registrants(
                speakers, region, 10, kinds=[Kind.JOB_CENTRE, Kind.EMPLOYMENT_AGENCY], place=True
            )
            self._held(speakers)
            trainings += 2
        return f"{trainings} trainings held with {people} professionals"

    # parts

    def _sites(self, region, count):
        centres = list(
            Institution.objects.filter(region=region, kind=Kind.FAMILY_CENTRE).order_by("pk")
        )
        towns, sites = set(), []
        for centre in centres:  # one site per town first, so the sessions spread over the region
            if centre.town not in towns:
                towns.add(centre.town)
                sites.append(centre)
        return (sites + [c for c in centres if c not in sites])[:count]

    def _training(self, region, code, title, sites, *, first, status):
        module = self.modules[code]
        training = Training.objects.create(
            region=region,
            module=module,
            title=title,
            status=status,
            registration_key=secrets.token_urlsafe(32),
            registration_closes_on=first - timedelta(days=14),
        )
        day = first
        for site in sites:
            while day.weekday() >= 5:
                day += timedelta(days=1)
            starts = datetime.combine(day, time(9), tzinfo=BERLIN)
            TrainingSession.objects.create(
                training=training,
                site=site,
                starts_at=starts,
                ends_at=starts + timedelta(hours=float(module.duration_hours) + 1),
                min_size=module.min_size,
                max_size=module.max_size,
            )
            day += timedelta(days=self.random.randint(6, 16))
        return training

    def _registrants(self, training, region, count, *, kinds=None, place=False) -> int:
        """``count`` confirmed registrations in realistic proportions of institution kinds (or
        of ``kinds``), each available for some sessions with a ranked preference; the region's
        people first, invented colleagues after them. ``place``: put each in a session at once
        (state scale, where the trainings were held long ago)."""
        institutions = {}
        for institution in Institution.objects.filter(region=region).order_by("pk"):
            institutions.setdefault(institution.kind, []).append(institution)
        people = {}
        for person in Person.objects.filter(institution__region=region).select_related(
            "institution"
        ):
            people.setdefault(person.institution.kind, []).append(person)
        mix = [(kind, share) for kind, share in MIX if kinds is None or kind in kinds]
        sessions = list(training.sessions.all())
        now = timezone.now()
        rows, availability = [], []
        for _number in range(count):
            kind = self.random.choices([k for k, _ in mix], [s for _, s in mix])[0]
            if not institutions.get(kind):
                kind = Kind.FAMILY_CENTRE
            person = people.get(kind, []).pop() if people.get(kind) else None
            institution = person.institution if person else self.random.choice(institutions[kind])
            first = person.first_name if person else self.random.choice(FIRST_NAMES)
            last = person.last_name if person else self.random.choice(LAST_NAMES)
            self.number += 1
            available = sorted(
                self.random.sample(sessions, k=min(len(sessions), self.random.randint(2, 3))),
                key=lambda s: s.starts_at,
            )
            ranked = self.random.sample(available, k=len(available))
            rows.append(
                TrainingRegistration(
                    training=training,
                    person=person,
                    institution=institution,
                    institution_kind=kind,
                    first_name=first,
                    last_name=last,
                    email=(person.email if person and person.email else None)
                    or f"fachkraft{self.number}@{training.region.key}.neuewege.example",
                    preferences=[session.pk for session in ranked[:2]],
                    status=TrainingRegistration.Status.CONFIRMED,
                    confirmed_at=now,
                    session=ranked[0] if place else None,
                )
            )
            availability.append(available)
        TrainingRegistration.objects.bulk_create(rows)
        through = TrainingRegistration.available_sessions.through
        through.objects.bulk_create(
            through(trainingregistration_id=row.pk, trainingsession_id=session.pk)
            for row, sessions_of in zip(rows, availability, strict=True)
            for session in sessions_of
        )
        if not place and training.module.kind != Module.Kind.COOPERATIVE:
            for row, sessions_of in zip(rows, availability, strict=True):
                row.session = sessions_of[0]
            TrainingRegistration.objects.bulk_update(rows, ["session"])
        return count

    def _held(self, training):
        """Attendance recorded (nine in ten came) and, for a speaker training, the attendees
        qualified for the module's formats."""
        rows = list(training.registrations.select_related("session", "person"))
        for row in rows:
            row.attended = self.random.random() < 0.9
        TrainingRegistration.objects.bulk_update(rows, ["attended"])
        formats = training.module.qualifies_for
        if not formats:
            return
        qualified = [row for row in rows if row.attended and row.person_id]
        Qualification.objects.bulk_create(
            [
                Qualification(
                    person=row.person,
                    format=code,
                    qualified_on=timezone.localtime(row.session.starts_at).date(),
                    training=training,
                )
                for row in qualified
                for code in formats
            ],
            ignore_conflicts=True,
        )
        for row in qualified:
            person = row.person
            person.moderated_formats = sorted(set(person.moderated_formats) | set(formats))
        Person.objects.bulk_update([row.person for row in qualified], ["moderated_formats"])
