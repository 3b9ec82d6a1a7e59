"""Every read of the trainings app, scoped to the account (``Access``)."""

from django.db.models import Count, Prefetch, Q
from django.urls import reverse

from neuewege.core.access import Access

from .models import Module, Training, TrainingRegistration, TrainingSession


def modules(*, active_only=False):
    rows = Module.objects.all()
    return rows.filter(active=True) if active_only else rows


def trainings(access: Access):
    """The trainings of the account's regions, and (for the state level) the state-wide ones."""
    rows = Training.objects.select_related("module", "region")
    if access.sees_all_regions:
        return rows
    return rows.filter(region_id__in=access.region_ids)


def region_trainings(access: Access, region):
    confirmed = Q(registrations__status=TrainingRegistration.Status.CONFIRMED)
    return (
        trainings(access)
        .filter(region=region)
        .annotate(
            registrant_count=Count("registrations", filter=confirmed, distinct=True),
            session_count=Count("sessions", distinct=True),
        )
        .prefetch_related(
            Prefetch("sessions", queryset=TrainingSession.objects.order_by("starts_at"))
        )
    )


def sessions(access: Access):
    return TrainingSession.objects.select_related(
        "training__region", "training__module", "site"
    ).filter(training__in=trainings(access))


def registrations(access: Access):
    return TrainingRegistration.objects.select_related(
        "training__region", "institution", "session"
    ).filter(training__in=trainings(access))


# the balanced assignment


def assignment_runs(access: Access):
    from .models import AssignmentRun

    return AssignmentRun.objects.select_related("training__region", "training__module").filter(
        training__in=trainings(access)
    )


def waiting_list(training):
    """Confirmed registrants without a session once the groups are assigned (or held)."""
    if training.status not in (Training.Status.ASSIGNED, Training.Status.HELD):
        return TrainingRegistration.objects.none()
    return training.registrations.filter(
        status=TrainingRegistration.Status.CONFIRMED, session__isnull=True
    ).select_related("institution")


# attendance, certificates


def attendance_session(access: Access, pk: int) -> TrainingSession:
    """A session whose attendance the account may see: of its trainings, or one it trains
    (a trainer of a state-wide training, or from another region). DoesNotExist otherwise."""
    rows = TrainingSession.objects.select_related("training__region", "training__module", "site")
    scoped = Q(training__in=trainings(access))
    if access.own_person_id is not None:
        scoped |= Q(trainers__pk=access.own_person_id)
    return rows.filter(scoped).distinct().get(pk=pk)


def attendance_rows(training: Training) -> list[TrainingSession]:
    """The sessions of a training, each with ``assigned_count`` and ``attended_count``."""
    confirmed = Q(participants__status=TrainingRegistration.Status.CONFIRMED)
    return list(
        training.sessions.annotate(
            assigned_count=Count("participants", filter=confirmed, distinct=True),
            attended_count=Count(
                "participants", filter=confirmed & Q(participants__attended=True), distinct=True
            ),
        ).order_by("starts_at", "pk")
    )


def attendees(training: Training):
    """The registrations of a training that attended their session."""
    return (
        TrainingRegistration.objects.filter(
            training=training,
            status=TrainingRegistration.Status.CONFIRMED,
            attended=True,
            session__isnull=False,
        )
        .select_related("person", "institution__region", "session__site", "training__module")
        .order_by("last_name", "first_name", "pk")
    )


def training_detail(access: Access, pk: int) -> Training:
    return trainings(access).get(pk=pk)


def session_detail(access: Access, pk: int) -> TrainingSession:
    return sessions(access).get(pk=pk)


def registration_detail(access: Access, pk: int) -> TrainingRegistration:
    return registrations(access).select_related("training__module").get(pk=pk)


def registrant_counts(training: Training) -> list[dict]:
    """Registrants (not cancelled) by kind of institution: confirmed and unconfirmed."""
    from neuewege.core.models import Institution

    rows = (
        training.registrations.exclude(status=TrainingRegistration.Status.CANCELLED)
        .values("institution_kind")
        .annotate(
            confirmed=Count("pk", filter=Q(status=TrainingRegistration.Status.CONFIRMED)),
            unconfirmed=Count("pk", filter=Q(status=TrainingRegistration.Status.UNCONFIRMED)),
        )
    )
    by_kind = {row["institution_kind"]: row for row in rows}
    return [
        {
            "kind": label,
            "confirmed": by_kind[kind]["confirmed"],
            "unconfirmed": by_kind[kind]["unconfirmed"],
        }
        for kind, label in Institution.Kind.choices
        if kind in by_kind
    ]


def session_rows(training: Training):
    """The training's sessions with their trainers, site and the numbers placed and available."""
    confirmed = Q(participants__status=TrainingRegistration.Status.CONFIRMED)
    available = Q(available_registrants__status=TrainingRegistration.Status.CONFIRMED)
    return (
        training.sessions.select_related("site")
        .prefetch_related("trainers")
        .annotate(
            placed=Count("participants", filter=confirmed, distinct=True),
            available=Count("available_registrants", filter=available, distinct=True),
        )
        .order_by("starts_at", "pk")
    )


def training_registrations(training: Training):
    return (
        training.registrations.select_related("institution", "session")
        .prefetch_related("available_sessions")
        .order_by("status", "last_name", "first_name", "pk")
    )


def region_people(region, kind: str = ""):
    from neuewege.core.models import Person

    people = Person.objects.filter(institution__region=region).select_related("institution")
    if kind:
        people = people.filter(institution__kind=kind)
    return people.order_by("institution__name", "last_name", "first_name", "pk")


# The public registration link (no account)


def training_for_key(key: str) -> Training | None:
    return Training.objects.select_related("module", "region").filter(registration_key=key).first()


def registration_institutions(training: Training):
    """The institutions a registrant picks from: those of the training's region, by kind."""
    from neuewege.core.models import Institution

    if training.region_id is None:
        return Institution.objects.none()
    return Institution.objects.filter(region_id=training.region_id).order_by("kind", "name")


def open_sessions(training: Training):
    return training.sessions.filter(cancelled_at__isnull=True).select_related("site")


def region_assignment_runs(region, user):
    """The region's training assignments (the failed-work panel of the start page)."""
    from .models import AssignmentRun

    return AssignmentRun.objects.filter(training__region=region)


def describe_assignment_run(run) -> tuple[str, str]:
    return str(run.training), reverse("assignment-run-detail", args=[run.pk])
