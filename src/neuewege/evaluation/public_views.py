"""The survey for the person invited: no account, the token in the link is the only key. Phone
first, plain language, every language of LANGUAGES (views marked ``parent_page``).

All questions on one page; a question with a condition is hidden by a few lines of script
until its condition holds (without script every question shows, and the answers to hidden
questions are dropped by ``services.clean_answers``). Every rule is the services': the view
only collects the answers and shows the messages at their questions. Never cached, no
session: the page sets no cookie but Django's CSRF cookie.
"""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from neuewege.core import limits
from neuewege.core.errors import ValidationFailed
from neuewege.core.middleware import parent_page

from . import invitations, services
from .models import Question
from .selectors import InvalidSurveyLink, questionnaire_for_token

Kind = Question.Kind
# "1 = not helpful at all, 5 = very helpful": the labels at the ends of a scale (also with the
# Arabic comma).
SCALE_ENDS = re.compile(r"^\s*1\s*=\s*(?P<low>.+?)\s*[,،]\s*5\s*=\s*(?P<high>.+?)\s*$")
LINK_STATUS = {"unknown": 404, "expired": 410, "used": 410}
LINK_TITLES = {
    "unknown": gettext_noop("This link does not work"),
    "expired": gettext_noop("The survey has ended"),
    "used": gettext_noop("You have already answered"),
}


def _use_language(request, preferred: str | None):
    """The parent's own choice (the language links' cookie) comes first; otherwise the language
    of the invitation (or of the page that led here), else what the browser asks for."""
    languages = dict(settings.LANGUAGES)
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) in languages:
        return
    if preferred in languages:
        translation.activate(preferred)
        request.LANGUAGE_CODE = preferred


def _invalid_link(request, token: str, error: InvalidSurveyLink):
    """A friendly page for a link that cannot be answered; nothing is stored."""
    _use_language(request, invitations.language_for_token(token))
    return render(
        request,
        "evaluation/public/message.html",
        {"title": _(LINK_TITLES[error.reason]), "text": " ".join(error.messages())},
        status=LINK_STATUS[error.reason],
    )


def _raw_answers(data, questions) -> dict:
    """The submitted values of the questionnaire's questions (other fields are ignored)."""
    answers = {}
    for question in questions:
        if question.kind == Kind.MULTIPLE_CHOICE:
            values = data.getlist(question.code)
            if values:
                answers[question.code] = values
        elif question.code in data:
            answers[question.code] = data.get(question.code)
    return answers


def _fields(questions, answers: dict, errors: dict) -> list[dict]:
    """What the template shows of each question, in the active language."""
    fields = []
    for question in questions:
        code = question.code
        value = answers.get(code)
        chosen = set(value) if isinstance(value, list) else {value} if value else set()
        hint, ends = question.help_text, None
        options = list(question.options())
        if question.kind == Kind.SCALE:
            match = SCALE_ENDS.match(hint or "")
            if match:
                ends, hint = (match["low"], match["high"]), ""
            options = [(str(number), str(number)) for number in range(1, 6)]
        element = f"q-{code}"
        field = {
            "code": code,
            "kind": question.kind,
            "text": question.text,
            "hint": hint,
            "required": question.required,
            "error": " ".join(str(message) for message in errors.get(code, [])),
            "id": element,
            "value": "" if value is None or isinstance(value, list) else value,
            "condition": question.condition_question.code if question.condition_question else "",
            "condition_choice": question.condition_choice,
            "is_choice": bool(options),
            "input_type": "checkbox" if question.kind == Kind.MULTIPLE_CHOICE else "radio",
            "options": [
                {
                    "id": f"{element}-{index}",
                    "value": option,
                    "label": label,
                    "checked": option in chosen,
                    "end": (ends[0] if index == 1 else ends[1] if index == 5 else "")
                    if ends
                    else "",
                }
                for index, (option, label) in enumerate(options, start=1)
            ],
        }
        field["first_id"] = f"{element}-1" if options else element
        fields.append(field)
    return fields


@parent_page
@never_cache
@limits.limit_posts("survey", "evaluation/public/message.html")
def answer(request, token):
    try:
        invitation, questionnaire = questionnaire_for_token(token)
    except InvalidSurveyLink as error:
        if request.method == "POST" and error.reason == "used":
            return _thanks(request)  # sent twice (a double click): the page of the first
        return _invalid_link(request, token, error)
    _use_language(request, invitations.language_of(invitation))
    questions = questionnaire.question_list
    answers, errors = {}, {}
    if request.method == "POST":
        answers = _raw_answers(request.POST, questions)
        try:
            services.submit_response(token=token, answers=answers)
        except InvalidSurveyLink as error:  # answered at the same moment, or expired meanwhile
            if error.reason == "used":
                return _thanks(request)
            return _invalid_link(request, token, error)
        except ValidationFailed as error:
            errors = error.errors
        else:
            return _thanks(request)
    event = invitation.event
    return render(
        request,
        "evaluation/public/answer.html",
        {
            "questionnaire": questionnaire,
            "questions": _fields(questions, answers, errors),
            "general_errors": [str(message) for message in errors.get(None, [])],
            "has_errors": bool(errors),
            "event": event,
            "centre": invitation.family_centre,
            "expires_on": invitation.expires_on,
        },
    )


def _thanks(request):
    return redirect(reverse("survey-thanks") + "?" + urlencode({"lang": get_language()}))


@parent_page
@never_cache
def thanks(request):
    """The same page for everyone: it tells nothing about any link or answer."""
    _use_language(request, request.GET.get("lang"))
    return render(request, "evaluation/public/thanks.html")
