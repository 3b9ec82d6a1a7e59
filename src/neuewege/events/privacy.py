"""The parents' data of the events, declared in the privacy registry (``core/privacy.py``)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from neuewege.core.privacy import data_category

from .models import CalendarFeed, Notification, Registration
from .services.booking import phone_digits


def _anonymise(registrations, now) -> int:
    """Contact, name and needs go; status, childcare counts and attendance stay for the
    evaluation."""
    Notification.objects.filter(registration__in=registrations).delete()
    return registrations.update(
        first_name="", email="", phone="", language_needs="", anonymised_at=now
    )


def _find(region, email, phone):
    """A parent's registrations in the region, by e-mail (any case) or phone (however written)."""
    rows = Registration.objects.filter(
        event__family_centre__region=region, anonymised_at__isnull=True
    )
    digits = phone_digits(phone)
    by_phone = [
        pk
        for pk, number in rows.exclude(phone="").values_list("pk", "phone")
        if digits and phone_digits(number) == digits
    ]
    return rows.filter(Q(pk__in=by_phone) | (Q(email__iexact=email) if email else Q(pk=None)))


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
    archived_fields=[
        "pk",
        "code",
        "event__title",
        "session__starts_at",
        "status",
        "first_name",
        "email",
        "phone",
        "language",
        "language_needs",
        "child_ages",
        "consented_at",
        "survey_consented_at",
        "created_at",
    ],
    find=_find,
    labels={
        "code": _("Booking code"),
        "event__title": _("Event"),
        "session__starts_at": _("Date"),
        "status": _("Status"),
        "first_name": _("First name"),
        "email": _("E-mail address"),
        "phone": _("Phone number"),
        "language": _("Language of the booking"),
        "language_needs": _("Language needs"),
        "child_ages": _("Ages of the children needing care"),
        "consented_at": _("Consent given"),
        "survey_consented_at": _("Consent to the survey given"),
        "created_at": _("Booked at"),
    },
    purpose=_(
        "To keep your place, to tell you about changes and remind you of the date, to plan "
        "childcare for your children and, only if you agree, to invite you to a short survey "
        "afterwards."
    ),
    retention_start=_("counted from the event's last date"),
)
data_category(
    "revoked_calendar_feeds",
    label=_("Revoked calendar subscriptions (whose they were)"),
    legal_basis=_("Art. 6 (1) e GDPR (operating the platform)"),
    variable="NEUEWEGE_REVOKED_FEED_DAYS",
    default_days=30,
    expired=lambda cutoff: CalendarFeed.objects.filter(revoked_at__lt=cutoff),
)
