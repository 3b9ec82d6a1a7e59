"""The parents' data of the events, declared in the privacy registry (``core/privacy.py``)."""

from django.utils.translation import gettext_lazy as _

from neuewege.core.privacy import data_category

from .models import CalendarFeed, Notification, Registration


def _anonymise(registrations, now) -> int:
    """Contact, name and needs go; status, childcare counts and attendance stay for the
    evaluation."""
    Notification.objects.filter(registration__in=registrations).delete()
    return registrations.update(
        first_name="", email="", phone="", language_needs="", anonymised_at=now
    )


data_category(
    "registrations",
    label=_("Parents' registrations: first name, e-mail or phone, language needs"),
    legal_basis=_("Art. 6 (1) a GDPR (consent given when booking)"),
    variable="NEUEWEGE_RETENTION_DAYS",
    setting="REGISTRATION_RETENTION_DAYS",
    default_days=180,  # after the event's last date
    expired=lambda cutoff: Registration.objects.filter(anonymised_at__isnull=True).exclude(
        event__sessions__ends_at__gt=cutoff
    ),
    erase=_anonymise,
    archived_fields=["pk", "event_id", "first_name", "email", "phone", "created_at"],
)
data_category(
    "revoked_calendar_feeds",
    label=_("Revoked calendar subscriptions (whose they were)"),
    legal_basis=_("Art. 6 (1) e GDPR (operating the platform)"),
    variable="NEUEWEGE_REVOKED_FEED_DAYS",
    default_days=30,
    expired=lambda cutoff: CalendarFeed.objects.filter(revoked_at__lt=cutoff),
)
