"""The survey page for the person invited: one page of questions in the parents' languages, the
answers stored once and anonymously, messages at the questions, friendly pages for bad links.

Page texts are asserted through the questions' texts in the database (modeltranslation) and
the page's structure; messages of the interface with English pages (the msgids)."""

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from neuewege.evaluation.models import Answer, Question, SpentToken, SurveyResponse
from neuewege.evaluation.questionnaires import PARENT_FOLLOW_UP

TODAY = timezone.localdate()
VALID = {"took_step": "yes", "steps": ["job", "childcare"], "useful": "4", "missing": "Mehr Zeit"}


@pytest.fixture
def link(invite):
    """A valid link (expires in a month) of a parent who booked in Ukrainian."""
    _invitation, token = invite(
        month=TODAY, due_on=TODAY - timedelta(days=1), expires_on=TODAY + timedelta(days=30)
    )
    return reverse("survey-answer", kwargs={"token": token})


def browser(language=None):
    client = Client()
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def question(code):
    return Question.objects.get(questionnaire__code=PARENT_FOLLOW_UP, code=code)


def stored():
    return SurveyResponse.objects.count(), Answer.objects.count(), SpentToken.objects.count()


# Showing the questions


def test_the_page_shows_every_question_in_german(link):
    page = browser("de").get(link)
    assert page.status_code == 200
    assert page.headers["Content-Language"] == "de"
    assert '<html lang="de" dir="ltr">' in page.text
    for code in ("took_step", "steps", "useful", "missing"):
        assert question(code).text_de in page.text
    assert "Nachbefragung: Wie ging es weiter?" in page.text  # the title
    assert "Bewerbung geschickt" in page.text  # a choice
    assert 'name="csrfmiddlewaretoken"' in page.text


def test_a_barrier_report_from_the_page_does_not_carry_the_personal_link(link):
    page = browser("de").get(link).text
    report = page[page.index(reverse("barrier-report")) :].split('"', 1)[0]
    assert report.endswith("?page=/umfrage/")


def test_the_page_follows_the_language_choice(link):
    page = browser("uk").get(link)
    assert page.headers["Content-Language"] == "uk"
    assert '<html lang="uk" dir="ltr">' in page.text
    assert question("took_step").text_uk in page.text
    assert "Нова робота" in page.text
    # the language links lead back to this page
    assert f'href="/sprache/ar/?next={link}"' in page.text
    arabic = browser("ar").get(link)
    assert '<html lang="ar" dir="rtl">' in arabic.text
    assert question("useful").text_ar in arabic.text


def test_without_a_choice_the_page_speaks_the_language_of_the_booking(link):
    page = Client().get(link, HTTP_ACCEPT_LANGUAGE="de-DE,de")
    assert page.headers["Content-Language"] == "uk"  # she booked in Ukrainian
    assert question("took_step").text_uk in page.text


def test_the_page_is_neither_cached_nor_sets_cookies_but_csrf(link):
    page = browser("uk").get(link)
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    assert set(page.cookies) <= {settings.CSRF_COOKIE_NAME}
    assert settings.SESSION_COOKIE_NAME not in page.cookies
    # nothing from other hosts: every address is on the site itself
    addresses = re.findall(r'(?:src|href|action)="([^"]*)"', page.text)
    assert addresses and all(a.startswith(("/", "#")) for a in addresses), addresses


def test_the_scale_has_five_answers_and_its_ends_named(link):
    page = browser("en").get(link).text
    for number in range(1, 6):
        assert f'type="radio" name="useful" value="{number}" id="q-useful-{number}">' in page
    assert '>1 <span class="survey-scale__end">not helpful at all</span>' in page
    assert '>5 <span class="survey-scale__end">very helpful</span>' in page
    assert "1 = not helpful at all" not in page  # the hint is not repeated


def test_conditional_questions_say_what_they_depend_on(link):
    page = browser("en").get(link).text
    assert (
        'data-question="steps" data-condition-question="took_step" data-condition-choice="yes"'
        in page
    )
    assert "neuewege/survey.js" in page


# Answering


def test_answers_are_stored_once_and_the_parent_is_thanked(link, event):
    client = browser("uk")
    response = client.post(link, VALID)
    assert response.status_code == 302
    assert response["Location"] == reverse("survey-thanks") + "?lang=uk"
    assert stored() == (1, 5, 1)
    stored_response = SurveyResponse.objects.get()
    assert stored_response.event == event and stored_response.month == TODAY.replace(day=1)
    answers = {(a.question.code, a.value) for a in Answer.objects.select_related("question")}
    assert answers == {
        ("took_step", "yes"),
        ("steps", "job"),
        ("steps", "childcare"),
        ("useful", 4),
        ("missing", "Mehr Zeit"),
    }
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert thanks.headers["Content-Language"] == "uk"
    assert event.title not in thanks.text and event.family_centre.name not in thanks.text
    assert set(thanks.cookies) <= {settings.CSRF_COOKIE_NAME}
    # the same link again: a friendly page, nothing stored
    again = client.get(link)
    assert again.status_code == 410
    # the same answers sent twice (a double click without scripts): the thank-you page again
    twice = client.post(link, VALID)
    assert twice.status_code == 302 and twice["Location"] == response["Location"]
    assert stored() == (1, 5, 1)


def test_a_used_link_speaks_the_language_of_the_booking(link):
    client = Client()
    assert client.post(link, VALID).status_code == 302
    page = client.get(link, HTTP_ACCEPT_LANGUAGE="de")
    assert page.status_code == 410 and page.headers["Content-Language"] == "uk"
    assert 'name="csrfmiddlewaretoken"' not in page.text  # no form any more


def test_the_thank_you_page_tells_nothing(db):
    page = browser("en").get(reverse("survey-thanks") + "?lang=ar")
    assert page.status_code == 200
    assert page.headers["Content-Language"] == "en"  # the parent's own choice wins
    assert "Thank you!" in page.text
    arabic = Client().get(reverse("survey-thanks") + "?lang=ar")
    assert arabic.headers["Content-Language"] == "ar"
    unknown = Client().get(reverse("survey-thanks") + "?lang=xx", HTTP_ACCEPT_LANGUAGE="de")
    assert unknown.headers["Content-Language"] == "de"


def test_answers_to_hidden_questions_are_dropped(link):
    response = browser("de").post(link, VALID | {"took_step": "no"})
    assert response.status_code == 302
    assert response["Location"] == reverse("survey-thanks") + "?lang=de"
    assert not Answer.objects.filter(question__code="steps").exists()
    assert Answer.objects.get(question__code="took_step").choice == "no"


def test_missing_answers_are_asked_for_at_each_question(link):
    page = browser("en").post(link, {"took_step": "yes", "missing": "Mehr Zeit"})
    assert page.status_code == 200
    assert stored() == (0, 0, 0)
    text = page.text
    assert "<title>Error: " in text
    assert "data-error-summary" in text and "Please correct the following" in text
    # the summary leads to the first answer of each question
    assert 'href="#q-steps-1"' in text and 'href="#q-useful-1"' in text
    assert 'id="q-steps-error"' in text and 'id="q-useful-error"' in text
    assert text.count("Please answer this question.") == 4  # twice in the summary, twice below
    # what was given stays
    assert 'value="yes" id="q-took_step-1" checked' in text
    assert ">Mehr Zeit</textarea>" in text


def test_answers_outside_the_allowed_values_are_refused_at_the_question(link):
    page = browser("en").post(link, VALID | {"useful": "9", "steps": ["job", "lottery"]})
    assert page.status_code == 200
    assert "Please give a whole number from 1 to 5." in page.text
    assert "Please choose from the answers given." in page.text
    assert 'value="job" id="q-steps-5" checked' in page.text  # the valid tick stays
    assert stored() == (0, 0, 0)


def test_a_long_text_is_refused_and_kept(link):
    page = browser("en").post(link, VALID | {"missing": "x" * 2001})
    assert "Please write at most 2000 characters (now 2001)." in page.text
    assert stored() == (0, 0, 0)


# Bad links


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_link_is_friendly_and_stores_nothing(db, method):
    url = reverse("survey-answer", kwargs={"token": "made-up-token-123"})
    page = getattr(browser("en"), method)(url, VALID if method == "post" else None)
    assert page.status_code == 404
    assert "This link does not work" in page.text
    assert "This link is not valid." in page.text
    assert stored() == (0, 0, 0)


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_link_is_friendly_and_stores_nothing(invite, method):
    _invitation, token = invite(
        due_on=TODAY - timedelta(days=50), expires_on=TODAY - timedelta(days=1)
    )
    url = reverse("survey-answer", kwargs={"token": token})
    page = getattr(browser("en"), method)(url, VALID if method == "post" else None)
    assert page.status_code == 410
    assert "The survey has ended" in page.text
    assert stored() == (0, 0, 0)


def test_a_link_of_the_last_day_still_works(invite):
    _invitation, token = invite(due_on=date(2026, 1, 1), expires_on=TODAY)
    url = reverse("survey-answer", kwargs={"token": token})
    assert browser("en").get(url).status_code == 200


def test_answers_from_one_address_are_limited(link):
    client = Client(REMOTE_ADDR="203.0.113.11")
    statuses = [client.post(link, {"useful": "9"}).status_code for _ in range(21)]
    assert statuses[:20] == [200] * 20  # each time the page with its messages
    assert statuses[20] == 429
    assert stored() == (0, 0, 0)
