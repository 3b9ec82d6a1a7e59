"""Planning a training and its sessions.

The API's minimal version (branch trainings-overview): the planning part brings the full one
with the same names and signatures (``plan_training``, ``SessionPlan``, ``add_session``)."""

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from neuewege.core.access import Access
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import Institution, Person, Region

from ..models import Module, Training, TrainingSession
from ..permissions import PLAN

Status = Training.Status
LIVE = {Status.DRAFT, Status.OPEN, Status.ASSIGNED}  # sessions may still be planned


def _require_planner(access: Access, training: Training):
    if not access.has(PLAN, training.region):
        raise PermissionDenied(_("You may not plan this training."))


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


def add_session(*, access: Access, training: Training, plan: SessionPlan) -> TrainingSession:
    _require_planner(access, training)
    with transaction.atomic(durable=True):
        training = Training.objects.select_for_update().select_related("module").get(pk=training.pk)
        if training.status not in LIVE:
            raise ValidationFailed(_("Sessions can be added until the training is held."))
        starts_at, ends_at = _check_session(training, plan)
        if starts_at <= timezone.now():
            raise ValidationFailed({"day": _("The session must lie in the future.")})
        session = TrainingSession.objects.create(
            training=training,
            site=plan.site,
            site_address="" if plan.site else plan.site_address.strip(),
            site_postcode="" if plan.site else plan.site_postcode.strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            min_size=plan.min_size,
            max_size=plan.max_size,
            trainer_names=plan.trainer_names.strip(),
        )
        session.trainers.set(plan.trainers)
        return session
