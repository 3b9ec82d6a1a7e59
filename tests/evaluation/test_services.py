"""Invitations and anonymous responses, at the service."""

from datetime import date

import pytest
from django.db import IntegrityError, models, transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuewege.core.errors import ValidationFailed
from neuewege.core.models import Institution, Region
from neuewege.core.privacy import purge_personal_data
from neuewege.evaluation import services
from neuewege.evaluation.models import (
    Answer,
    Question,
    Questionnaire,
    SpentToken,
    SurveyInvitation,
    SurveyResponse,
)
from neuewege.evaluation.questionnaires import SPEAKER_FEEDBACK
from neuewege.evaluation.selectors import InvalidSurveyLink, questionnaire_for_token
from neuewege.events.models import ParentEvent

from .conftest import TODAY

STEPS = ["counselling", "application", "training", "internship", "job", "childcare", "other"]
VALID = {"took_step": "yes", "steps": ["job", "counselling"], "useful": 4, "missing": "Mehr Zeit"}


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def submit(token, answers, today=TODAY):
    return services.submit_response(token=token, answers=answers, today=today)


def stored():
    return SurveyResponse.objects.count(), Answer.objects.count(), SpentToken.objects.count()


# Invitations


def test_invitation_takes_its_context_from_the_event(invite, event, wesel):
    invitation, token = invite(month=date(2026, 1, 20))
    assert invitation.format == "parent_course"
    assert invitation.family_centre == event.family_centre
    assert invitation.region == wesel
    assert invitation.month == date(2026, 1, 1)
    # only a hash of the token is stored
    assert invitation.digest == SurveyInvitation.digest_of(token) != token
    row = SurveyInvitation.objects.filter(pk=invitation.pk).values().get()
    assert not any(token in str(value) for value in row.values())


def test_only_parents_who_agreed_are_invited(invite, registration_for):
    with pytest.raises(ValidationFailed) as error:
        invite(registration=registration_for(survey_consent=False))
    assert "registration" in error.value.errors
    assert not SurveyInvitation.objects.exists()


def test_a_registration_is_invited_once(invite, registration_for):
    registration = registration_for()
    invite(registration=registration)
    with pytest.raises(IntegrityError), transaction.atomic():
        invite(registration=registration)


def test_parents_get_the_parents_questionnaire(invite, registration_for):
    speakers = Questionnaire.objects.current(SPEAKER_FEEDBACK)
    with pytest.raises(ValidationFailed) as error:
        invite(questionnaire=speakers)
    assert "questionnaire" in error.value.errors


def test_a_link_cannot_expire_before_it_is_sent(invite):
    with pytest.raises(ValidationFailed) as error:
        invite(due_on=date(2026, 3, 1), expires_on=date(2026, 2, 28))
    assert "expires_on" in error.value.errors


# Anonymity


def test_response_and_answers_cannot_refer_to_a_person():
    """No column of a response or an answer points at anything but the questionnaire and the
    context; nothing that could hold an identity (time, token, address, language)."""
    allowed_targets = {Questionnaire, Question, SurveyResponse, ParentEvent, Institution, Region}
    for model, names in (
        (
            SurveyResponse,
            {"id", "questionnaire", "event", "format", "family_centre", "region", "month"},
        ),
        (Answer, {"id", "response", "question", "choice", "number", "text"}),
    ):
        fields = model._meta.concrete_fields
        assert {field.name for field in fields} == names
        for field in fields:
            if field.is_relation:
                assert field.related_model in allowed_targets, field
            assert not isinstance(field, models.DateTimeField | models.GenericIPAddressField)


def test_a_valid_response_is_stored_once_with_its_context_only(invite, event, wesel):
    invitation, token = invite()
    before = SurveyInvitation.objects.filter(pk=invitation.pk).values().get()
    response = submit(token, VALID | {"useful": "4", "missing": "  Mehr Zeit  "})
    assert SurveyResponse.objects.count() == 1
    stored_response = SurveyResponse.objects.values().get()
    assert {key: value for key, value in stored_response.items() if key != "id"} == {
        "questionnaire_id": invitation.questionnaire_id,
        "event_id": event.pk,
        "format": "parent_course",
        "family_centre_id": event.family_centre_id,
        "region_id": wesel.pk,
        "month": date(2026, 1, 1),
    }
    answers = sorted(
        response.answers.values_list("question__code", "choice", "number", "text"),
        key=lambda row: (row[0], row[1]),
    )
    assert answers == [
        ("missing", "", None, "Mehr Zeit"),
        ("steps", "counselling", None, ""),
        ("steps", "job", None, ""),
        ("took_step", "yes", None, ""),
        ("useful", "", 4, ""),
    ]
    # answering leaves no mark on the invitation: the pending invitations of the other
    # parents cannot tell who answered
    assert SurveyInvitation.objects.filter(pk=invitation.pk).values().get() == before


def test_a_link_is_answered_once(invite):
    _invitation, token = invite()
    submit(token, VALID)
    counts = stored()
    with pytest.raises(InvalidSurveyLink) as error:
        submit(token, VALID | {"took_step": "no"})
    assert error.value.reason == "used"
    assert stored() == counts
    with pytest.raises(InvalidSurveyLink):
        questionnaire_for_token(token, today=TODAY)


def test_the_spent_mark_is_found_only_with_the_token(invite):
    invitation, token = invite()
    submit(token, VALID)
    (spent,) = SpentToken.objects.values_list("digest", flat=True)
    assert spent == SpentToken.digest_of(token)
    assert spent != invitation.digest
    assert [field.name for field in SpentToken._meta.concrete_fields] == ["digest"]


@pytest.mark.parametrize(
    "token, today, reason",
    [
        ("forged-token-that-nobody-got", TODAY, "unknown"),
        ("", TODAY, "unknown"),
        (None, date(2026, 4, 13), "expired"),
    ],
)
def test_forged_and_expired_links_store_nothing(invite, token, today, reason):
    _invitation, real = invite(expires_on=date(2026, 4, 12))
    with pytest.raises(InvalidSurveyLink) as error:
        submit(token if token is not None else real, VALID, today=today)
    assert error.value.reason == reason
    assert error.value.errors[None]
    assert stored() == (0, 0, 0)


def test_a_link_works_until_its_last_day(invite):
    _invitation, token = invite(expires_on=date(2026, 4, 12))
    submit(token, VALID, today=date(2026, 4, 12))
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize(
    "remove",
    [
        lambda registration: registration.delete(),
        lambda registration: purge_personal_data(),
        lambda registration: registration.event.delete(),
    ],
    ids=["registration deleted", "personal data purged", "event deleted"],
)
def test_removing_the_parent_keeps_the_evaluation(invite, registration_for, settings, remove):
    settings.REGISTRATION_RETENTION_DAYS = -3650  # every registration is past its retention
    registration = registration_for()
    _invitation, token = invite(registration=registration)
    submit(token, VALID)
    answers = sorted(Answer.objects.values_list("question__code", "choice", "number", "text"))
    remove(registration)
    response = SurveyResponse.objects.get()
    assert (response.format, response.region.key, response.month) == (
        "parent_course",
        "05170",
        date(2026, 1, 1),
    )
    assert sorted(Answer.objects.values_list("question__code", "choice", "number", "text")) == (
        answers
    )


# Validation


def errors_of(invite, answers):
    _invitation, token = invite()
    with pytest.raises(ValidationFailed) as error:
        submit(token, answers)
    assert stored() == (0, 0, 0)
    return error.value.errors


def test_required_answers_are_asked_for_at_the_question(invite):
    errors = errors_of(invite, {"missing": "nichts"})
    assert set(errors) == {"took_step", "useful"}
    assert errors["useful"] == ["Please answer this question."]


def test_steps_are_required_after_a_yes(invite):
    errors = errors_of(invite, {"took_step": "yes", "steps": [], "useful": 3})
    assert set(errors) == {"steps"}


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"took_step": "maybe"}, "took_step"),
        ({"took_step": True}, "took_step"),
        ({"steps": ["job", "lottery"]}, "steps"),
        ({"steps": "lottery"}, "steps"),
        ({"useful": 0}, "useful"),
        ({"useful": 6}, "useful"),
        ({"useful": "5.5"}, "useful"),
        ({"useful": True}, "useful"),
        ({"missing": "x" * (services.MAX_TEXT_LENGTH + 1)}, "missing"),
        ({"missing": 42}, "missing"),
    ],
)
def test_answers_outside_the_allowed_values_are_refused_at_the_question(invite, changes, code):
    assert set(errors_of(invite, VALID | changes)) == {code}


def test_unknown_questions_are_refused(invite):
    errors = errors_of(invite, VALID | {"email": "olena@example.org"})
    assert set(errors) == {None}


def test_answers_to_hidden_questions_are_dropped(invite):
    _invitation, token = invite()
    response = submit(token, VALID | {"took_step": "no"})
    assert not response.answers.filter(question__code="steps").exists()
    assert response.answers.get(question__code="took_step").choice == "no"


def test_optional_questions_may_stay_empty(invite):
    _invitation, token = invite()
    response = submit(token, {"took_step": "no", "useful": 2, "missing": "   "})
    assert sorted(response.answers.values_list("question__code", flat=True)) == [
        "took_step",
        "useful",
    ]


def test_visible_questions_follow_the_condition(follow_up):
    def shown(answers):
        return [q.code for q in services.visible_questions(follow_up, answers)]

    assert shown({}) == ["took_step", "useful", "missing"]
    assert shown({"took_step": "no"}) == ["took_step", "useful", "missing"]
    assert shown({"took_step": "yes"}) == ["took_step", "steps", "useful", "missing"]


def test_the_answer_page_gets_the_questions(invite, follow_up):
    created, token = invite()
    invitation, questionnaire = questionnaire_for_token(token, today=TODAY)
    assert invitation == created
    assert questionnaire == follow_up
    assert [q.code for q in questionnaire.question_list] == [
        "took_step",
        "steps",
        "useful",
        "missing",
    ]


# Any answers: either refused at the right questions with nothing stored, or stored as given


ANY_VALUE = st.one_of(
    st.none(),
    st.sampled_from(["yes", "no", "", " ", "maybe", "3", "0", "job"]),
    st.integers(-2, 8),
    st.booleans(),
    st.lists(st.sampled_from([*STEPS, "lottery", 1]), max_size=4),
    st.text(alphabet="ab -", max_size=8),
)


def expected_errors(answers):
    """The rules, written out once more by hand."""

    def empty(value):
        return value is None or value == [] or (isinstance(value, str) and not value.strip())

    errors = set()
    took = answers.get("took_step")
    if empty(took) or took not in ("yes", "no"):
        errors.add("took_step")
    if took == "yes":
        steps = answers.get("steps")
        selected = [steps] if isinstance(steps, str) else steps
        if (
            empty(steps)
            or not isinstance(selected, list)
            or not all(code in STEPS for code in selected)
        ):
            errors.add("steps")
    useful = answers.get("useful")
    if isinstance(useful, str) and useful.strip().lstrip("-").isdigit():
        useful = int(useful)
    if isinstance(useful, bool) or not isinstance(useful, int) or not 1 <= useful <= 5:
        errors.add("useful")
    missing = answers.get("missing")
    if not empty(missing) and not isinstance(missing, str):
        errors.add("missing")
    return errors


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    answers=st.dictionaries(
        st.sampled_from(["took_step", "steps", "useful", "missing"]), ANY_VALUE, max_size=4
    )
)
def test_any_answers_are_refused_where_wrong_or_stored_as_given(invite, answers):
    SurveyResponse.objects.all().delete()
    SpentToken.objects.all().delete()
    _invitation, token = invite()
    expected = expected_errors(answers)
    if expected:
        with pytest.raises(ValidationFailed) as error:
            submit(token, answers)
        assert set(error.value.errors) == expected
        assert stored() == (0, 0, 0)
        return
    response = submit(token, answers)
    rows = {}
    for code, choice, number, text in response.answers.values_list(
        "question__code", "choice", "number", "text"
    ):
        rows.setdefault(code, []).append(choice or number or text)
    assert rows["took_step"] == [answers["took_step"]]
    assert rows["useful"] == [int(answers["useful"])]
    steps = answers.get("steps")
    if answers["took_step"] == "yes":
        assert set(rows["steps"]) == ({steps} if isinstance(steps, str) else set(steps))
    else:
        assert "steps" not in rows
