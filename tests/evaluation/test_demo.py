"""Demo survey data (``neuewege demo --scale demo``): every consenting attendee of an event held
is invited once when due; responses of every format come out near the programme's published
results (Elternkurs 100 %, Elterncafé 90 %); a response holds nothing but its context and the
rows the service would write; a second run adds nothing."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone

from neuewege.evaluation import services
from neuewege.evaluation.models import (
    Answer,
    SpentToken,
    SurveyInvitation,
    SurveyResponse,
)
from neuewege.evaluation.selectors import questions_of
from neuewege.events.models import ParentEvent, Registration

FORMATS = ["parent_cafe", "info_session", "parent_course"]
# share of the responding parents who took a concrete step, per format
TOOK_STEP_BANDS = {
    "parent_course": (0.95, 1.0),
    "parent_cafe": (0.85, 0.95),
    "info_session": (0.75, 0.85),
}


@pytest.fixture
def demo(db, capsys):
    call_command("demo", "--scale", "demo")
    return capsys.readouterr().out


def parents():
    return SurveyResponse.objects.filter(questionnaire__code="parent_follow_up")


def test_every_format_comes_out_near_the_published_results(demo):
    assert "Evaluation:" in demo
    invited = SurveyInvitation.objects.filter(questionnaire__code="parent_follow_up")
    for code in FORMATS:
        responses = parents().filter(format=code)
        total = responses.count()
        # the demo's courses mostly ended less than SURVEY_WEEKS ago: few are due yet
        assert total >= (1 if code == "parent_course" else 20), code
        took = responses.filter(answers__question__code="took_step", answers__choice="yes")
        low, high = TOOK_STEP_BANDS[code]
        assert low <= took.count() / total <= high, (code, took.count(), total)
        if code != "parent_course":
            assert 0.35 <= total / invited.filter(format=code).count() <= 0.5, code
    assert 0.35 <= parents().count() / invited.count() <= 0.5
    steps = Counter(
        Answer.objects.filter(question__code="steps").values_list("choice", flat=True)
    ).most_common()
    assert steps[0][0] == "counselling" and len(steps) == 7
    useful = Answer.objects.filter(question__code="useful")
    assert useful.filter(number__gte=4).count() / useful.count() >= 0.65
    assert Answer.objects.filter(question__code="missing").exists()
    for code, questions in [
        ("speaker_feedback", ["setting", "access", "openness"]),
        ("centre_feedback", ["effort", "fit"]),
    ]:
        assert SurveyResponse.objects.filter(questionnaire__code=code).count() >= 10, code
        scales = Answer.objects.filter(response__questionnaire__code=code)
        assert set(scales.exclude(number=None).values_list("question__code", flat=True)) == set(
            questions
        )
        if code == "speaker_feedback":  # the family centre opens better conversations
            scales = scales.exclude(number=None)
            assert scales.filter(number__gte=3).count() / scales.count() >= 0.85


def test_consenting_attendees_are_invited_once_when_due(demo):
    today = timezone.localdate()
    weeks = timedelta(weeks=settings.SURVEY_WEEKS)
    attendees = (
        Registration.objects.filter(event__status__in=["held", "closed"])
        .annotate(last=Max("attended_sessions__starts_at"))
        .filter(last__isnull=False)
        .select_related("survey_invitation")
    )
    invited = 0
    for registration in attendees:
        last = timezone.localtime(registration.last).date()
        invitation = getattr(registration, "survey_invitation", None)
        if registration.survey_consent_id is None or last + weeks >= today:
            assert invitation is None, registration.pk
            continue
        invited += 1
        assert invitation.due_on == last + weeks
        assert invitation.month == last.replace(day=1)
        assert invitation.event_id == registration.event_id
        assert invitation.sent_at is not None and invitation.sent_at <= timezone.now()
        assert invitation.seed == ""  # the link cannot be sent again
    parent_invitations = SurveyInvitation.objects.filter(questionnaire__code="parent_follow_up")
    assert invited == parent_invitations.count() > 100
    assert not parent_invitations.filter(registration=None).exists()
    # speakers and family centres: one invitation per person and event held, none twice
    professionals = SurveyInvitation.objects.exclude(questionnaire__code="parent_follow_up")
    assert professionals.filter(registration=None, person__isnull=False).count() == (
        professionals.count()
    )
    pairs = Counter(professionals.values_list("event_id", "person_id", "questionnaire_id"))
    assert pairs and max(pairs.values()) == 1
    heads = []
    for invitation in professionals.select_related("questionnaire", "event", "person"):
        if invitation.questionnaire.code == "speaker_feedback":
            assert invitation.event.speakers.filter(pk=invitation.person_id).exists()
        else:
            assert invitation.person.institution_id == invitation.event.family_centre_id
            heads.append(invitation.person.function == "family_centre_head")
    assert heads and all(heads)  # every demo centre has a head
    # never more responses than invitations, per event and questionnaire
    invitations = Counter(
        SurveyInvitation.objects.values_list("event_id", "questionnaire_id").order_by()
    )
    responses = Counter(SurveyResponse.objects.values_list("event_id", "questionnaire_id"))
    assert all(count <= invitations[key] for key, count in responses.items())


def test_a_response_holds_its_context_and_the_rows_the_service_writes(demo):
    events = {
        event.pk: event
        for event in ParentEvent.objects.select_related("format", "family_centre").prefetch_related(
            "sessions"
        )
    }
    months = {
        (session.event_id, timezone.localtime(session.starts_at).date().replace(day=1))
        for event in events.values()
        for session in event.sessions.all()
    }
    questions = {}
    responses = SurveyResponse.objects.select_related("questionnaire").prefetch_related(
        "answers__question"
    )
    for response in responses:
        event = events[response.event_id]
        assert response.format == event.format.code
        assert response.family_centre_id == event.family_centre_id
        assert response.region_id == event.family_centre.region_id
        assert (response.event_id, response.month) in months
        code = response.questionnaire.code
        if code not in questions:
            questions[code] = questions_of(response.questionnaire)
        stored, answers = [], {}
        for answer in response.answers.all():
            stored.append((answer.question_id, answer.choice, answer.number, answer.text))
            if answer.question.kind == "multiple_choice":
                answers.setdefault(answer.question.code, []).append(answer.choice)
            else:
                answers[answer.question.code] = answer.value
        cleaned = services.clean_answers(questions[code], answers)  # raises when invalid
        expected = [
            (row.question_id, row.choice, row.number, row.text)
            for question in questions[code]
            if question.code in cleaned
            for row in services.answer_rows(response, question, cleaned[question.code])
        ]
        assert sorted(stored, key=repr) == sorted(expected, key=repr)
    assert SpentToken.objects.count() == SurveyResponse.objects.count()
    # free texts: nothing that could point to a person
    names = set(Registration.objects.exclude(first_name="").values_list("first_name", flat=True))
    texts = list(Answer.objects.exclude(text="").values_list("text", flat=True))
    assert texts
    for text in texts:
        assert not re.search(r"\d|@", text), text
        assert not names & set(re.findall(r"\w+", text)), text


def test_a_second_run_adds_nothing(demo, capsys):
    def counts():
        return [
            model.objects.count()
            for model in (SurveyInvitation, SurveyResponse, Answer, SpentToken)
        ]

    before = counts()
    call_command("demo", "--scale", "demo")
    assert "survey responses already present" in capsys.readouterr().out
    assert counts() == before
