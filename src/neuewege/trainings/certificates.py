"""Certificates of attendance and the list per institution, declared for the one download path
of ``core.exporters`` (registered in ``apps.py``):

- ``training-certificate`` (PDF): one participant's certificate of attendance
  ("Teilnahmebescheinigung"): name, institution, training, module and its content, the date
  and place of the session attended, the hours of further training, the issuer, and for a
  speaker training the event formats the person is now qualified to moderate. Refused (400,
  with the reason) for a registration that did not attend.
- ``training-certificates`` (PDF): every attendee of a training, one page each.
- ``training-institution-list`` (PDF, XLSX): per institution, who attended which session — the
  evidence an institution files.

``send_certificates`` e-mails each attendee their certificate once (``certificate_sent_at``),
in a background task.

No parents' data: the files name professionals, for those who plan the training.
"""

import logging
from smtplib import SMTPException

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from neuewege.core import exporters
from neuewege.core.documents import render_pdf, table
from neuewege.core.errors import NotFound, PermissionDenied, ValidationFailed
from neuewege.core.exporters import Document, Exporter, Invalid, Target

from . import mail, selectors
from .models import Training, TrainingRegistration
from .permissions import PLAN

logger = logging.getLogger(__name__)


def issuer(training: Training) -> str:
    """Who issues the certificate: the region's coordination, or the state level."""
    if training.region_id is None:
        return _("Neue Wege NRW, state level")
    return _("Neue Wege NRW, coordination of %(region)s") % {"region": training.region.name}


def certificate_context(registration: TrainingRegistration) -> dict:
    training = registration.training
    return {
        "registration": registration,
        "training": training,
        "module": training.module,
        "session": registration.session,
        "issuer": issuer(training),
        "formats": training.module.get_qualifies_for_display(),
    }


def certificates_pdf(registrations, training: Training) -> bytes:
    return render_pdf(
        "trainings/certificate_pdf.html",
        {
            "training": training,
            "certificates": [certificate_context(r) for r in registrations],
            "issued_on": timezone.localdate(),
        },
    )


def institution_rows(training: Training, institution_id: int | None = None):
    """(institution, kind, name, session, place, hours) of each attendee, by institution."""
    rows = []
    attendees = selectors.attendees(training)
    if institution_id is not None:
        attendees = attendees.filter(institution_id=institution_id)
    for registration in attendees:
        session = registration.session
        rows.append(
            {
                "institution": registration.institution_name,
                "kind": registration.get_institution_kind_display(),
                "name": registration.full_name,
                "session": session,
                "date": timezone.localdate(session.starts_at),
                "place": session.place,
                "hours": training.module.credited_hours,
            }
        )
    rows.sort(key=lambda row: (row["institution"].casefold(), row["name"].casefold()))
    return rows


def _by_institution(rows):
    groups = []
    for row in rows:
        if not groups or groups[-1][0] != row["institution"]:
            groups.append((row["institution"], []))
        groups[-1][1].append(row)
    return groups


# The exporters


def _registration(access, params) -> Target:
    pk = exporters.number(params, "pk")
    registration = (
        selectors.registrations(access)
        .select_related("person", "session__site", "training__module", "training__region")
        .filter(pk=pk)
        .first()
    )
    if registration is None:
        raise NotFound({"pk": "no such registration"})
    return Target(
        region_id=registration.training.region_id,
        records=[registration],
        data=registration,
        subject=registration.training,
    )


def _certificate(target: Target, fmt: str) -> Document:
    registration = target.data
    attended = (
        registration.attended
        and registration.session_id is not None
        and registration.status == TrainingRegistration.Status.CONFIRMED
    )
    if not attended:
        raise Invalid(
            _("%(name)s has not attended this training: there is no certificate of attendance.")
            % {"name": registration.full_name}
        )
    return Document(
        certificates_pdf([registration], registration.training),
        f"teilnahmebescheinigung-{registration.pk}.pdf",
    )


def _training(access, params) -> Target:
    pk = exporters.number(params, "pk")
    training = selectors.trainings(access).filter(pk=pk).first()
    if training is None:
        raise NotFound({"pk": "no such training"})
    institution = params.get("institution")
    data = {"training": training, "institution": None}
    if institution not in (None, ""):
        data["institution"] = exporters.number(params, "institution")
    return Target(region_id=training.region_id, records=[training], data=data, subject=training)


def _certificates(target: Target, fmt: str) -> Document:
    training = target.data["training"]
    registrations = list(selectors.attendees(training))
    if not registrations:
        raise Invalid(_("Nobody has been recorded as attending this training yet."))
    return Document(
        certificates_pdf(registrations, training), f"teilnahmebescheinigungen-{training.pk}.pdf"
    )


def _institution_list(target: Target, fmt: str) -> Document:
    training = target.data["training"]
    rows = institution_rows(training, target.data["institution"])
    filename = f"teilnahme-nach-institution-{training.pk}.{fmt}"
    if fmt == "pdf":
        content = render_pdf(
            "trainings/institution_list_pdf.html",
            {
                "training": training,
                "groups": _by_institution(rows),
                "issuer": issuer(training),
                "issued_on": timezone.localdate(),
            },
        )
        return Document(content, filename)
    header = [
        _("Institution"),
        _("Kind of institution"),
        _("Name"),
        _("Date"),
        _("Place"),
        _("Hours of further training"),
    ]
    values = [
        [
            row["institution"],
            str(row["kind"]),
            row["name"],
            row["date"],
            row["place"],
            float(row["hours"]),
        ]
        for row in rows
    ]
    return Document(table(header, values, fmt, title=_("Attendance")), filename)


CERTIFICATE = Exporter(
    name="training-certificate",
    label=gettext_lazy("Certificate of attendance"),
    formats=("pdf",),
    find=_registration,
    permission=PLAN,
    produce=_certificate,
)
CERTIFICATES = Exporter(
    name="training-certificates",
    label=gettext_lazy("Certificates of attendance of a training"),
    formats=("pdf",),
    find=_training,
    permission=PLAN,
    produce=_certificates,
)
INSTITUTION_LIST = Exporter(
    name="training-institution-list",
    label=gettext_lazy("Attendance by institution"),
    formats=("pdf", "xlsx"),
    find=_training,
    permission=PLAN,
    produce=_institution_list,
)


def register():
    for declared in (CERTIFICATE, CERTIFICATES, INSTITUTION_LIST):
        exporters.register(declared)


# Sending each attendee their certificate


def unsent(training: Training):
    """Attendees of ``training`` who have not been sent their certificate yet."""
    return selectors.attendees(training).filter(certificate_sent_at__isnull=True)


def send_certificates(*, access, training: Training) -> int:
    """E-mail each attendee of ``training`` their certificate of attendance (PDF attached),
    once: in a background task after the commit. Returns how many are to be sent."""
    if not access.has(PLAN, training):
        raise PermissionDenied(_("You may not issue the certificates of this training."))
    with transaction.atomic(durable=True):
        count = unsent(training).count()
        if not count:
            raise ValidationFailed(
                _("Every participant who attended has already been sent their certificate.")
            )
        transaction.on_commit(lambda: mail_certificates.enqueue(training_id=training.pk))
    return count


@task()
def mail_certificates(training_id: int) -> str:
    return mail_unsent_certificates(training_id)


def mail_unsent_certificates(training_id: int) -> str:
    """Send the certificates not yet sent, each in its own transaction (a row lock, so that two
    runs never send one twice); an address the mail server refuses stays for the next call."""
    training = Training.objects.select_related("module", "region").get(pk=training_id)
    sent = failed = 0
    for pk in list(unsent(training).values_list("pk", flat=True)):
        try:
            with transaction.atomic(durable=True):
                registration = (
                    unsent(training)
                    .select_for_update(skip_locked=True, of=("self",))
                    .filter(pk=pk)
                    .first()
                )
                if registration is None:  # sent meanwhile, or no longer attended
                    continue
                _mail_certificate(registration)
                registration.certificate_sent_at = timezone.now()
                registration.save(update_fields=["certificate_sent_at"])
                sent += 1
        except (OSError, SMTPException):
            logger.exception("Certificate for training registration %s could not be sent", pk)
            failed += 1
    return f"{sent} certificate(s) sent, {failed} failed"


def _mail_certificate(registration: TrainingRegistration):
    training = registration.training
    with translation.override(settings.LANGUAGE_CODE):
        message = mail.message(
            "certificate",
            _("Your certificate of attendance: %(title)s") % {"title": training.title},
            registration.email,
            registration=registration,
            training=training,
            issuer=issuer(training),
        )
        message.attach(
            f"teilnahmebescheinigung-{registration.pk}.pdf",
            certificates_pdf([registration], training),
            "application/pdf",
        )
    message.send()
