"""Every read of the trainings app, scoped to the account (``Access``)."""

from django.db.models import Count, Prefetch, Q

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
