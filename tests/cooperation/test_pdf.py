"""A version of the Regionen-Check as a PDF to file: read back with pypdf, as the reader sees it."""

import io
import logging
import re
from datetime import date

import pypdf
import pytest
from django.utils import translation

from neuewege.cooperation import services
from neuewege.cooperation.documents import check_pdf
from neuewege.core.access import access_for
from tests.cooperation.pages import check_form, url


@pytest.fixture
def german():
    with translation.override("de"):
        yield


def save(coordinator, wesel, **changes):
    data = {
        "held_on": date(2015, 8, 27),
        "participants": "Jobcenter Kreis Wesel\nJugendamt Kreis Wesel",
        "existing_structures": "Arbeitskreis Frühe Hilfen",
        "expectations": "Mehr Eltern in den Familienzentren erreichen",
        "elements": ["steering_group", "parent_cafe"],
        "offers": ["speaker_training"],
        **changes,
    }
    return services.save_check(access=access_for(coordinator), region=wesel, data=data)


def read(pdf: bytes) -> pypdf.PdfReader:
    assert pdf.startswith(b"%PDF")
    return pypdf.PdfReader(io.BytesIO(pdf))


def text_of(reader: pypdf.PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_holds_the_region_the_date_and_every_answer(german, coordinator, wesel):
    reader = read(check_pdf(save(coordinator, wesel)))
    text = text_of(reader)

    assert "Regionen-Check, Fassung 1 vom 27.08.2015" in text
    assert wesel.name in text
    for answer in (
        "Jobcenter Kreis Wesel",
        "Jugendamt Kreis Wesel",
        "Arbeitskreis Frühe Hilfen",
        "Mehr Eltern in den Familienzentren erreichen",
        "Steuerungsgruppe",  # the labels of the chosen elements and offers
        "Elterncafé",
    ):
        assert answer in text
    assert "Elternkurs" not in text  # an element not chosen
    for heading in ("Datum und Teilnehmende", "1. Regionale", "2. Ziele", "4. Weiteres Vorgehen"):
        assert heading in text
    assert "—" in text  # the questions left open, e.g. the fields of conflict
    assert "Regionen-Check" in reader.metadata.title
    assert wesel.name in reader.metadata.title


def test_the_pdf_is_in_the_active_language(coordinator, wesel):
    check = save(coordinator, wesel)
    with translation.override("en"):
        reader = read(check_pdf(check))

    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "Regionen-Check, version 1 of 08/27/2015" in text_of(reader)
    assert "Neue Wege NRW · Page 1 of" in text_of(reader)


def test_a_long_answer_flows_onto_further_pages_each_numbered(german, coordinator, wesel):
    planning = "\n".join(f"Schritt {number} der Planung" for number in range(1, 201))
    reader = read(check_pdf(save(coordinator, wesel, planning=planning)))

    pages = len(reader.pages)
    assert pages > 1
    for number, page in enumerate(reader.pages, start=1):
        footer = page.extract_text().strip().splitlines()[-1]
        assert footer == f"Neue Wege NRW · Seite {number} von {pages}"
    text = text_of(reader)
    assert "Schritt 1 der Planung" in text
    assert "Schritt 200 der Planung" in text
    assert re.search(r"Schritt 200 der Planung\s+Vereinbarungen", text)  # nothing cut off


def test_the_pdf_fetches_nothing_even_when_answers_name_urls(german, coordinator, wesel, caplog):
    """Answers are text: markup in them is printed, not followed; the document needs nothing
    from outside (a refused fetch would be logged)."""
    markup = '<img src="https://tracker.example/pixel.png"> <link rel="stylesheet" href="/x.css">'
    check = save(coordinator, wesel, conflicts=markup)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        text = text_of(read(check_pdf(check)))

    assert "https://tracker.example/pixel.png" in text
    assert [record.getMessage() for record in caplog.records] == []


def test_the_check_downloads_as_a_pdf(signed_in, wesel):
    import io

    from pypdf import PdfReader

    signed_in.post(url("check-create", wesel), check_form())
    response = signed_in.get(url("check-pdf", wesel, 1))
    assert response["Content-Type"] == "application/pdf"
    assert "regionen-check-05170-1.pdf" in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Arbeitskreis Frühe Hilfen" in text and "27.08.2015" in text
