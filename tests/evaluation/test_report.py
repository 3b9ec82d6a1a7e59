"""The regional report as PDF, read back with pypdf as the reader sees it: the region, the
figures, the withheld "< 5", the programme's result quoted, the method note; aggregates only."""

import io

import pypdf
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from neuewege.evaluation import results
from neuewege.evaluation.documents import bars, report_pdf
from neuewege.evaluation.results import Filters
from tests.evaluation.test_results import NOW, PERIOD, build_results_world


@pytest.fixture
def results_world(wesel, borken, family_centre):
    return build_results_world(wesel, borken, family_centre)


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def wesel_results(results_world):
    filters = Filters(period=PERIOD, region=results_world["wesel"])
    return results.Results(filters, results.compute(filters, now=NOW))


def test_the_report_holds_the_region_figures_benchmark_and_method(wesel_results):
    with translation.override("en"):
        text = flat(text_of(report_pdf(wesel_results)))
    assert "Kreis Wesel" in text
    assert "Q1 2026" in text
    assert "Results of the events and the follow-up survey" in text
    # the summary and the tables
    assert (
        "In this period 3 events with 8 sessions were held; 7 of 10 registered parents attended."
        in text
    )
    assert "(9 responses), 89 % took a concrete step" in text
    assert "Events and parents by format" in text and "Follow-up survey by format" in text
    assert "Trend by month" in text and "January 2026" in text
    assert "89 %" in text and "< 5" in text
    # the programme's result, quoted as the seed says it
    assert "(Elternkurs 100%, Elterncafé 90%)" in text
    assert "Fast alle Teilnehmer/innen haben nach der Veranstaltung konkrete berufliche" in text
    assert "Resümee der Veranstaltungen" in text
    # the method note: who was asked and the response rate
    assert "10 invitations were sent and 9 responses came back: a response rate of 90 %" in text
    assert "fewer than 5 responses is not shown" in text
    assert "nor one that differs from a wider selection" in text
    # aggregates only: no free text
    assert "Kinderbetreuung war super" not in text and "Mehr Termine" not in text


def test_the_report_speaks_german(wesel_results):
    with translation.override("de"):
        text = flat(text_of(report_pdf(wesel_results)))
    assert "Kreis Wesel" in text and "(Elternkurs 100%, Elterncafé 90%)" in text


def test_a_small_selection_withholds_its_survey_figures(results_world):
    filters = Filters(period=PERIOD, region=results_world["wesel"], format="parent_course")
    figures = results.Results(filters, results.compute(filters, now=NOW))
    with translation.override("en"):
        text = flat(text_of(report_pdf(figures)))
    assert "The follow-up survey's figures are not shown: fewer than 5 parents answered" in text
    assert "4 invitations were sent; the number of responses is not shown" in text
    assert "Elternkurs „Neue Wege“" in text


def test_the_bars_are_drawn_from_the_tables(wesel_results):
    chart = bars(wesel_results.survey(), "took_step", benchmark=results.BENCHMARK)
    assert [(row["text"], row["length"], row["benchmark"]) for row in chart["rows"]] == [
        ("< 5", 0.0, 90),  # five, but all formats hold four more
        ("–", 0.0, None),  # no information session, so no invitation
        ("< 5", 0.0, 100),
    ]
    events = bars(wesel_results.events(), "events")
    assert [row["length"] for row in events["rows"]] == [100.0, 0.0, 50.0]


def test_the_report_is_downloaded_by_the_region_and_the_state(client, state_user, results_world):
    client.force_login(state_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("results-region-report", args=["05170"])
    response = client.get(url, {"period": "2026-Q1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "neue-wege-bericht-05170-2026-Q1.pdf" in response["Content-Disposition"]
    text = flat(text_of(response.content))
    assert "Kreis Wesel" in text and "Mehr Termine" not in text
    assert client.get(url, {"period": "2026-13"}).status_code == 400
