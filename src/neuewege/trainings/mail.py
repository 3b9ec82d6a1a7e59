"""The professionals' messages of the trainings app: written in the transaction of the change
that causes them, sent with ``django.core.mail`` after the commit. A message the mail server
refuses is logged and does not undo the change (the registration stays; the coordinator sees it
on the registrations page)."""

import logging
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger(__name__)


def link(url_name: str, **kwargs) -> str:
    return settings.BASE_URL + reverse(url_name, kwargs=kwargs)


def message(template: str, subject: str, to: str, **context) -> EmailMessage:
    """A plain-text message from ``trainings/email/<template>.txt``, rendered now (in the
    language of the request or task that causes it)."""
    body = render_to_string(f"trainings/email/{template}.txt", context)
    return EmailMessage(subject=subject, body=body, from_email=None, to=[to])


def send_after_commit(messages: list[EmailMessage]):
    """Send ``messages`` once the transaction that wrote the change has committed."""
    if messages:
        transaction.on_commit(lambda: _send(messages))


def _send(messages: list[EmailMessage]):
    try:
        connection = get_connection()
        connection.open()
    except (OSError, SMTPException):
        logger.exception("Training messages could not be sent: no connection")
        return
    try:
        for item in messages:
            try:
                connection.send_messages([item])
            except (OSError, SMTPException):
                logger.exception("Training message to a registrant could not be sent")
    finally:
        connection.close()
