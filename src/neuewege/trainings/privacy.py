"""The professionals' data of the trainings, declared in the privacy registry
(``core/privacy.py``)."""

from django.db.models import CharField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from neuewege.core.privacy import data_category

from .models import TrainingRegistration, TrainingSession

ANONYMISED = "@anonymised.invalid"  # the e-mail of an anonymised registration: <id>@…


def _anonymise(registrations, now) -> int:
    """Name, e-mail, the person and the link's digest go; the kind of institution, the session
    and attendance stay for the figures (the e-mail becomes unique and undeliverable: the
    database keeps one registration per address and training)."""
    return registrations.update(
        first_name="",
        last_name="",
        email=Concat(Cast(F("pk"), output_field=CharField()), Value(ANONYMISED)),
        person=None,
        other_institution="–",
        institution=None,
        confirmation_digest="",
    )


def _expired(cutoff):
    """Registrations of trainings whose last session ended before ``cutoff`` (or, of a training
    without sessions, that were made before it)."""
    sessions = TrainingSession.objects.filter(training=OuterRef("training"))
    return (
        TrainingRegistration.objects.exclude(email__endswith=ANONYMISED)
        .exclude(Exists(sessions.filter(ends_at__gt=cutoff)))
        .filter(Exists(sessions) | Q(created_at__lt=cutoff))
    )


data_category(
    "training_registrations",
    label=_("Professionals' training registrations: name, work e-mail, institution"),
    legal_basis=_("Art. 6 (1) e GDPR (the institutions' task of cooperation and further training)"),
    variable="NEUEWEGE_TRAINING_RETENTION_DAYS",
    default_days=3 * 365,  # after the training's last session: certificates are evidence
    expired=_expired,
    erase=_anonymise,
    archived_fields=[
        "pk",
        "training__title",
        "first_name",
        "last_name",
        "email",
        "institution__name",
        "other_institution",
        "institution_kind",
        "status",
        "session__starts_at",
        "attended",
        "created_at",
    ],
)
