"""Planning a training and its sessions, and its status flow.

Status: draft → open (registration open; needs a session) → assigned (groups assigned: set by
the balanced assignment) → held → closed; cancelled from any status but closed. The one table
of these steps is ``TRANSITIONS``; ``transition`` applies a step, ``apply_transition`` inside a
transaction the caller holds (the assignment uses it for "assigned")."""

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from neuewege.core.access import Access
from neuewege.core.errors import NotFound, PermissionDenied, ValidationFailed
from neuewege.core.models import Institution, Person, Region

from .. import mail
from ..models import Module, Training, TrainingRegistration, TrainingSession
from ..permissions import PLAN

Status = Training.Status
LIVE = {Status.DRAFT, Status.OPEN, Status.ASSIGNED}  # sessions may still be planned and changed


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str
    label: object  # the button
    question: object  # the confirmation page
    done: object  # the message afterwards
    by_planner: bool = True  # False: set by another part (the assignment), no button here


TRANSITIONS = {
    t.name: t
    for t in (
        Transition(
            "open",
            frozenset({Status.DRAFT}),
            Status.OPEN,
            gettext_lazy("Open registration"),
            gettext_lazy(
                "Professionals can then register through the link. Send the link once "
                "registration is open."
            ),
            gettext_lazy("Registration is open."),
        ),
        Transition(
            "assign",
            frozenset({Status.OPEN}),
            Status.ASSIGNED,
            gettext_lazy("Groups assigned"),
            "",
            gettext_lazy("The groups are assigned."),
            by_planner=False,
        ),
        Transition(
            "held",
            frozenset({Status.ASSIGNED}),
            Status.HELD,
            gettext_lazy("Mark as held"),
            gettext_lazy("Mark the training as held once its sessions have taken place."),
            gettext_lazy("The training is marked as held."),
        ),
        Transition(
            "close",
            frozenset({Status.HELD}),
            Status.CLOSED,
            gettext_lazy("Close the training"),
            gettext_lazy(
                "Close the training once attendance is recorded: afterwards nothing can be changed."
            ),
            gettext_lazy("The training is closed."),
        ),
        Transition(
            "cancel",
            frozenset({Status.DRAFT, Status.OPEN, Status.ASSIGNED, Status.HELD}),
            Status.CANCELLED,
            gettext_lazy("Cancel the training"),
            gettext_lazy(
                "Everyone registered is told by e-mail, with the reason you give. This cannot "
                "be undone."
            ),
            gettext_lazy("The training is cancelled. The registrants are being told."),
        ),
    )
}


def next_steps(training: Training) -> list[Transition]:
    """The steps the planner can take from the training's status, the forward one first."""
    return [
        step for step in TRANSITIONS.values() if step.by_planner and training.status in step.sources
    ]


def _require_planner(access: Access, training: Training):
    if not access.has(PLAN, training):
        raise PermissionDenied(_("You may not plan trainings of this region."))


def locked(training_id) -> Training:
    training = (
        Training.objects.select_for_update(of=("self",))
        .select_related("module", "region")
        .filter(pk=training_id)
        .first()
    )
    if training is None:
        raise NotFound(_("This training does not exist."))
    return training


def _live_sessions(training: Training):
    return training.sessions.filter(cancelled_at__isnull=True)


def apply_transition(training: Training, name: str, *, reason: str = "") -> Training:
    """Take the step ``name`` on a training locked by the caller (``locked``), or refuse with
    the reason. Inside the caller's transaction."""
    step = TRANSITIONS.get(name)
    if step is None:
        raise ValidationFailed(_("Unknown step."))
    if training.status not in step.sources:
        raise ValidationFailed(
            _("A training with the status “%(status)s” cannot take this step: %(step)s.")
            % {"status": training.get_status_display(), "step": step.label}
        )
    now = timezone.now()
    if name == "open":
        if not _live_sessions(training).exists():
            raise ValidationFailed(_("Add at least one session before opening the registration."))
    elif name == "held":
        if not _live_sessions(training).filter(starts_at__lte=now).exists():
            raise ValidationFailed(
                _("A training can be marked as held once its first session has begun.")
            )
    elif name == "cancel":
        reason = (reason or "").strip()
        if not reason:
            raise ValidationFailed({"reason": _("Give the reason: the registrants are told.")})
        training.cancelled_reason = reason[:300]
        told = training.registrations.exclude(status=TrainingRegistration.Status.CANCELLED)
        mail.send_after_commit(
            [
                mail.message(
                    "training_cancelled",
                    _("Cancelled: %(title)s") % {"title": training.title},
                    registration.email,
                    registration=registration,
                    training=training,
                    reason=training.cancelled_reason,
                )
                for registration in told
            ]
        )
    training.status = step.target
    training.save(update_fields=["status", "cancelled_reason", "updated_at"])
    return training


def transition(*, access: Access, training: Training, name: str, reason: str = "") -> Training:
    """The planner takes a step of ``TRANSITIONS`` (not "assign": that is the assignment's)."""
    _require_planner(access, training)
    step = TRANSITIONS.get(name)
    if step is None or not step.by_planner:
        raise ValidationFailed(_("Unknown step."))
    with transaction.atomic(durable=True):
        training = locked(training.pk)
        return apply_transition(training, name, reason=reason)


# Planning a training


def _check_closes_on(closes_on: date | None, errors: dict):
    if closes_on is not None and closes_on < timezone.localdate():
        errors["registration_closes_on"] = _("The closing date of the registration has passed.")


def plan_training(
    *,
    access: Access,
    region: Region,
    module: Module,
    title: str,
    description: str = "",
    registration_closes_on: date | None = None,
) -> Training:
    """A new training of ``region`` in draft, with a new secret registration link."""
    if not access.has(PLAN, region):
        raise PermissionDenied(_("You may not plan trainings of this region."))
    errors = {}
    if not module.active:
        errors["module"] = _("This module is not offered any more.")
    if not title.strip():
        errors["title"] = _("Give the training a title.")
    _check_closes_on(registration_closes_on, errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic(durable=True):
        return Training.objects.create(
            region=region,
            module=module,
            title=title.strip(),
            description=description.strip(),
            registration_closes_on=registration_closes_on,
            registration_key=secrets.token_urlsafe(32),
            created_by=access.user if access.user and access.user.pk else None,
        )


def update_training(
    *,
    access: Access,
    training: Training,
    module: Module,
    title: str,
    description: str = "",
    registration_closes_on: date | None = None,
) -> Training:
    """Change a training that is not closed or cancelled. The module can change while the
    training is a draft, and only to one whose size range holds the sessions' ranges."""
    _require_planner(access, training)
    with transaction.atomic(durable=True):
        training = locked(training.pk)
        if training.status not in LIVE:
            raise ValidationFailed(_("A training that was held or cancelled cannot be changed."))
        errors = {}
        if module.pk != training.module_id:
            if training.status != Status.DRAFT:
                errors["module"] = _(
                    "The module can only be changed while the training is a draft."
                )
            elif (
                _live_sessions(training)
                .exclude(min_size__gte=module.min_size, max_size__lte=module.max_size)
                .exists()
            ):
                errors["module"] = _(
                    "The sessions' group sizes lie outside this module's range "
                    "(%(low)s to %(high)s): change the sessions first."
                ) % {"low": module.min_size, "high": module.max_size}
        if not title.strip():
            errors["title"] = _("Give the training a title.")
        if registration_closes_on != training.registration_closes_on:
            _check_closes_on(registration_closes_on, errors)
        if errors:
            raise ValidationFailed(errors)
        training.module = module
        training.title = title.strip()
        training.description = description.strip()
        training.registration_closes_on = registration_closes_on
        training.save()
        return training


# Sessions


@dataclass
class SessionPlan:
    """A session as the planner describes it: the day and the times in Europe/Berlin."""

    day: date
    starts: time
    ends: time
    min_size: int
    max_size: int
    site: Institution | None = None
    site_address: str = ""
    site_postcode: str = ""
    trainers: list[Person] = field(default_factory=list)
    trainer_names: str = ""


def _check_session(training: Training, plan: SessionPlan) -> tuple[datetime, datetime]:
    errors = {}
    module = training.module
    if plan.site is not None:
        if plan.site.region_id != training.region_id:
            errors["site"] = _("Choose an institution of the training's region.")
    elif not plan.site_address.strip():
        errors["site"] = _("Choose an institution as the site, or give an address.")
    if plan.site is None and plan.site_address.strip():
        postcode = plan.site_postcode.strip()
        if len(postcode) != 5 or not postcode.isdigit():
            errors["site_postcode"] = _("Give the address's postcode: five digits.")
    for person in plan.trainers:
        if training.region_id is None or person.institution.region_id != training.region_id:
            errors["trainers"] = _("Trainers must be people of the training's region.")
    if not 1 <= plan.min_size <= plan.max_size:
        errors["min_size"] = _("The smallest group must not be larger than the largest.")
    elif plan.min_size < module.min_size or plan.max_size > module.max_size:
        errors["min_size"] = _(
            "The group size must lie within the module's range: %(low)s to %(high)s people."
        ) % {"low": module.min_size, "high": module.max_size}
    starts_at = timezone.make_aware(datetime.combine(plan.day, plan.starts))
    ends_at = timezone.make_aware(datetime.combine(plan.day, plan.ends))
    if ends_at <= starts_at:
        errors["ends"] = _("The session must end after it starts.")
    if errors:
        raise ValidationFailed(errors)
    return starts_at, ends_at


def _write_session(session: TrainingSession, plan: SessionPlan, starts_at, ends_at):
    session.site = plan.site
    session.site_address = "" if plan.site else plan.site_address.strip()
    session.site_postcode = "" if plan.site else plan.site_postcode.strip()
    session.starts_at, session.ends_at = starts_at, ends_at
    session.min_size, session.max_size = plan.min_size, plan.max_size
    session.trainer_names = plan.trainer_names.strip()
    session.save()
    session.trainers.set(plan.trainers)
    return session


def add_session(*, access: Access, training: Training, plan: SessionPlan) -> TrainingSession:
    _require_planner(access, training)
    with transaction.atomic(durable=True):
        training = locked(training.pk)
        if training.status not in LIVE:
            raise ValidationFailed(_("Sessions can be added until the training is held."))
        starts_at, ends_at = _check_session(training, plan)
        if starts_at <= timezone.now():
            raise ValidationFailed({"day": _("The session must lie in the future.")})
        return _write_session(TrainingSession(training=training), plan, starts_at, ends_at)


def update_session(
    *, access: Access, session: TrainingSession, plan: SessionPlan
) -> TrainingSession:
    _require_planner(access, session.training)
    with transaction.atomic(durable=True):
        training = locked(session.training_id)
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if training.status not in LIVE or session.cancelled_at:
            raise ValidationFailed(_("This session cannot be changed any more."))
        starts_at, ends_at = _check_session(training, plan)
        placed = session.participants.filter(status=TrainingRegistration.Status.CONFIRMED).count()
        if placed > plan.max_size:
            raise ValidationFailed(
                {
                    "max_size": _("%(count)s people are already assigned to this session.")
                    % {"count": placed}
                }
            )
        session = _write_session(session, plan, starts_at, ends_at)
        from .registrations import fill_from_waiting_list  # (imports this module)

        fill_from_waiting_list(session)  # a larger group after the assignment: places free
        return session


def cancel_session(*, access: Access, session: TrainingSession) -> TrainingSession:
    """Cancel one session; the people assigned to it are told and lose their place (they stay
    registered, on the waiting list for the other sessions)."""
    _require_planner(access, session.training)
    with transaction.atomic(durable=True):
        training = locked(session.training_id)
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if training.status not in LIVE:
            raise ValidationFailed(_("Sessions of this training cannot be cancelled any more."))
        if session.cancelled_at:
            raise ValidationFailed(_("This session is already cancelled."))
        session.cancelled_at = timezone.now()
        session.save(update_fields=["cancelled_at"])
        assigned = list(session.participants.exclude(status=TrainingRegistration.Status.CANCELLED))
        mail.send_after_commit(
            [
                mail.message(
                    "session_cancelled",
                    _("Session cancelled: %(title)s") % {"title": training.title},
                    registration.email,
                    registration=registration,
                    training=training,
                    session=session,
                )
                for registration in assigned
            ]
        )
        session.participants.update(session=None)
        return session
