"""Survey invitations by the due jobs: timing, e-mails, the reminder and its seed, texts the family
centre sends by phone, and the speakers' and centres' invitations."""

import re
from datetime import date, datetime, time, timedelta
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from neuewege.core.jobs import JOBS
from neuewege.core.models import Institution, PersonalDataLog, User
from neuewege.core.privacy import purge_personal_data
from neuewege.evaluation import invitations, services
from neuewege.evaluation.invitations import (
    create_survey_invitations,
    expire_survey_links,
    send_survey_invitations,
    send_survey_reminders,
)
from neuewege.evaluation.models import SpentToken, SurveyInvitation, SurveyResponse
from neuewege.evaluation.questionnaires import (
    CENTRE_FEEDBACK,
    PARENT_FOLLOW_UP,
    SPEAKER_FEEDBACK,
)
from neuewege.events.models import ConsentText, Registration
from tests.factories import InstitutionFactory, PersonFactory, UserFactory, make_event
from tests.second_factor import SignInClient

LINK = re.compile(r"http://testserver/umfrage/([\w-]+)/")


class RefusingBackend(EmailBackend):
    """Stands in for a mail server that refuses one address (SMTP is not reachable here)."""

    def send_messages(self, messages):
        for message in messages:
            if "refused@" in message.to[0]:
                raise SMTPRecipientsRefused({message.to[0]: (550, b"no such user")})
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def survey_settings(settings):
    settings.BASE_URL = "http://testserver"
    settings.SURVEY_WEEKS = 8
    settings.SURVEY_REMINDER_DAYS = 14
    settings.SURVEY_PROFESSIONALS = "event"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def local(day: date, hour=9, minute=30) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


TODAY = timezone.localdate()
LAST_DAY = TODAY - timedelta(weeks=8, days=3)  # the last attended session: due three days ago


@pytest.fixture
def course(family_centre):
    """A parent course held: five weekly sessions, the third on ``LAST_DAY``."""
    return make_event(
        family_centre,
        "parent_course",
        starts=local(LAST_DAY - timedelta(weeks=2)),
        status="held",
        title="Elternkurs Neue Wege",
    )


def parent(event, *, attended=(), survey=True, **changes):
    consent = ConsentText.objects.filter(purpose="booking").order_by("-version").first()
    survey_consent = ConsentText.objects.filter(purpose="survey").order_by("-version").first()
    fields = {
        "event": event,
        "status": Registration.Status.CONFIRMED,
        "source": Registration.Source.ONLINE,
        "first_name": "Olena",
        "email": "olena@example.org",
        "language": "uk",
        "consent": consent,
        "consented_at": timezone.now(),
        "survey_consent": survey_consent if survey else None,
        "survey_consented_at": timezone.now() if survey else None,
    } | changes
    registration = Registration.objects.create(**fields)
    registration.attended_sessions.add(*attended)
    return registration


def sessions(event):
    return list(event.sessions.order_by("starts_at"))


def run_all():
    create_survey_invitations()
    send_survey_invitations()
    send_survey_reminders()
    expire_survey_links()


def link_in(message) -> str:
    return LINK.search(message.body).group(0)


def token_in(message) -> str:
    return LINK.search(message.body).group(1)


def back_date_sending(days):
    SurveyInvitation.objects.update(sent_at=timezone.now() - timedelta(days=days))


# Who is invited, and when


def test_the_jobs_are_run_by_run_due_jobs():
    names = list(JOBS)
    assert [name for name in names if "survey" in name] == [
        "create_survey_invitations",
        "send_survey_invitations",
        "send_survey_reminders",
        "expire_survey_links",
    ]


def test_parents_are_invited_weeks_after_the_last_session_they_attended(course):
    first, _second, third, *_later = sessions(course)
    registration = parent(course, attended=[first, third])  # missed the second
    due_on = LAST_DAY + timedelta(weeks=8)
    assert create_survey_invitations(today=due_on - timedelta(days=1)).startswith("0 parent")
    assert not SurveyInvitation.objects.exists()
    create_survey_invitations(today=due_on)
    invitation = SurveyInvitation.objects.get()
    assert invitation.registration == registration
    assert invitation.questionnaire.code == PARENT_FOLLOW_UP
    assert invitation.due_on == due_on
    assert invitation.month == LAST_DAY.replace(day=1)
    assert invitation.event == course and invitation.format == "parent_course"
    assert invitation.expires_on == due_on + timedelta(days=services.LINK_VALID_DAYS)


def test_for_a_course_the_last_session_attended_counts(course):
    _first, second, _third, fourth, _fifth = sessions(course)
    parent(course, attended=[second, fourth])  # came to the fourth module a week later
    create_survey_invitations(today=LAST_DAY + timedelta(weeks=8))
    assert not SurveyInvitation.objects.exists()
    create_survey_invitations(today=LAST_DAY + timedelta(weeks=9))
    assert SurveyInvitation.objects.get().due_on == timezone.localdate(fourth.ends_at) + timedelta(
        weeks=8
    )


def test_the_weeks_are_a_setting(course, settings):
    settings.SURVEY_WEEKS = 4
    parent(course, attended=sessions(course)[:3])
    create_survey_invitations(today=LAST_DAY + timedelta(weeks=4))
    assert SurveyInvitation.objects.get().due_on == LAST_DAY + timedelta(weeks=4)


def test_only_confirmed_consenting_attendees_are_invited(course):
    attended = sessions(course)[:3]
    invited = parent(course, attended=attended)
    parent(course, attended=attended, survey=False, first_name="No consent")
    parent(course, attended=[], first_name="Never came")
    parent(
        course,
        attended=attended,
        status=Registration.Status.WAITLISTED,
        first_name="Waiting",
    )
    parent(
        course,
        attended=attended,
        status=Registration.Status.CANCELLED,
        first_name="Cancelled",
    )
    create_survey_invitations()
    assert [i.registration for i in SurveyInvitation.objects.all()] == [invited]


def test_a_parent_is_invited_once_however_often_the_jobs_run(course):
    parent(course, attended=sessions(course)[:3])
    run_all()
    run_all()
    assert SurveyInvitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_events_long_ago_are_not_asked_about(family_centre):
    old = make_event(family_centre, starts=local(TODAY - timedelta(weeks=8 + 6)), status="closed")
    parent(old, attended=sessions(old), session=old.sessions.get())
    create_survey_invitations()
    assert not SurveyInvitation.objects.exists()


def test_a_cancelled_session_does_not_count_as_attended(course):
    *_, fourth, _fifth = sessions(course)
    registration = parent(course, attended=[*sessions(course)[:3], fourth])
    fourth.is_cancelled = True
    fourth.save()
    create_survey_invitations(today=LAST_DAY + timedelta(weeks=8))
    assert SurveyInvitation.objects.get().registration == registration


# The e-mail


def test_the_email_is_in_the_parents_language_and_its_link_opens_the_survey(course):
    course.title_uk = "Курс для батьків"
    course.save()
    registration = parent(course, attended=sessions(course)[:3])
    run_all()
    message = mail.outbox[0]
    assert message.to == [registration.email]
    assert "Курс для батьків" in message.subject and "Курс для батьків" in message.body
    assert "Olena" in message.body
    invitation = SurveyInvitation.objects.get()
    assert invitation.sent_at is not None and invitation.reminded_at is None
    # due three days ago, sent today: six weeks to answer from today
    assert invitation.expires_on == TODAY + timedelta(days=services.LINK_VALID_DAYS)
    page = Client().get(link_in(message).removeprefix("http://testserver"))
    assert page.status_code == 200
    assert page.headers["Content-Language"] == "uk"
    assert "Чи зробили ви після заходу конкретний крок до роботи?" in page.text


def test_the_link_is_kept_only_as_a_hash_and_a_seed(course):
    parent(course, attended=sessions(course)[:3])
    run_all()
    token = token_in(mail.outbox[0])
    invitation = SurveyInvitation.objects.get()
    assert invitation.digest == SurveyInvitation.digest_of(token)
    assert invitations.token_for(invitation) == token
    row = SurveyInvitation.objects.filter(pk=invitation.pk).values().get()
    assert not any(token in str(value) for value in row.values())


def test_links_survive_a_rotated_secret_key(course, settings):
    parent(course, attended=sessions(course)[:3])
    create_survey_invitations()
    invitation = SurveyInvitation.objects.get()
    token = invitations.token_for(invitation)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-the-test-" * 2
    assert invitations.token_for(invitation) == token


def test_a_refused_address_does_not_stop_the_others(course, settings):
    settings.EMAIL_BACKEND = "tests.evaluation.test_invitations.RefusingBackend"
    attended = sessions(course)[:3]
    refused = parent(course, attended=attended, email="refused@example.org")
    reached = parent(course, attended=attended, email="reached@example.org")
    create_survey_invitations()
    assert send_survey_invitations() == "1 survey invitation(s) sent, 0 skipped, 1 failed"
    assert [message.to for message in mail.outbox] == [["reached@example.org"]]
    assert reached.survey_invitation.sent_at is not None
    failing = SurveyInvitation.objects.get(registration=refused)
    assert failing.sent_at is None and failing.failed_attempts == 1
    for _attempt in range(6):  # tried on the next runs, given up after five attempts
        send_survey_invitations()
    failing.refresh_from_db()
    assert failing.failed_attempts == invitations.MAX_ATTEMPTS and failing.seed
    expire_survey_links()
    failing.refresh_from_db()
    assert failing.seed == "" and failing.sent_at is None


# The reminder


def test_one_reminder_with_the_same_link_then_the_seed_is_gone(course):
    parent(course, attended=sessions(course)[:3])
    run_all()
    back_date_sending(13)
    send_survey_reminders()
    assert len(mail.outbox) == 1  # not yet
    back_date_sending(14)
    assert send_survey_reminders().startswith("1 survey reminder(s) sent")
    first, reminder = mail.outbox
    assert link_in(reminder) == link_in(first)
    invitation = SurveyInvitation.objects.get()
    assert invitation.reminded_at is not None
    assert invitation.seed == "" and invitations.token_for(invitation) is None
    run_all()
    back_date_sending(30)
    send_survey_reminders()
    assert len(mail.outbox) == 2
    # the link itself still works until it expires
    page = Client().get(link_in(reminder).removeprefix("http://testserver"))
    assert page.status_code == 200


def test_the_reminder_thanks_those_who_may_have_answered(course):
    parent(course, attended=sessions(course)[:3], language="en")
    run_all()
    back_date_sending(14)
    send_survey_reminders()
    invitation, reminder = mail.outbox
    assert reminder.subject == "Reminder: a short survey: Elternkurs Neue Wege"
    assert "If you have already answered: thank you!" in reminder.body
    assert "If you have already answered" not in invitation.body


def test_who_has_answered_gets_no_reminder(course):
    parent(course, attended=sessions(course)[:3])
    run_all()
    token = token_in(mail.outbox[0])
    services.submit_response(token=token, answers={"took_step": "no", "useful": 3})
    back_date_sending(14)
    assert send_survey_reminders() == "0 survey reminder(s) sent, 1 skipped, 0 failed"
    assert len(mail.outbox) == 1
    invitation = SurveyInvitation.objects.get()
    assert invitation.seed == "" and invitation.reminded_at is not None
    assert SpentToken.objects.count() == 1  # the response stays anonymous
    assert SurveyResponse.objects.count() == 1


def test_expired_links_lose_their_seed(course):
    parent(course, attended=sessions(course)[:3])
    create_survey_invitations()
    invitation = SurveyInvitation.objects.get()
    SurveyInvitation.objects.update(expires_on=TODAY - timedelta(days=1))
    assert expire_survey_links() == "1 survey link(s) closed for reminders"
    invitation.refresh_from_db()
    assert invitation.seed == ""
    send_survey_invitations()
    assert mail.outbox == []


def test_deleting_the_parents_details_stops_the_sending(course, settings):
    parent(course, attended=sessions(course)[:3])
    create_survey_invitations()
    settings.REGISTRATION_RETENTION_DAYS = 0
    purge_personal_data()
    send_survey_invitations()
    assert mail.outbox == []


# Parents without e-mail: texts the family centre sends by phone


@pytest.fixture
def phone_parent(course):
    registration = parent(
        course,
        attended=sessions(course)[:3],
        email="",
        phone="0170 5556667",
        first_name="Oksana",
    )
    run_all()
    return registration


def texts_url(centre):
    return reverse("survey-texts", kwargs={"pk": centre.pk})


def test_parents_without_email_wait_for_the_family_centre(phone_parent, family_centre, staff):
    assert mail.outbox == []
    invitation = phone_parent.survey_invitation
    assert invitation.sent_at is None and invitation.seed
    client = Client()
    client.force_login(staff)
    page = client.get(texts_url(family_centre))
    assert page.status_code == 200
    text = invitations.sms_text(invitation, invitations.token_for(invitation))
    assert "Oksana" in text and family_centre.name in text
    token = invitations.token_for(invitation)
    assert f"http://testserver/umfrage/{token}/" in text
    body = page.text
    assert "Oksana" in body and "0170 5556667" in body
    assert f"http://testserver/umfrage/{token}/" in body
    assert 'lang="uk"' in body  # the text is in her language
    entry = PersonalDataLog.objects.get(user=staff)
    assert entry.action == "view" and entry.record == f"core.Institution:{family_centre.pk}"


def test_the_sms_text_is_in_the_parents_language(phone_parent):
    invitation = phone_parent.survey_invitation
    token = invitations.token_for(invitation)
    with translation.override("de"):
        text = invitations.sms_text(invitation, token)
    with translation.override("uk"):
        assert invitations.sms_text(invitation, token) == text  # whoever reads it


def test_marking_a_text_as_sent_takes_it_off_the_list(phone_parent, family_centre, staff):
    client = Client()
    client.force_login(staff)
    invitation = phone_parent.survey_invitation
    url = reverse("survey-text-sent", kwargs={"pk": invitation.pk})
    assert client.get(url).status_code == 200  # asks first
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == texts_url(family_centre)
    invitation.refresh_from_db()
    assert invitation.sent_at is not None and invitation.seed == ""
    assert "0170 5556667" not in client.get(texts_url(family_centre)).text
    client.post(url)  # twice: a message, nothing changes
    send_survey_reminders()  # no reminder by phone, and none by e-mail
    assert mail.outbox == []


def test_expired_or_purged_texts_leave_the_list(phone_parent, family_centre, staff, settings):
    client = Client()
    client.force_login(staff)
    SurveyInvitation.objects.update(expires_on=TODAY - timedelta(days=1))
    assert "0170 5556667" not in client.get(texts_url(family_centre)).text
    SurveyInvitation.objects.update(expires_on=TODAY + timedelta(days=1))
    assert "0170 5556667" in client.get(texts_url(family_centre)).text
    settings.REGISTRATION_RETENTION_DAYS = 0
    purge_personal_data()
    assert "Oksana" not in client.get(texts_url(family_centre)).text


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 200), ("staff", 200), ("viewer", 403), ("state", 403), ("other", 404)],
)
def test_only_the_centre_and_the_coordinator_see_the_texts(
    phone_parent, family_centre, coordinator, staff, state_user, borken, who, status
):
    other_centre = InstitutionFactory(region=borken, name="Familienzentrum Borken")
    users = {
        "coordinator": coordinator,
        "staff": staff,
        "viewer": UserFactory(role=User.Role.VIEWER, regions=[family_centre.region]),
        "state": state_user,
        "other": UserFactory(role=User.Role.STAFF, person=PersonFactory(institution=other_centre)),
    }
    client = SignInClient()  # passes the second factor of the coordinator and the state level
    client.force_login(users[who])
    invitation = phone_parent.survey_invitation
    sent_url = reverse("survey-text-sent", kwargs={"pk": invitation.pk})
    assert client.get(texts_url(family_centre)).status_code == status
    assert client.get(sent_url).status_code == status
    response = client.post(sent_url)
    if status != 200:
        assert response.status_code == status
        invitation.refresh_from_db()
        assert invitation.sent_at is None and invitation.seed
        assert not PersonalDataLog.objects.filter(user=users[who]).exists()


def test_staff_of_another_family_centre_in_the_region_may_not_see_the_texts(
    phone_parent, family_centre, wesel
):
    other = InstitutionFactory(region=wesel, name="Familienzentrum Nachbar")
    user = UserFactory(role=User.Role.STAFF, person=PersonFactory(institution=other))
    client = Client()
    client.force_login(user)
    assert client.get(texts_url(family_centre)).status_code == 403
    assert client.get(texts_url(other)).status_code == 200  # their own list, empty
    youth_office = InstitutionFactory(region=wesel, kind=Institution.Kind.YOUTH_WELFARE_OFFICE)
    assert client.get(texts_url(youth_office)).status_code == 404  # not a family centre


# Speakers and family centres


@pytest.fixture
def speaker(wesel):
    job_centre = InstitutionFactory(region=wesel, kind=Institution.Kind.JOB_CENTRE)
    return PersonFactory(institution=job_centre, email="bca@jobcenter.example")


@pytest.fixture
def centre_with_email(family_centre):
    family_centre.email = "fz@example.org"
    family_centre.save()
    return family_centre


def test_speakers_and_the_centre_are_asked_after_each_event(centre_with_email, speaker, wesel):
    silent = PersonFactory(institution=speaker.institution, email=None)
    held = make_event(
        centre_with_email,
        starts=local(TODAY - timedelta(days=2)),
        status="held",
        speakers=[speaker, silent],
        title="Elterncafé im März",
    )
    make_event(centre_with_email, speakers=[speaker], title="Elterncafé demnächst")  # not held
    run_all()
    asked = SurveyInvitation.objects.order_by("questionnaire__code")
    assert [(i.questionnaire.code, i.person, i.event) for i in asked] == [
        (CENTRE_FEEDBACK, None, held),
        (SPEAKER_FEEDBACK, speaker, held),
    ]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "bca@jobcenter.example",
        "fz@example.org",
    ]
    assert all("Elterncafé im März" in message.body for message in mail.outbox)
    assert all(LINK.search(message.body) for message in mail.outbox)
    run_all()
    assert SurveyInvitation.objects.count() == 2 and len(mail.outbox) == 2


def test_speakers_and_centres_are_asked_once_a_quarter(centre_with_email, speaker, settings):
    settings.SURVEY_PROFESSIONALS = "quarter"
    start, end = invitations.quarter_before(TODAY)
    for day in (start + timedelta(days=10), end - timedelta(days=10)):
        make_event(centre_with_email, starts=local(day), status="held", speakers=[speaker])
    # this quarter's event is asked about next quarter
    make_event(centre_with_email, starts=local(end), status="held", speakers=[speaker])
    run_all()
    asked = SurveyInvitation.objects.order_by("questionnaire__code")
    assert [(i.questionnaire.code, i.person, i.event, i.month) for i in asked] == [
        (CENTRE_FEEDBACK, None, None, start),
        (SPEAKER_FEEDBACK, speaker, None, start),
    ]
    assert asked[1].region == speaker.institution.region
    assert len(mail.outbox) == 2
    run_all()
    assert SurveyInvitation.objects.count() == 2 and len(mail.outbox) == 2


def test_quarters():
    assert invitations.quarter_before(date(2026, 3, 10)) == (date(2025, 10, 1), date(2026, 1, 1))
    assert invitations.quarter_before(date(2026, 4, 1)) == (date(2026, 1, 1), date(2026, 4, 1))
    assert invitations.quarter_end(date(2025, 10, 1)) == date(2025, 12, 31)
    assert invitations.quarter_end(date(2026, 4, 1)) == date(2026, 6, 30)
