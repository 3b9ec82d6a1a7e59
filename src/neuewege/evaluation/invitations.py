"""Survey invitations, sent by ``neuewege run-due-jobs`` (the jobs are declared with ``due_job`` in
``apps.py``; each is idempotent).

Parents who agreed to the survey and attended at least one session get one invitation
``SURVEY_WEEKS`` weeks after the last session they attended: by e-mail in the language of
their booking, or, without an e-mail address, as a short text that the family centre sends
by SMS from its own phone (``texts_to_send``, ``mark_text_sent``). E-mail invitees get one
reminder ``SURVEY_REMINDER_DAYS`` days later. Speakers and family centres are asked after
each event held, or once a quarter (``SURVEY_PROFESSIONALS``), by e-mail.

The link and the reminder. A response leaves no mark on its invitation (see ``models.py``),
so nobody can look up who answered. To send the reminder with the same link, the token is
derived from a random ``seed`` kept on the invitation: ``token = HMAC(SECRET_KEY, seed)``.
The database alone never reveals a token (it holds the seed and a hash of the token, and the
secret key lives in the environment). The seed is cleared as soon as it is not needed any
more: when the reminder has been sent, when the family centre has passed the text on by
phone, or when the link expires.

Trade-off: while the seed exists, whoever holds both the database and the secret key can
rebuild the token and look for its ``SpentToken``, i.e. tell whether this invitation has been
answered. The reminder job does exactly that, to spare those who have answered. Once the seed
is cleared, nobody can tell any more: the token cannot be rebuilt, and the ``SpentToken``
hash names no invitation.
"""

import base64
import logging
import secrets
from datetime import date, datetime, time, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from neuewege.core.access import Access
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import Institution, Person
from neuewege.events.models import ParentEvent, Registration
from neuewege.events.permissions import SEE_CONTACTS

from . import aggregates, services
from .models import Audience, Questionnaire, SpentToken, SurveyInvitation
from .questionnaires import CENTRE_FEEDBACK, PARENT_FOLLOW_UP, SPEAKER_FEEDBACK

logger = logging.getLogger(__name__)

LINK_SALT = "neuewege.evaluation.survey-link"
# Events further back than this are not asked about: a job that did not run for a few days
# catches up, but the first run after installing does not invite for years past.
CATCH_UP_DAYS = 28
MAX_ATTEMPTS = 5  # an address the mail server refused this often is given up
HELD = [ParentEvent.Status.HELD, ParentEvent.Status.CLOSED]


# The link


def _token(seed: str, key: str) -> str:
    digest = salted_hmac(LINK_SALT, seed, secret=key, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()  # 24 characters, fits an SMS


def token_for(invitation: SurveyInvitation) -> str | None:
    """The invitation's token, rebuilt from its seed; None once the seed is cleared. Keys in
    ``SECRET_KEY_FALLBACKS`` still rebuild the links made before the key was rotated."""
    if not invitation.seed:
        return None
    for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        token = _token(invitation.seed, key)
        if SurveyInvitation.digest_of(token) == invitation.digest:
            return token
    return None


def link_for(token: str) -> str:
    return settings.BASE_URL + reverse("survey-answer", kwargs={"token": token})


def invite(**arguments) -> SurveyInvitation:
    """``services.create_invitation``, with a token derived from a seed kept on the invitation
    (instead of the random token, which is dropped). Call inside a transaction."""
    invitation, _random_token = services.create_invitation(**arguments)
    invitation.seed = secrets.token_urlsafe(24)
    invitation.digest = SurveyInvitation.digest_of(_token(invitation.seed, settings.SECRET_KEY))
    invitation.save(update_fields=["seed", "digest"])
    return invitation


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# Creating the invitations


def create_survey_invitations(today: date | None = None) -> str:
    """Invite the parents whose time has come, and the speakers and family centres of the
    events held (a due job)."""
    today = today or timezone.localdate()
    parents = invite_parents(today)
    professionals = invite_professionals(today)
    return f"{parents} parent(s) and {professionals} speaker(s) or centre(s) invited"


def invite_parents(today: date) -> int:
    """One invitation per registration that agreed to the survey and attended a session,
    ``SURVEY_WEEKS`` weeks after the last session attended (for a course: the last of its
    sessions the parent came to). Cancelled and waiting registrations are not asked."""
    questionnaire = Questionnaire.objects.current(PARENT_FOLLOW_UP)
    if questionnaire is None:
        return 0
    weeks = timedelta(weeks=settings.SURVEY_WEEKS)
    latest_day = today - weeks  # the last session ended on this day or before
    earliest_day = latest_day - timedelta(days=CATCH_UP_DAYS)
    due = (
        Registration.objects.filter(
            survey_consent__isnull=False,
            status=Registration.Status.CONFIRMED,
            anonymised_at__isnull=True,
            survey_invitation__isnull=True,
        )
        .annotate(
            last_attended=Max(
                "attended_sessions__ends_at",
                filter=Q(attended_sessions__is_cancelled=False),
            )
        )
        .filter(
            last_attended__gte=_day_start(earliest_day),
            last_attended__lt=_day_start(latest_day + timedelta(days=1)),
        )
        .select_related("event__family_centre__region", "event__format")
        .order_by("pk")
    )
    invited = 0
    for registration in due:
        last_day = timezone.localdate(registration.last_attended)
        due_on = last_day + weeks
        try:
            with transaction.atomic(durable=True):
                invite(
                    questionnaire=questionnaire,
                    registration=registration,
                    event=registration.event,
                    month=last_day,
                    due_on=due_on,
                    expires_on=max(due_on, today) + timedelta(days=services.LINK_VALID_DAYS),
                )
        except IntegrityError:  # invited meanwhile by another run
            continue
        invited += 1
    return invited


def invite_professionals(today: date) -> int:
    """Speakers (with an e-mail address) and family centres (with one) of the events held:
    after each event (``SURVEY_PROFESSIONALS = "event"``), or once a quarter about the last
    quarter's events (``"quarter"``). Once each: the questionnaires' rows are locked while
    checking, so runs at the same time do not both invite."""
    speakers = Questionnaire.objects.current(SPEAKER_FEEDBACK)
    centres = Questionnaire.objects.current(CENTRE_FEEDBACK)
    if speakers is None or centres is None:
        return 0
    expires_on = today + timedelta(days=services.LINK_VALID_DAYS)
    with transaction.atomic(durable=True):
        list(Questionnaire.objects.select_for_update().filter(pk__in=[speakers.pk, centres.pk]))
        if settings.SURVEY_PROFESSIONALS == "quarter":
            wanted = _quarterly_recipients(today, speakers, centres)
        else:
            wanted = _event_recipients(today, speakers, centres)
        for arguments in wanted:
            invite(due_on=today, expires_on=expires_on, **arguments)
    return len(wanted)


def _held_events(start: date, end: date):
    """Events held whose last date ended on a day from ``start`` up to (not incl.) ``end``."""
    return (
        ParentEvent.objects.filter(status__in=HELD)
        .annotate(last_end=Max("sessions__ends_at", filter=Q(sessions__is_cancelled=False)))
        .filter(last_end__gte=_day_start(start), last_end__lt=_day_start(end))
        .select_related("family_centre__region", "format")
        .prefetch_related("speakers__institution__region")
        .order_by("pk")
    )


def _has_email(person: Person) -> bool:
    return bool(person.email)


def _event_recipients(today, speakers, centres) -> list[dict]:
    events = list(_held_events(today - timedelta(days=CATCH_UP_DAYS), today + timedelta(days=1)))
    asked = SurveyInvitation.objects.filter(
        questionnaire__code__in=[SPEAKER_FEEDBACK, CENTRE_FEEDBACK],
        event__in=events,
        registration__isnull=True,
    )
    done = {
        (row["questionnaire__code"], row["person"], row["event"])
        for row in asked.values("questionnaire__code", "person", "event")
    }
    wanted = []
    for event in events:
        month = timezone.localdate(event.last_end)
        for person in event.speakers.all():
            if _has_email(person) and (SPEAKER_FEEDBACK, person.pk, event.pk) not in done:
                wanted.append(
                    {"questionnaire": speakers, "person": person, "event": event, "month": month}
                )
        if event.family_centre.email and (CENTRE_FEEDBACK, None, event.pk) not in done:
            wanted.append({"questionnaire": centres, "event": event, "month": month})
    return wanted


def quarter_before(today: date) -> tuple[date, date]:
    """The first day of the last quarter that has ended, and of the quarter of ``today``."""
    this = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    before = this - timedelta(days=1)
    return date(before.year, 3 * ((before.month - 1) // 3) + 1, 1), this


def quarter_end(start: date) -> date:
    """The last day of the quarter that begins on ``start``."""
    month = start.month + 3
    following = date(start.year + 1, month - 12, 1) if month > 12 else date(start.year, month, 1)
    return following - timedelta(days=1)


def _quarterly_recipients(today, speakers, centres) -> list[dict]:
    start, end = quarter_before(today)
    events = list(_held_events(start, end))
    asked = SurveyInvitation.objects.filter(
        questionnaire__code__in=[SPEAKER_FEEDBACK, CENTRE_FEEDBACK],
        event__isnull=True,
        registration__isnull=True,
        month=start,
    )
    done_people = set(asked.filter(person__isnull=False).values_list("person", flat=True))
    done_centres = set(asked.filter(person__isnull=True).values_list("family_centre", flat=True))
    people, places = {}, {}
    for event in events:
        for person in event.speakers.all():
            if _has_email(person) and person.pk not in done_people:
                people.setdefault(person.pk, person)
        centre = event.family_centre
        if centre.email and centre.pk not in done_centres:
            places.setdefault(centre.pk, centre)
    return [
        {
            "questionnaire": speakers,
            "person": person,
            "region": person.institution.region,
            "month": start,
        }
        for person in people.values()
    ] + [
        {"questionnaire": centres, "family_centre": centre, "month": start}
        for centre in places.values()
    ]


# Sending


def recipient(invitation: SurveyInvitation) -> str:
    """The e-mail address the invitation goes to ("" when there is none: a parent without
    e-mail gets a text by phone)."""
    if invitation.registration_id is not None:
        return invitation.registration.email
    if invitation.person_id is not None:
        return invitation.person.email or ""
    if invitation.training_registration_id is not None:
        return invitation.training_registration.email
    if invitation.questionnaire.audience == Audience.FAMILY_CENTRES and invitation.family_centre:
        return invitation.family_centre.email
    return ""


def language_of(invitation: SurveyInvitation) -> str:
    """Parents read the survey in the language of their booking, professionals in German."""
    registration = invitation.registration
    if registration is not None and registration.language in dict(settings.LANGUAGES):
        return registration.language
    return settings.LANGUAGE_CODE


def language_for_token(token: str) -> str | None:
    """The language of the invitation behind a link that can no longer be answered (used or
    expired), for its message page; None for unknown links."""
    invitation = (
        SurveyInvitation.objects.filter(digest=SurveyInvitation.digest_of(token or ""))
        .select_related("registration")
        .first()
    )
    return language_of(invitation) if invitation is not None else None


def _mailable():
    """Invitations the job may still e-mail: seed kept, link not expired, address not given up,
    and not to a parent without an e-mail address (those wait for the family centre)."""
    return (
        SurveyInvitation.objects.exclude(seed="")
        .filter(expires_on__gte=timezone.localdate(), failed_attempts__lt=MAX_ATTEMPTS)
        .filter(Q(registration__isnull=True) | ~Q(registration__email=""))
        .select_related(
            "questionnaire",
            "registration",
            "person",
            "training_registration__training",
            "event__family_centre",
            "family_centre",
        )
    )


def send_survey_invitations() -> str:
    """E-mail every invitation that is due and not sent, each in its own transaction: an
    address the mail server refuses is tried again on the next runs (at most five times) and
    never holds up the others (a due job)."""
    due = _mailable().filter(sent_at__isnull=True, due_on__lte=timezone.localdate())
    return _send_each(due, reminder=False)


def send_survey_reminders() -> str:
    """One reminder to each e-mail invitee ``SURVEY_REMINDER_DAYS`` days after the invitation,
    with the same link, then the seed is cleared. The reminder thanks those who have already
    answered; whose link is spent by now gets none (a due job)."""
    cutoff = timezone.now() - timedelta(days=settings.SURVEY_REMINDER_DAYS)
    due = _mailable().filter(sent_at__lte=cutoff, reminded_at__isnull=True)
    return _send_each(due, reminder=True)


def _send_each(due, *, reminder: bool) -> str:
    sent = skipped = failed = 0
    for pk in list(due.order_by("due_on", "pk").values_list("pk", flat=True)):
        try:
            with transaction.atomic(durable=True):
                invitation = (
                    due.select_for_update(skip_locked=True, of=("self",)).filter(pk=pk).first()
                )
                if invitation is None:  # sent meanwhile by another run
                    continue
                if _deliver(invitation, reminder=reminder):
                    sent += 1
                else:
                    skipped += 1
        except (OSError, SMTPException):
            logger.exception("Survey invitation %s could not be sent", pk)
            SurveyInvitation.objects.filter(pk=pk).update(failed_attempts=F("failed_attempts") + 1)
            failed += 1
    what = "reminder(s)" if reminder else "invitation(s)"
    return f"{sent} survey {what} sent, {skipped} skipped, {failed} failed"


def _deliver(invitation: SurveyInvitation, *, reminder: bool) -> bool:
    """Send the invitation or its reminder and record it; False when there was nothing to
    send (no address any more, the link cannot be rebuilt, or it is answered already)."""
    now = timezone.now()
    token = token_for(invitation)
    address = recipient(invitation)
    answered = token is not None and (
        reminder and SpentToken.objects.filter(digest=SpentToken.digest_of(token)).exists()
    )
    delivered = bool(token and address and not answered)
    if delivered:
        _send(invitation, token, address, reminder=reminder)
    elif token is None:
        logger.warning("Survey invitation %s: the link cannot be rebuilt", invitation.pk)
    if reminder or not delivered:
        invitation.seed = ""  # from now on nobody can tell whether it was answered
    if reminder:
        invitation.reminded_at = now
    elif delivered:
        invitation.sent_at = now
    invitation.save(update_fields=["seed", "sent_at", "reminded_at"])
    return delivered


def _send(invitation: SurveyInvitation, token: str, address: str, *, reminder: bool):
    event = invitation.event
    centre = invitation.family_centre
    with translation.override(language_of(invitation)):
        context = {
            "invitation": invitation,
            "reminder": reminder,
            "event": event,
            "centre": centre,
            "link": link_for(token),
            "registration": invitation.registration,
            "person": invitation.person,
        }
        if invitation.questionnaire.audience == Audience.PARENTS:
            template = "evaluation/email/parent_invitation.txt"
            subject = _("Reminder: a short survey") if reminder else _("A short survey")
        elif invitation.training_registration_id is not None:
            template = "evaluation/email/training_invitation.txt"
            context["training"] = training = invitation.training_registration.training
            subject = (
                _("Reminder: your feedback on the training")
                if reminder
                else _("Your feedback on the training")
            )
            subject = f"{subject}: {training.title}"
        else:
            template = "evaluation/email/professional_invitation.txt"
            context["quarter_end"] = quarter_end(invitation.month)
            subject = (
                _("Reminder: your feedback on the events in family centres")
                if reminder
                else _("Your feedback on the events in family centres")
            )
        if event is not None:
            subject = f"{subject}: {event.title}"
        send_mail(
            subject=subject,
            message=render_to_string(template, context),
            from_email=None,
            recipient_list=[address],
        )


def expire_survey_links() -> str:
    """Clear the seed of invitations whose link has expired, or whose address was refused too
    often: nothing will be sent any more, and nobody can tell whether they answered (a due
    job)."""
    cleared = (
        SurveyInvitation.objects.exclude(seed="")
        .filter(Q(expires_on__lt=timezone.localdate()) | Q(failed_attempts__gte=MAX_ATTEMPTS))
        .update(seed="")
    )
    return f"{cleared} survey link(s) closed for reminders"


# Texts the family centre sends by phone


def texts_to_send(access: Access, centre: Institution) -> list[dict]:
    """The invitations of parents without an e-mail address that the family centre still has to
    send by SMS: first name, phone number and the text with the link, in the parent's language.
    Only for those who may see the parents' contacts (``events.see_contacts``)."""
    today = timezone.localdate()
    invitations = (
        SurveyInvitation.objects.filter(
            family_centre=centre,
            questionnaire__audience=Audience.PARENTS,
            registration__email="",
            registration__anonymised_at__isnull=True,
            sent_at__isnull=True,
            due_on__lte=today,
            expires_on__gte=today,
        )
        .exclude(seed="")
        .exclude(registration__phone="")
        .select_related("registration", "event__family_centre")
        .order_by("due_on", "pk")
    )
    texts = []
    for invitation in invitations:
        token = token_for(invitation)
        if (
            token is None
            or invitation.event is None
            or not access.has(SEE_CONTACTS, invitation.event)
        ):
            continue
        texts.append(
            {
                "invitation": invitation,
                "registration": invitation.registration,
                "language": language_of(invitation),
                "text": sms_text(invitation, token),
            }
        )
    return texts


def sms_text(invitation: SurveyInvitation, token: str) -> str:
    """A short text in the parent's language, for an SMS."""
    with translation.override(language_of(invitation)):
        return _(
            "Hello %(name)s! This is %(centre)s. You came to our event. How are things now? "
            "Please answer a few short questions. It is anonymous. %(link)s"
        ) % {
            "name": invitation.registration.first_name,
            "centre": invitation.family_centre.name,
            "link": link_for(token),
        }


def mark_text_sent(*, access: Access, invitation: SurveyInvitation) -> SurveyInvitation:
    """The family centre has sent the text by phone: it leaves the list, and the seed is
    cleared (there is no reminder by phone)."""
    event = invitation.event
    if event is None or invitation.registration_id is None or not access.has(SEE_CONTACTS, event):
        raise PermissionDenied(_("You may not see the contacts of this event."))
    with transaction.atomic(durable=True):
        updated = (
            SurveyInvitation.objects.filter(pk=invitation.pk, sent_at__isnull=True)
            .exclude(seed="")
            .update(sent_at=timezone.now(), seed="")
        )
        if updated:  # an update sends no signal: the month's kept counts change
            aggregates.mark_months([invitation.month])
    if not updated:
        raise ValidationFailed(_("This text has already been marked as sent."))
    invitation.refresh_from_db()
    return invitation
