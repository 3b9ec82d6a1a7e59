"""The freshness reminder, as a due job (``run_offer_freshness``, daily): the offers that
became out of date (not confirmed for six months, ``freshness.aging_cutoff``) and whose
keeper was not yet reminded since their last check go to the keeper in one message — the
keeping institution's e-mail and its people's with an account; offers without a keeper to the
region's coordinators — with a link to confirm each. ``reminded_on`` records the reminder: one
per check; an offer confirmed and out of date again is reminded again."""

import logging
from collections import defaultdict
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from neuewege.core.models import User

from .freshness import aging_cutoff
from .models import Offer

logger = logging.getLogger(__name__)


def due_reminders(today):
    """Active offers out of date whose keeper was not reminded since their last check."""
    return Offer.objects.filter(
        status=Offer.Status.ACTIVE, checked_on__lte=aging_cutoff(today)
    ).filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=F("checked_on")))


def recipients(keeper, region) -> list[str]:
    """The keeper's addresses (its own and its active accounts'); no keeper: the region's
    coordinators'."""
    if keeper is None:
        addresses = User.objects.filter(
            is_active=True, role=User.Role.COORDINATOR, regions=region
        ).values_list("email", flat=True)
        return sorted(set(addresses))
    addresses = [keeper.email] if keeper.email else []
    addresses += User.objects.filter(is_active=True, person__institution=keeper).values_list(
        "email", flat=True
    )
    return sorted(set(addresses))


def _send(addresses, offers, keeper, region):
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Please check %(count)d offer(s) in the directory") % {"count": len(offers)}
        body = render_to_string(
            "navigator/email/freshness_reminder.txt",
            {
                "keeper": keeper,
                "region": region,
                "offers": [
                    (offer, settings.BASE_URL + reverse("offer-detail", args=[offer.pk]))
                    for offer in offers
                ],
                "stale_link": settings.BASE_URL + reverse("offer-stale", args=[region.key]),
            },
        )
    # one message each: nobody learns the other recipients' addresses
    get_connection().send_messages(
        [EmailMessage(subject, body, None, [address]) for address in addresses]
    )


def send_freshness_reminders(today) -> tuple[int, int]:
    """One message per keeper (or region, for the coordinator's offers); a message the mail
    server refuses is tried again at the next run."""
    groups = defaultdict(list)
    for offer in due_reminders(today).select_related("keeper", "region").order_by("name"):
        groups[(offer.keeper_id, offer.region_id)].append(offer)
    sent = failed = 0
    for offers in groups.values():
        keeper, region = offers[0].keeper, offers[0].region
        addresses = recipients(keeper, region)
        if addresses:
            try:
                _send(addresses, offers, keeper, region)
            except (SMTPException, OSError):
                logger.warning("Freshness reminder for %s not delivered", keeper, exc_info=True)
                failed += 1
                continue
            sent += 1
        with transaction.atomic(durable=True):
            Offer.objects.filter(pk__in=[offer.pk for offer in offers]).update(reminded_on=today)
    return sent, failed


def run_offer_freshness(today=None) -> str:
    sent, failed = send_freshness_reminders(today or timezone.localdate())
    return f"{sent} offer freshness reminder(s) sent, {failed} failed"
