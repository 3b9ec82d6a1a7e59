"""Background tasks of the trainings app: the balanced assignment of a training (with a progress
bar, core/progress.py) and the messages that publish its groups."""

import logging
from smtplib import SMTPException

from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from neuewege.core.progress import Progress

from . import mail
from .calendars import calendar_filename, trainers_of, training_session_calendar
from .models import AssignmentRun, TrainingRegistration

logger = logging.getLogger(__name__)


@task()
def run_assignment(*, run_id: int, language: str = "de"):
    """Solve a queued run of the balanced assignment and apply its plan."""
    from .services.assignment import solve_run

    run = AssignmentRun.objects.select_related("training").get(pk=run_id)
    with translation.override(language), Progress(run) as work:
        result = solve_run(run, work)
        work.finish(result=result)


@task()
def send_group_notices(*, registration_ids: list[int], language: str = "de"):
    """Tell each registrant the session they were last given (``notified_session``, with a
    calendar file) or, without one, that they are on the waiting list. A message the mail
    server refuses does not hold up the others."""
    sent = failed = 0
    rows = (
        TrainingRegistration.objects.filter(pk__in=registration_ids)
        .select_related("training__module", "notified_session__site")
        .prefetch_related("notified_session__trainers")
        .order_by("pk")
    )
    with translation.override(language):
        for registration in rows:
            try:
                group_notice(registration).send()
                sent += 1
            except (OSError, SMTPException):
                logger.exception("Message to registration %s could not be sent", registration.pk)
                failed += 1
    return f"{sent} message(s) sent, {failed} failed"


def group_notice(registration: TrainingRegistration) -> EmailMessage:
    training = registration.training
    session = registration.notified_session
    context = {
        "registration": registration,
        "training": training,
        "session": session,
        "trainers": trainers_of(session) if session else "",
    }
    if session is not None:
        subject = _("Your session: %(title)s") % {"title": training.title}
        message = mail.message("group_session", subject, registration.email, **context)
    else:
        subject = _("You are on the waiting list: %(title)s") % {"title": training.title}
        message = mail.message("group_waiting", subject, registration.email, **context)
    if session is not None:
        message.attach(
            calendar_filename(session), training_session_calendar(session), "text/calendar"
        )
    return message
