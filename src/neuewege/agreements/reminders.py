"""The agreements' dates, as a due job (``run_agreement_dates``, daily):

- a reminder 90, 60 and 30 days before an agreement in force ends, to the contacts of its
  parties (the institution's e-mail and its people with an account), each sent once per end
  date — an automatic renewal brings a new end date and so new reminders;
- on the day after the end: an agreement that renews automatically runs on for its renewal
  term (``renewal_months``); any other is recorded as expired.
"""

import logging
from datetime import timedelta
from smtplib import SMTPException

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from neuewege.core.models import User

from .models import Agreement, ReminderSent

logger = logging.getLogger(__name__)
REMINDER_DAYS = (90, 60, 30)


def contacts(agreement: Agreement) -> list[str]:
    """The e-mail addresses of the parties: each institution's own and its people's with an
    account (active)."""
    institutions = [party.institution for party in agreement.parties.select_related("institution")]
    addresses = [institution.email for institution in institutions if institution.email]
    addresses += User.objects.filter(
        is_active=True, person__institution__in=institutions
    ).values_list("email", flat=True)
    return sorted(set(addresses))


def _send(agreement: Agreement, days: int):
    """``days``: the days left until the end (a reminder due at 60 days may go out at 45)."""
    recipients = contacts(agreement)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Agreement ends in %(days)d days: %(title)s") % {
            "days": days,
            "title": agreement.title,
        }
        body = render_to_string(
            "agreements/email/reminder.txt",
            {
                "agreement": agreement,
                "days": days,
                "link": settings.BASE_URL
                + reverse("agreement-detail", kwargs={"pk": agreement.pk}),
            },
        )
    # one message each: nobody learns the other recipients' addresses
    messages = [EmailMessage(subject, body, None, [address]) for address in recipients]
    get_connection().send_messages(messages)


def send_reminders(today) -> tuple[int, int]:
    """Each reminder due, once; one the mail server refuses is tried again at the next run."""
    sent = failed = 0
    for days in REMINDER_DAYS:
        sent_before = ReminderSent.objects.filter(
            agreement=OuterRef("pk"), days_before=days, ends_on=OuterRef("ends_on")
        )
        due = Agreement.objects.filter(
            status=Agreement.Status.IN_FORCE,
            ends_on__gte=today,
            ends_on__lte=today + timedelta(days=days),
        ).exclude(Exists(sent_before))
        for agreement in due.select_related("region").order_by("pk"):
            # only the nearest reminder due is sent: one at 59 days replaces the one at 90
            if any(d < days and (agreement.ends_on - today).days <= d for d in REMINDER_DAYS):
                continue
            try:
                _send(agreement, (agreement.ends_on - today).days)
            except (SMTPException, OSError):
                logger.warning("Agreement reminder %s not delivered", agreement.pk, exc_info=True)
                failed += 1
                continue
            try:
                with transaction.atomic(durable=True):
                    ReminderSent.objects.create(
                        agreement=agreement, days_before=days, ends_on=agreement.ends_on
                    )
            except IntegrityError:  # a run at the same time recorded it
                continue
            sent += 1
    return sent, failed


def run_out(today) -> tuple[int, int]:
    """Agreements past their end: renewed for the same term, or expired."""
    renewed = expired = 0
    for agreement in Agreement.objects.filter(status=Agreement.Status.IN_FORCE, ends_on__lt=today):
        with transaction.atomic(durable=True):
            agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
            if agreement.status != Agreement.Status.IN_FORCE or agreement.ends_on >= today:
                continue
            if agreement.renews_automatically:
                # terms counted from the day after the end, each ending the day before the
                # next begins (30.06. + 1 month is 31.07.; 28.02.2027 + 12 months is
                # 29.02.2028); a job that did not run for a while adds each term
                start, terms = agreement.ends_on + timedelta(days=1), 0
                while agreement.ends_on < today:
                    terms += 1
                    months = relativedelta(months=agreement.renewal_months * terms)
                    agreement.ends_on = start + months - timedelta(days=1)
                agreement.renewals += terms
                agreement.save(update_fields=["ends_on", "renewals", "updated_at"])
                renewed += 1
            else:  # its term is over; one terminated ends as terminated
                agreement.status = (
                    Agreement.Status.TERMINATED
                    if agreement.terminated_on
                    else Agreement.Status.EXPIRED
                )
                agreement.save(update_fields=["status", "updated_at"])
                expired += 1
    return renewed, expired


def run_agreement_dates(today=None) -> str:
    today = today or timezone.localdate()
    renewed, expired = run_out(today)
    sent, failed = send_reminders(today)
    return (
        f"{sent} agreement reminder(s) sent, {failed} failed; {renewed} renewed, {expired} expired"
    )
