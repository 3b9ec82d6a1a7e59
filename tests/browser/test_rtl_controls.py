"""In Arabic (right to left) no checkbox or radio button covers its label: the booking consent,
the survey's answers and the filters of the help search, on a phone and on a desktop (and in
German, left to right, on a phone).

KERN draws the control with the input itself (``appearance: none``; its ``::before`` is only
the tick or dot inside that box), so the input's box is the box a parent sees. It is compared
with the boxes of the label's text (a Range over the label's text nodes), not with the label's
element box, whose padding may lie under the control without hiding a letter; and the box is
measured with its focus ring, which a keyboard user sees (KERN spaces the label with a physical
padding-left: right to left the text touched the box, and the ring covered its first letters)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from neuewege.evaluation import invitations
from neuewege.evaluation.models import Questionnaire
from neuewege.evaluation.questionnaires import PARENT_FOLLOW_UP
from neuewege.events.models import ConsentText, Registration
from tests.factories import InstitutionFactory, make_event, region
from tests.navigator.conftest import make_offer

from .conftest import PHONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

DESKTOP = {"width": 1280, "height": 800}

# Every visible checkbox and radio button whose box — focused, with its focus ring — overlaps the
# boxes of its label's text.
COVERED_LABELS = """() => {
  const covered = [];
  let controls = 0;
  for (const input of document.querySelectorAll("input[type=checkbox], input[type=radio]")) {
    if (!input.getBoundingClientRect().width) continue;  // not shown (a question not asked)
    controls += 1;
    const label = input.labels && input.labels[0];
    if (!label) { covered.push(`${input.id}: no label`); continue; }
    input.focus({focusVisible: true});
    const style = getComputedStyle(input);
    const ring = style.outlineStyle === "none" ? 0
      : parseFloat(style.outlineWidth) + Math.max(parseFloat(style.outlineOffset), 0);
    const rect = input.getBoundingClientRect();
    const box = {left: rect.left - ring, right: rect.right + ring,
                 top: rect.top - ring, bottom: rect.bottom + ring};
    input.blur();
    const texts = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
    let letters = 0;
    while (texts.nextNode()) {
      if (!texts.currentNode.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(texts.currentNode);
      for (const text of range.getClientRects()) {
        if (!text.width || !text.height) continue;
        letters += 1;
        const across = Math.min(box.right, text.right) - Math.max(box.left, text.left);
        const down = Math.min(box.bottom, text.bottom) - Math.max(box.top, text.top);
        if (across > 0.5 && down > 0.5) {
          covered.push(`${input.id}: box and focus ring ${Math.round(box.left)}–`
            + `${Math.round(box.right)} × ${Math.round(box.top)}–${Math.round(box.bottom)} cover`
            + ` "${texts.currentNode.textContent.trim().slice(0, 20)}" at ${Math.round(text.left)}–`
            + `${Math.round(text.right)} × ${Math.round(text.top)}–${Math.round(text.bottom)}`);
        }
      }
    }
    if (!letters) covered.push(`${input.id}: label without visible text`);
  }
  return {controls, covered};
}"""


@pytest.fixture
def pages():
    """The booking form of an event, a parent's survey in Arabic and the help search."""
    wesel = region("05170")
    centre = InstitutionFactory(
        region=wesel, name="Familienzentrum Regenbogen", postcode="46483", town="Wesel"
    )
    cafe = make_event(centre, title="Elterncafé am Dienstag", capacity=12)
    held = make_event(centre, starts=timezone.now() - timedelta(weeks=8), status="held")
    registration = Registration.objects.create(
        event=held,
        session=held.sessions.get(),
        status=Registration.Status.CONFIRMED,
        source=Registration.Source.ONLINE,
        first_name="Amal",
        email="amal@example.org",
        language="ar",
        consent=ConsentText.objects.filter(purpose="booking").order_by("-version").first(),
        consented_at=timezone.now(),
        survey_consent=ConsentText.objects.filter(purpose="survey").order_by("-version").first(),
        survey_consented_at=timezone.now(),
    )
    today = timezone.localdate()
    invitation = invitations.invite(
        questionnaire=Questionnaire.objects.current(PARENT_FOLLOW_UP),
        registration=registration,
        event=held,
        month=today,
        due_on=today,
        expires_on=today + timedelta(days=42),
    )
    make_offer(wesel, "Schuldnerberatung Wesel", languages=("de", "ar"), step_free=True)
    return {
        "booking": f"/veranstaltungen/{cafe.pk}/anmelden/?session={cafe.sessions.get().pk}",
        "survey": f"/umfrage/{invitations.token_for(invitation)}/",
        # the filters are open when one of them is set
        "help search": "/hilfe/?bedarf=money&plz=46483&radius=20&sprache=ar",
    }


def covered_labels(page):
    result = page.evaluate(COVERED_LABELS)
    assert result["controls"] > 0, f"{page.url}: no checkbox or radio button shown"
    return result["covered"]


@pytest.mark.parametrize(
    ("locale", "viewport"),
    [("ar", PHONE), ("ar", DESKTOP), ("de-DE", PHONE)],  # German: left to right still right
    ids=["ar-phone", "ar-desktop", "de-phone"],
)
def test_no_control_covers_its_label(browser, live_server, pages, locale, viewport):
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport=viewport, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(10000)
    direction = "rtl" if locale == "ar" else "ltr"
    try:
        for name, url in pages.items():
            page.goto(url)
            if name != "survey":  # the survey speaks the language of the booking: Arabic
                assert page.locator("html").get_attribute("dir") == direction, name
            assert covered_labels(page) == [], name
            # ticked, the box draws its tick: still clear of the text
            page.evaluate(
                "document.querySelectorAll('input[type=checkbox], input[type=radio]')"
                ".forEach(input => { input.checked = true; })"
            )
            assert covered_labels(page) == [], f"{name}, ticked"
    finally:
        context.close()
