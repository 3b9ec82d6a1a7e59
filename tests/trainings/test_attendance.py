"""Attendance of a training session (a tablet page, one POST), the speaker qualification it
records, and the feedback invitations that follow the day after."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from neuewege.core.access import access_for
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import EventFormat, Institution, Person, User
from neuewege.evaluation import invitations
from neuewege.evaluation.models import SurveyInvitation
from neuewege.events.services.planning import _check_speakers
from neuewege.trainings.feedback import invite_training_participants
from neuewege.trainings.models import Qualification
from neuewege.trainings.services.attendance import record_attendance
from tests.factories import InstitutionFactory, PersonFactory, UserFactory, make_training
from tests.factories import make_registrant as registrant

ALL_FORMATS = [code for code, _label in EventFormat.choices]


def started(region, module_code="basismodul", *, days_ago=2, **values):
    """A training whose first session began ``days_ago`` days ago (the second a week later)."""
    start = (timezone.now() - timedelta(days=days_ago)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    return make_training(region, module_code, start=start, status="assigned", **values)


@pytest.fixture
def job_centre(wesel):
    return InstitutionFactory(
        region=wesel, kind=Institution.Kind.JOB_CENTRE, name="Jobcenter Wesel"
    )


@pytest.fixture
def training(wesel):
    return started(wesel)


@pytest.fixture
def session(training):
    return training.sessions.order_by("starts_at").first()


@pytest.fixture
def people(session, family_centre, job_centre):
    training = session.training
    return [
        registrant(training, family_centre, first_name="Anna", last_name="Albers", session=session),
        registrant(training, job_centre, first_name="Ben", last_name="Brandt", session=session),
        registrant(training, job_centre, first_name="Cem", last_name="Çelik", session=session),
    ]


def attendance_url(session):
    return reverse("training-session-attendance", kwargs={"pk": session.pk})


def attended(registrations):
    return [type(r).objects.get(pk=r.pk).attended for r in registrations]


# Recording


def test_coordinator_records_attendance_in_one_post(client, coordinator, session, people):
    client.force_login(coordinator)
    page = client.get(attendance_url(session))
    assert page.status_code == 200
    body = page.content.decode()
    for person in people:
        assert person.full_name in body
    response = client.post(attendance_url(session), {"present": [people[0].pk, people[2].pk]})
    assert response.status_code == 302
    assert attended(people) == [True, False, True]
    # ticked again later: the one absent came after all, another one did not
    client.post(attendance_url(session), {"present": [people[1].pk]})
    assert attended(people) == [False, True, False]


def test_all_present_marks_everyone_assigned(client, coordinator, session, people):
    client.force_login(coordinator)
    client.post(attendance_url(session), {"all_present": "1"})
    assert attended(people) == [True, True, True]


def test_only_people_assigned_to_the_session_count(coordinator, training, session, people):
    other_session = training.sessions.exclude(pk=session.pk).get()
    elsewhere = registrant(training, people[0].institution, session=other_session)
    with pytest.raises(ValidationFailed):
        record_attendance(
            access=access_for(coordinator), session=session, present_ids=[elsewhere.pk]
        )
    assert attended([*people, elsewhere]) == [None, None, None, None]


def test_refused_before_the_session_begins(client, coordinator, wesel, family_centre):
    training = make_training(wesel, status="assigned")  # in 30 days
    session = training.sessions.first()
    person = registrant(training, family_centre, session=session)
    client.force_login(coordinator)
    page = client.get(attendance_url(session))
    with translation.override("de"):
        message = gettext("Attendance can be recorded once the session has begun.")
    assert message in page.content.decode()
    response = client.post(attendance_url(session), {"present": [person.pk]})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert attended([person]) == [None]
    with pytest.raises(ValidationFailed):
        record_attendance(access=access_for(coordinator), session=session, present_ids=[])


def test_a_trainer_of_the_session_records_a_trainer_of_another_does_not(
    client, training, session, people, family_centre
):
    trainer = PersonFactory(institution=family_centre)
    other_trainer = PersonFactory(institution=family_centre)
    session.trainers.add(trainer)
    training.sessions.exclude(pk=session.pk).get().trainers.add(other_trainer)
    account = UserFactory(role=User.Role.STAFF, person=trainer)
    other_account = UserFactory(role=User.Role.STAFF, person=other_trainer)

    client.force_login(other_account)
    assert client.get(attendance_url(session)).status_code == 403
    assert client.post(attendance_url(session), {"all_present": "1"}).status_code == 403
    with pytest.raises(PermissionDenied):
        record_attendance(access=access_for(other_account), session=session, present_ids=[])
    assert attended(people) == [None, None, None]

    client.force_login(account)
    assert client.get(attendance_url(session)).status_code == 200
    client.post(attendance_url(session), {"present": [people[1].pk]})
    assert attended(people) == [False, True, False]


def test_other_regions_and_bad_ids_get_not_found(client, borken, session, people):
    client.force_login(UserFactory(role=User.Role.COORDINATOR, regions=[borken]))
    assert client.get(attendance_url(session)).status_code == 404
    assert client.post(attendance_url(session), {"all_present": "1"}).status_code == 404
    assert attended(people) == [None, None, None]
    assert client.get("/training-sessions/99999999/attendance/").status_code == 404


def test_the_training_page_section_links_each_session(
    client, coordinator, training, session, people
):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    record_attendance(access=access_for(coordinator), session=session, present_ids=[people[0].pk])
    request = RequestFactory().get("/")
    request.user = coordinator
    html = render_to_string(
        "trainings/_detail_attendance.html", {"training": training, "can_plan": True}, request
    )
    assert attendance_url(session) in html
    assert reverse("training-certificates", kwargs={"pk": training.pk}) in html
    assert reverse("training-institution-list", kwargs={"pk": training.pk, "fmt": "xlsx"}) in html


# The speaker qualification


@pytest.fixture
def speaker_training(wesel):
    return started(wesel, "referentenschulung", days_ago=3)


def _speaker_warnings(person):
    person = Person.objects.select_related("institution").get(pk=person.pk)
    event = SimpleNamespace(
        pk=None,
        family_centre=SimpleNamespace(region_id=person.institution.region_id),
        format=SimpleNamespace(code="parent_cafe", name="Elterncafé"),
    )
    errors, warnings = _check_speakers(event, SimpleNamespace(speakers=[person], sessions=[]))
    assert errors == {}
    return warnings


def test_attending_the_speaker_training_qualifies_and_the_event_planning_accepts_it(
    coordinator, speaker_training, job_centre
):
    session = speaker_training.sessions.order_by("starts_at").first()
    person = PersonFactory(institution=job_centre, email="b.brandt@jobcenter.example")
    registration = registrant(
        speaker_training, job_centre, email="B.Brandt@Jobcenter.example", session=session
    )
    assert len(_speaker_warnings(person)) == 1  # not recorded as qualified

    record_attendance(
        access=access_for(coordinator), session=session, present_ids=[registration.pk]
    )

    registration.refresh_from_db()
    assert registration.person == person  # found by e-mail, whatever its case
    day = timezone.localdate(session.starts_at)
    qualifications = Qualification.objects.filter(person=person)
    assert sorted(q.format for q in qualifications) == sorted(ALL_FORMATS)
    assert {(q.qualified_on, q.training_id) for q in qualifications} == {(day, speaker_training.pk)}
    person.refresh_from_db()
    assert sorted(person.moderated_formats) == sorted(ALL_FORMATS)
    assert _speaker_warnings(person) == []

    # un-ticked later: the qualification that came only from this training goes
    record_attendance(access=access_for(coordinator), session=session, present_ids=[])
    person.refresh_from_db()
    assert not Qualification.objects.filter(person=person).exists()
    assert person.moderated_formats == []
    assert len(_speaker_warnings(person)) == 1


def test_the_earliest_qualification_stays_and_unticking_falls_back_to_it(
    coordinator, wesel, speaker_training, job_centre
):
    earlier = started(wesel, "referentenschulung", days_ago=60, title="Frühere Schulung")
    earlier_session = earlier.sessions.order_by("starts_at").first()
    session = speaker_training.sessions.order_by("starts_at").first()
    person = PersonFactory(institution=job_centre)
    first = registrant(
        earlier, job_centre, person=person, email=person.email, session=earlier_session
    )
    second = registrant(
        speaker_training, job_centre, person=person, email=person.email, session=session
    )
    access = access_for(coordinator)
    record_attendance(access=access, session=earlier_session, present_ids=[first.pk])
    record_attendance(access=access, session=session, present_ids=[second.pk])
    early_day = timezone.localdate(earlier_session.starts_at)
    assert set(
        Qualification.objects.filter(person=person).values_list("qualified_on", "training")
    ) == {(early_day, earlier.pk)}
    # un-ticking the first: the qualification now comes from the later training
    record_attendance(access=access, session=earlier_session, present_ids=[])
    later_day = timezone.localdate(session.starts_at)
    assert set(
        Qualification.objects.filter(person=person).values_list("qualified_on", "training")
    ) == {(later_day, speaker_training.pk)}
    person.refresh_from_db()
    assert sorted(person.moderated_formats) == sorted(ALL_FORMATS)


def test_a_registrant_not_in_the_register_is_created_at_their_institution(
    coordinator, speaker_training, job_centre, family_centre
):
    session = speaker_training.sessions.order_by("starts_at").first()
    new = registrant(
        speaker_training,
        job_centre,
        first_name="Nora",
        last_name="Neu",
        email="nora@jc.example",
        session=session,
    )
    centre = registrant(speaker_training, family_centre, email="fz@fz.example", session=session)
    record_attendance(
        access=access_for(coordinator), session=session, present_ids=[new.pk, centre.pk]
    )
    person = Person.objects.get(email="nora@jc.example")
    assert (person.first_name, person.last_name, person.institution) == ("Nora", "Neu", job_centre)
    assert person.function == Person.Function.OTHER
    assert sorted(person.moderated_formats) == sorted(ALL_FORMATS)
    assert Person.objects.get(email="fz@fz.example").function == Person.Function.FAMILY_CENTRE_STAFF


def test_a_registrant_of_another_institution_is_not_qualified_and_the_page_says_so(
    client, coordinator, speaker_training, job_centre
):
    session = speaker_training.sessions.order_by("starts_at").first()
    outside = registrant(speaker_training, job_centre, session=session, email="x@verein.example")
    type(outside).objects.filter(pk=outside.pk).update(
        institution=None, other_institution="Verein X"
    )
    client.force_login(coordinator)
    response = client.post(attendance_url(session), {"all_present": "1"}, follow=True)
    assert attended([outside]) == [True]
    assert not Person.objects.filter(email="x@verein.example").exists()
    assert outside.full_name in " ".join(str(m) for m in response.context["messages"])


def test_a_cooperative_training_qualifies_nobody(coordinator, session, people):
    record_attendance(
        access=access_for(coordinator), session=session, present_ids=[p.pk for p in people]
    )
    assert not Qualification.objects.exists()
    assert not Person.objects.filter(email__in=[p.email for p in people]).exists()


# Feedback


def test_attendees_are_invited_once_the_day_after_and_absentees_not(
    coordinator, training, session, people
):
    record_attendance(
        access=access_for(coordinator), session=session, present_ids=[people[0].pk, people[1].pk]
    )
    day = timezone.localdate(session.starts_at)
    assert "0 training" in invite_training_participants(today=day)  # the same day: not yet
    assert not SurveyInvitation.objects.exists()

    invite_training_participants(today=day + timedelta(days=1))
    invite_training_participants(today=day + timedelta(days=2))  # again: nobody twice
    invitations_made = SurveyInvitation.objects.all()
    assert sorted(i.training_registration_id for i in invitations_made) == sorted(
        [people[0].pk, people[1].pk]
    )
    for invitation in invitations_made:
        assert invitation.questionnaire.code == "training_feedback"
        assert invitation.region_id == training.region_id
        assert invitation.person_id is None and invitation.registration_id is None
        assert invitations.recipient(invitation) == invitation.training_registration.email


def test_the_evaluation_job_sends_the_training_invitations(coordinator, training, session, people):
    record_attendance(access=access_for(coordinator), session=session, present_ids=[people[0].pk])
    invite_training_participants()  # the session was two days ago
    invitations.send_survey_invitations()
    assert [message.to for message in mail.outbox] == [[people[0].email]]
    assert training.title in mail.outbox[0].subject
    assert "/" in mail.outbox[0].body and people[0].full_name in mail.outbox[0].body
    invitations.send_survey_invitations()
    assert len(mail.outbox) == 1


def test_the_counts_per_session(coordinator, training, session, people):
    from neuewege.trainings import selectors

    type(people[2]).objects.filter(pk=people[2].pk).update(status="cancelled")
    record_attendance(access=access_for(coordinator), session=session, present_ids=[people[0].pk])
    first, second = selectors.attendance_rows(training)
    assert (first.assigned_count, first.attended_count) == (2, 1)
    assert (second.assigned_count, second.attended_count) == (0, 0)
