"""Writes of the evaluation: invitations and anonymous responses. Keyword-only arguments,
domain errors keyed by question code.

The rules of answering live here once: which questions are shown (``visible_questions``), and
what a valid answer is (``clean_answers``). Answers to questions that the other answers hide
are dropped, not refused: a parent who first ticks steps and then answers "no" meant "no".
"""

import re
import secrets
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from neuewege.core.errors import ValidationFailed

from .models import (
    SCALE,
    Answer,
    Audience,
    Question,
    Questionnaire,
    SpentToken,
    SurveyInvitation,
    SurveyResponse,
)
from .selectors import InvalidSurveyLink, invitation_for_token, questions_of

__all__ = [
    "InvalidSurveyLink",
    "answer_rows",
    "clean_answers",
    "create_invitation",
    "submit_response",
    "visible_questions",
]

MAX_TEXT_LENGTH = 2000
LINK_VALID_DAYS = 42
INTEGER = re.compile(r"^-?\d{1,9}$")
Kind = Question.Kind


# Invitations


def create_invitation(
    *,
    questionnaire: Questionnaire,
    month: date,
    due_on: date,
    expires_on: date | None = None,
    event=None,
    family_centre=None,
    region=None,
    registration=None,
    person=None,
    training_registration=None,
) -> tuple[SurveyInvitation, str]:
    """A personal link for one registration (parents), one person (professionals) or one
    training registration (a participant of a training, by the address they registered with). The
    context is taken from the event where one is given. Returns the invitation and the token,
    which exists only now: send it, or lose it. A single insert, so a due job may call it
    inside its own transaction; one invitation per registration (a unique constraint)."""
    if not questionnaire.is_published:
        raise ValidationFailed({"questionnaire": _("This questionnaire is not published.")})
    if sum(r is not None for r in (registration, person, training_registration)) > 1:
        raise ValidationFailed(_("An invitation goes to one registration or one person."))
    if (
        training_registration is not None
        and questionnaire.audience != Audience.TRAINING_PARTICIPANTS
    ):
        raise ValidationFailed(
            {
                "questionnaire": _(
                    "Training participants get the training participants' questionnaire."
                )
            }
        )
    if registration is not None:
        if questionnaire.audience != Audience.PARENTS:
            raise ValidationFailed(
                {"questionnaire": _("Registrations of parents get the parents' questionnaire.")}
            )
        if registration.survey_consent_id is None:
            raise ValidationFailed(
                {"registration": _("This parent has not agreed to be asked for the survey.")}
            )
    if event is not None:
        family_centre = family_centre or event.family_centre
    if family_centre is not None:
        region = region or family_centre.region
    if region is None:
        raise ValidationFailed({"region": _("An invitation needs a region.")})
    expires_on = expires_on or due_on + timedelta(days=LINK_VALID_DAYS)
    if expires_on < due_on:
        raise ValidationFailed({"expires_on": _("The link cannot expire before it is sent.")})
    token = secrets.token_urlsafe(18)
    invitation = SurveyInvitation.objects.create(
        questionnaire=questionnaire,
        registration=registration,
        person=person,
        training_registration=training_registration,
        event=event,
        format=event.format.code if event is not None else "",
        family_centre=family_centre,
        region=region,
        month=month.replace(day=1),
        digest=SurveyInvitation.digest_of(token),
        due_on=due_on,
        expires_on=expires_on,
    )
    return invitation, token


# Answering


def visible_questions(questions, answers: dict) -> list[Question]:
    """The questions shown for these answers, in order. A question with a condition is shown
    when the question it depends on is shown and its answer includes the condition's choice.
    ``questions``: a questionnaire or its questions (ordered by position, as ``questions_of``
    gives them); ``answers``: raw or cleaned values keyed by question code."""
    if isinstance(questions, Questionnaire):
        questions = questions_of(questions)
    shown, visible = set(), []
    for question in questions:
        condition = question.condition_question
        if condition is None or (
            condition.code in shown
            and question.condition_choice in _chosen(condition, answers.get(condition.code))
        ):
            shown.add(question.code)
            visible.append(question)
    return visible


def clean_answers(questions, answers: dict) -> dict:
    """The answers to the visible questions, as stored values keyed by question code (a list
    of codes for multiple choice, an int for scales and numbers, a stripped str otherwise);
    unanswered optional questions are left out. Raises ``ValidationFailed`` with messages at
    the question codes (unknown codes under ``None``)."""
    if isinstance(questions, Questionnaire):
        questions = questions_of(questions)
    answers = answers or {}
    errors, cleaned = {}, {}
    unknown = set(answers) - {question.code for question in questions}
    if unknown:
        errors[None] = _("Unknown question: %(codes)s") % {
            "codes": ", ".join(sorted(map(str, unknown)))
        }
    for question in visible_questions(questions, answers):
        value = answers.get(question.code)
        if _is_empty(value):
            if question.required:
                errors[question.code] = _("Please answer this question.")
            continue
        try:
            cleaned[question.code] = _clean_value(question, value)
        except ValueError as error:
            errors[question.code] = str(error)
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def submit_response(*, token: str, answers: dict, today: date | None = None) -> SurveyResponse:
    """Store one anonymous response to the invitation behind ``token``. Unknown, expired or
    used links raise ``InvalidSurveyLink``, invalid answers ``ValidationFailed``; either way
    nothing is stored. The invitation row is locked, so two submissions of one link store one
    response. The invitation itself is not touched: the used link is remembered only as a
    ``SpentToken``, which nobody can tie to the invitation without the token."""
    with transaction.atomic(durable=True):
        invitation = invitation_for_token(token, today=today, lock=True)
        questions = questions_of(invitation.questionnaire)
        cleaned = clean_answers(questions, answers)
        response = SurveyResponse.objects.create(
            questionnaire=invitation.questionnaire,
            event_id=invitation.event_id,
            format=invitation.format,
            family_centre_id=invitation.family_centre_id,
            region_id=invitation.region_id,
            month=invitation.month,
        )
        Answer.objects.bulk_create(
            [
                row
                for question in questions
                if question.code in cleaned
                for row in answer_rows(response, question, cleaned[question.code])
            ]
        )
        SpentToken.objects.create(digest=SpentToken.digest_of(token))
        return response


def answer_rows(response, question, value):
    """The rows one cleaned answer is stored as: one per ticked option of a multiple choice."""
    if question.kind == Kind.MULTIPLE_CHOICE:
        return [Answer(response=response, question=question, choice=code) for code in value]
    if question.kind in Question.CHOICE_KINDS:
        return [Answer(response=response, question=question, choice=value)]
    if question.kind in (Kind.SCALE, Kind.NUMBER):
        return [Answer(response=response, question=question, number=value)]
    return [Answer(response=response, question=question, text=value)]


def _chosen(question: Question, value) -> set:
    """The choice codes a raw or cleaned answer to ``question`` selects (several only for a
    multiple choice question)."""
    if isinstance(value, str):
        return {value}
    if question.kind == Kind.MULTIPLE_CHOICE and isinstance(value, list | tuple | set | frozenset):
        return {item for item in value if isinstance(item, str)}
    return set()


def _is_empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | frozenset):
        return not value
    return False


def _clean_value(question: Question, value):
    """One answer, checked against the question's kind; ``ValueError`` with the message."""
    if question.kind in Question.CHOICE_KINDS:
        allowed = [code for code, _label in question.options()]
        if question.kind == Kind.MULTIPLE_CHOICE:
            selected = [value] if isinstance(value, str) else value
            if not isinstance(selected, list | tuple | set | frozenset) or not all(
                isinstance(code, str) and code in allowed for code in selected
            ):
                raise ValueError(_("Please choose from the answers given."))
            return [code for code in allowed if code in set(selected)]
        if not isinstance(value, str) or value not in allowed:
            raise ValueError(_("Please choose one of the answers given."))
        return value
    if question.kind == Kind.FREE_TEXT:
        if not isinstance(value, str):
            raise ValueError(_("Please write your answer as text."))
        text = value.strip()
        if len(text) > MAX_TEXT_LENGTH:
            raise ValueError(
                _("Please write at most %(limit)s characters (now %(count)s).")
                % {"limit": MAX_TEXT_LENGTH, "count": len(text)}
            )
        return text
    number = _as_int(value)
    if question.kind == Kind.SCALE:
        low, high = SCALE.start, SCALE.stop - 1
    else:
        low, high = question.min_value, question.max_value
    if number is None or (low is not None and number < low) or (high is not None and number > high):
        raise ValueError(_number_message(low, high))
    return number


def _as_int(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if abs(value) < 10**9 else None
    if isinstance(value, str) and INTEGER.match(value.strip()):
        return int(value.strip())
    return None


def _number_message(low, high):
    if low is not None and high is not None:
        return _("Please give a whole number from %(low)s to %(high)s.") % {
            "low": low,
            "high": high,
        }
    if low is not None:
        return _("Please give a whole number of at least %(low)s.") % {"low": low}
    if high is not None:
        return _("Please give a whole number of at most %(high)s.") % {"high": high}
    return _("Please give a whole number.")
