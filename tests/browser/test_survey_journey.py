"""A mother who booked in Ukrainian opens her survey link on a phone (whose browser speaks
German), forgets a question, is led to it, answers partly with the keyboard only, and sees the
thank-you page. The page follows the language of her booking; axe-core finds no violations on
the questions, on the page with errors and on the thank-you page.

Texts are asserted through the questionnaire's Ukrainian texts in the database and the pages'
structure, so the test holds before and after the interface's translations are merged."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from neuewege.evaluation import invitations
from neuewege.evaluation.models import Answer, Question, Questionnaire, SurveyResponse
from neuewege.evaluation.questionnaires import PARENT_FOLLOW_UP
from neuewege.events.models import ConsentText, Registration
from tests.factories import InstitutionFactory, make_event, region

from .conftest import assert_accessible, fits_the_screen

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def phone(open_phone):
    """A phone whose browser asks for German pages."""
    return open_phone("de-DE")


@pytest.fixture
def link():
    """The personal link of a parent who booked a parent café in Ukrainian and came."""
    centre = InstitutionFactory(region=region("05170"), name="Familienzentrum Regenbogen")
    today = timezone.localdate()
    event = make_event(
        centre,
        starts=timezone.now() - timedelta(weeks=8, days=2),
        status="held",
        title="Elterncafé am Dienstag",
    )
    event.title_uk = "Батьківське кафе у вівторок"
    event.save()
    registration = Registration.objects.create(
        event=event,
        session=event.sessions.get(),
        status=Registration.Status.CONFIRMED,
        source=Registration.Source.ONLINE,
        first_name="Olena",
        email="olena@example.org",
        language="uk",
        consent=ConsentText.objects.filter(purpose="booking").order_by("-version").first(),
        consented_at=timezone.now(),
        survey_consent=ConsentText.objects.filter(purpose="survey").order_by("-version").first(),
        survey_consented_at=timezone.now(),
    )
    invitation = invitations.invite(
        questionnaire=Questionnaire.objects.current(PARENT_FOLLOW_UP),
        registration=registration,
        event=event,
        month=today,
        due_on=today,
        expires_on=today + timedelta(days=42),
    )
    return f"/umfrage/{invitations.token_for(invitation)}/"


def text_of(code):
    return Question.objects.get(questionnaire__code=PARENT_FOLLOW_UP, code=code).text_uk


def test_a_parent_answers_the_survey_on_a_phone_in_ukrainian(phone, link):
    page = phone
    page.goto(link)
    html = page.locator("html")
    assert html.get_attribute("lang") == "uk" and html.get_attribute("dir") == "ltr"
    title = Questionnaire.objects.current(PARENT_FOLLOW_UP).title_uk
    assert page.get_by_role("heading", level=1).inner_text() == title
    expect(page.get_by_text("Батьківське кафе у вівторок", exact=False)).to_be_visible()
    expect(page.get_by_role("group", name=text_of("took_step"))).to_be_visible()
    steps = page.locator("#question-steps")
    assert steps.is_hidden()  # asked only after a "yes"
    expect(page.get_by_role("group", name=text_of("useful"))).to_be_visible()
    expect(page.get_by_label(text_of("missing"), exact=False)).to_be_visible()
    assert page.locator("#q-useful-5").is_visible()  # the whole scale fits
    assert fits_the_screen(page)
    assert_accessible(page)

    # sending without answers: the summary gets the focus and leads to each question
    page.locator("form[data-survey] button[type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("#q-took_step-error")).to_be_visible()
    expect(page.locator("#q-useful-error")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "uk"
    assert fits_the_screen(page)
    assert_accessible(page)
    assert not SurveyResponse.objects.exists()

    # keyboard only: from the summary to the first question, "yes", then the steps
    summary.get_by_role("link", name=text_of("took_step"), exact=False).focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "q-took_step-1"
    page.keyboard.press("Space")
    assert page.locator("#q-took_step-1").is_checked()
    assert steps.is_visible()  # the question that depends on the "yes" appears
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q-steps-1"
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert page.locator("#q-steps-2").is_checked()
    assert_accessible(page)

    # a tap for the scale, then send
    page.locator("label[for=q-useful-4]").tap()
    page.get_by_label(text_of("missing"), exact=False).fill("Більше часу для розмов")
    page.locator("form[data-survey] button[type=submit]").click()
    page.wait_for_url("**/umfrage/danke/**")
    assert page.locator("html").get_attribute("lang") == "uk"
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "Батьківське кафе" not in page.content()  # the thank-you page tells nothing
    assert fits_the_screen(page)
    assert_accessible(page)

    response = SurveyResponse.objects.get()
    answers = {(a.question.code, a.value) for a in response.answers.select_related("question")}
    assert answers == {
        ("took_step", "yes"),
        ("steps", "application"),
        ("useful", 4),
        ("missing", "Більше часу для розмов"),
    }
    assert Answer.objects.count() == 4

    # the link again: a friendly page, nothing more stored
    page.goto(link)
    assert page.locator("form[data-survey]").count() == 0
    assert page.locator("html").get_attribute("lang") == "uk"
    assert_accessible(page)
    assert SurveyResponse.objects.count() == 1
