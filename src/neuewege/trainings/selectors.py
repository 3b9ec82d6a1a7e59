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
