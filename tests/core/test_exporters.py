"""The exporter framework (core/exporters.py, core/documents.py): every registered exporter's
files read back through the one download route, the personal-data log written once by that
route, refusals that log nothing, unknown exporters and formats."""

import csv
import io
import json
import re
from datetime import date, timedelta
from xml.etree import ElementTree

import docx
import pypdf
import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar
from openpyxl import load_workbook

from neuewege.cooperation import services as cooperation_services
from neuewege.core import exporters
from neuewege.core.access import access_for
from neuewege.core.models import PersonalDataLog, User
from neuewege.events import calendars
from neuewege.events import services as event_services
from tests.factories import UserFactory, make_event


@pytest.fixture
def world(wesel, family_centre, staff, coordinator, state_user, booking_for):
    event = make_event(family_centre, starts=timezone.now() + timedelta(days=3), title="Café")
    registration, _token = event_services.book(
        event_id=event.pk,
        session_id=event.sessions.get().pk,
        booking=booking_for(email="olena@example.org", first_name="Olena"),
    )
    cooperation_services.save_check(
        access=access_for(coordinator),
        region=wesel,
        data={"held_on": date(2015, 8, 27), "participants": "Jobcenter Kreis Wesel"},
    )
    _feed, secret = calendars.create_feed(
        access=access_for(staff), person=None, institution=family_centre
    )
    return {
        "event": event,
        "registration": registration,
        "secret": secret,
        "users": {"staff": staff, "coordinator": coordinator, "state": state_user},
    }


def cases(world, wesel):
    """Per exporter and format: who downloads it, and the parameters."""
    event, session = world["event"], world["event"].sessions.get()
    region = {"region_key": wesel.key}
    return [
        ("event-registrations", "csv", "staff", {"pk": event.pk}),
        ("event-registrations", "xlsx", "coordinator", {"pk": event.pk}),
        ("event-calendar", "ics", None, {"pk": event.pk}),
        ("session-calendar", "ics", None, {"pk": session.pk}),
        ("calendar-feed", "ics", None, {"token": world["secret"]}),
        ("state-overview", "xlsx", "state", {"sort": "-events"}),
        ("region-check", "pdf", "coordinator", region | {"version": 1}),
        ("results-region", "csv", "coordinator", region | {"table": "summary"}),
        ("results-region", "xlsx", "state", region | {"table": "events"}),
        ("results-free-texts", "xlsx", "coordinator", region),
        ("results-free-texts", "csv", "staff", region),
        ("results-report", "pdf", "coordinator", region),
        ("results-state", "csv", "state", {"table": "regions"}),
        ("results-state", "xlsx", "state", {"table": "summary"}),
        ("parent-data", "json", "coordinator", region | {"email": "olena@example.org"}),
        ("parent-data", "pdf", "coordinator", region | {"email": "olena@example.org"}),
    ]


def export_url(name, fmt):
    return reverse("export", kwargs={"name": name, "fmt": fmt})


def fetch(client, world, name, fmt, user, params):
    if user is not None:
        client.force_login(world["users"][user])
    if name == "parent-data":  # a parent's contact goes in a form, never in an address
        return client.post(export_url(name, fmt), params)
    return client.get(export_url(name, fmt), params)


def read_back(fmt, content):
    """The file opened as its reader opens it; returns its text."""
    if fmt == "csv":
        assert content.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
        assert rows and rows[0]
        return " ".join(" ".join(row) for row in rows)
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows and all(isinstance(cell, str) for cell in rows[0])
        return " ".join(str(cell) for row in rows for cell in row if cell is not None)
    if fmt == "pdf":
        reader = pypdf.PdfReader(io.BytesIO(content))
        assert_pdf_a_and_ua(reader)
        assert reader.metadata.title
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert re.search(r"Neue Wege NRW .*Seite 1 von \d+", text)  # the base template's footer
        return text
    if fmt == "docx":
        document = docx.Document(io.BytesIO(content))
        assert document.core_properties.title
        texts = [paragraph.text for paragraph in document.paragraphs]
        texts += [
            cell.text for table in document.tables for row in table.rows for cell in row.cells
        ]
        assert not any("{{" in text or "{%" in text for text in texts)  # every tag filled in
        return "\n".join(texts)
    if fmt == "ics":
        calendar = Calendar.from_ical(content)
        assert calendar.walk("VEVENT")
        return content.decode()
    if fmt == "json":
        return json.dumps(json.loads(content), ensure_ascii=False)
    raise AssertionError(fmt)


XMP = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def xmp_values(rdf, name):
    """A property of the XMP packet, written as an attribute or as an element."""
    prefix, local = name.split(":")
    key = f"{{{XMP[prefix]}}}{local}"
    for description in rdf.iterfind("rdf:Description", XMP):
        if key in description.attrib:
            yield description.attrib[key]
        for element in description.iterfind(name, XMP):
            yield "".join(element.itertext())


def structure_elements(node):
    node = node.get_object()
    if isinstance(node, pypdf.generic.ArrayObject):
        for child in node:
            yield from structure_elements(child)
    elif isinstance(node, pypdf.generic.DictionaryObject) and node.get("/Type") == "/StructElem":
        yield node
        if "/K" in node:
            yield from structure_elements(node["/K"])


def assert_pdf_a_and_ua(reader):
    """PDF/A-2b and PDF/UA-1 as far as a reader can tell: the identification of both in one
    well-formed XMP packet (with the extension schema PDF/A-2 asks for pdfuaid), tags, the
    document's language and title, and alternative text on every figure."""
    root = reader.trailer["/Root"]
    packet = root["/Metadata"].get_object().get_data().decode()
    xmpmeta = re.search(r"<x:xmpmeta.*</x:xmpmeta>", packet, re.S)[0]
    xmpmeta = ElementTree.fromstring(xmpmeta)  # noqa: S314 - our own file
    (rdf,) = xmpmeta.findall("rdf:RDF", XMP)
    assert list(xmp_values(rdf, "pdfaid:part")) == ["2"]
    assert list(xmp_values(rdf, "pdfaid:conformance")) == ["B"]
    assert list(xmp_values(rdf, "pdfuaid:part")) == ["1"]
    assert any(xmp_values(rdf, "dc:title"))
    schemas = rdf.findall(".//pdfaExtension:schemas/rdf:Bag/rdf:li", XMP)
    declared = {
        schema.findtext("pdfaSchema:prefix", namespaces=XMP): (
            schema.findtext("pdfaSchema:namespaceURI", namespaces=XMP),
            [
                prop.findtext("pdfaProperty:name", namespaces=XMP)
                for prop in schema.findall("pdfaSchema:property/rdf:Seq/rdf:li", XMP)
            ],
        )
        for schema in schemas
    }
    assert declared["pdfuaid"] == (XMP["pdfuaid"], ["part"])
    assert reader.pdf_header == "%PDF-1.7"
    assert root["/MarkInfo"]["/Marked"]  # tagged for screen readers
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]  # the title, not the file name
    assert re.fullmatch(r"[a-z]{2}(-[A-Za-z]+)?", root["/Lang"])
    elements = list(structure_elements(root["/StructTreeRoot"]["/K"]))
    assert elements and elements[0]["/S"] == "/Document"
    assert all("/Alt" in element for element in elements if element["/S"] == "/Figure")
    for page in reader.pages:
        assert page["/Tabs"] == "/S"  # tab order by structure
    return elements


def test_every_registered_exporter_and_format_is_read_back(client, world, wesel):
    covered = set()
    for name, fmt, user, params in cases(world, wesel):
        client.logout()
        response = fetch(client, world, name, fmt, user, params)
        assert response.status_code == 200, (name, fmt, response.content[:200])
        assert response["Content-Type"].split(";")[0] in exporters.CONTENT_TYPES[fmt]
        assert response["Content-Disposition"].endswith(f'.{fmt}"')
        read_back(fmt, response.content)
        covered.add((name, fmt))
    declared = {(name, fmt) for name, e in exporters.EXPORTERS.items() for fmt in e.formats}
    assert declared == covered, "a new exporter or format: add it to cases()"


def test_personal_data_is_logged_once_by_the_route(client, world, wesel):
    event = world["event"]
    client.force_login(world["users"]["staff"])
    response = client.get(export_url("event-registrations", "csv"), {"pk": event.pk})
    assert "Olena" in read_back("csv", response.content)
    log = PersonalDataLog.objects.get()
    assert (log.action, log.record, log.region_id) == (
        PersonalDataLog.Action.EXPORT,
        f"events.ParentEvent:{event.pk}",
        wesel.pk,
    )
    assert log.user == world["users"]["staff"] and "CSV" in log.purpose
    # the old address is an alias of the same route: one more record, not two
    client.get(reverse("event-export", args=[event.pk, "xlsx"]))
    assert PersonalDataLog.objects.count() == 2


def test_exporters_without_personal_data_log_nothing(client, world, wesel):
    for name, fmt, user, params in cases(world, wesel):
        if not exporters.EXPORTERS[name].has_personal_data:
            client.logout()
            assert fetch(client, world, name, fmt, user, params).status_code == 200
    assert not PersonalDataLog.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("viewer", 403), ("state", 403), ("outsider", 404), ("anonymous", 302)],
)
def test_a_download_without_the_permission_is_refused_and_logs_nothing(
    client, world, wesel, borken, role, status
):
    users = {
        "viewer": UserFactory(role=User.Role.VIEWER, regions=[wesel]),
        "state": world["users"]["state"],
        "outsider": UserFactory(role=User.Role.COORDINATOR, regions=[borken]),
    }
    if role in users:
        client.force_login(users[role])
    event = world["event"]
    response = client.get(export_url("event-registrations", "xlsx"), {"pk": event.pk})
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/login/")
    response = client.post(
        export_url("parent-data", "json"), {"region_key": wesel.key, "email": "olena@example.org"}
    )
    assert response.status_code == status
    assert not PersonalDataLog.objects.exists()


def test_unknown_exporters_formats_and_records_are_404(client, world, coordinator):
    client.force_login(coordinator)
    event = world["event"]
    assert client.get(export_url("no-such-exporter", "csv")).status_code == 404
    assert client.get(export_url("event-registrations", "pdf"), {"pk": event.pk}).status_code == 404
    assert client.get(export_url("event-registrations", "csv"), {"pk": "x"}).status_code == 404
    assert client.get(export_url("event-registrations", "csv"), {"pk": 2**70}).status_code == 404
    assert client.get(export_url("region-check", "pdf"), {"region_key": "05170"}).status_code == 404
    assert not PersonalDataLog.objects.exists()


def test_parameters_that_make_no_sense_are_400_with_the_reason(client, world, wesel, coordinator):
    client.force_login(coordinator)
    response = client.get(
        export_url("results-region", "csv"),
        {"region_key": wesel.key, "table": "summary", "period": "1999"},
    )
    assert response.status_code == 400
    assert response.content  # the form's message
    response = client.post(export_url("parent-data", "pdf"), {"region_key": wesel.key})
    assert response.status_code == 400
    assert not PersonalDataLog.objects.exists()


def test_the_parent_copy_logs_each_row_it_holds(client, world, wesel, coordinator):
    client.force_login(coordinator)
    params = {"region_key": wesel.key, "email": "olena@example.org"}
    # a parent's contact never goes in an address
    assert client.get(export_url("parent-data", "json"), params).status_code == 405
    assert not PersonalDataLog.objects.exists()
    response = client.post(export_url("parent-data", "json"), params)
    assert "olena@example.org" in read_back("json", response.content)
    (log,) = PersonalDataLog.objects.all()
    assert log.record == f"events.Registration:{world['registration'].pk}"
    assert log.action == PersonalDataLog.Action.EXPORT


def test_a_formula_stays_text_in_every_table_writer():
    from neuewege.core.documents import table

    for fmt in ("csv", "xlsx"):
        content = table(["Name"], [['=HYPERLINK("x")'], ["+1"]], fmt, title="T")
        if fmt == "csv":
            rows = content.decode("utf-8-sig").splitlines()
            assert rows[1:] == ['"\'=HYPERLINK(""x"")"', "'+1"]
        else:
            sheet = load_workbook(io.BytesIO(content)).active
            assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=2) for cell in row)


def test_an_exporter_is_declared_once_with_known_formats():
    declared = exporters.EXPORTERS["state-overview"]
    exporters.register(declared)  # the same declaration again (a second ready()): fine
    with pytest.raises(ValueError, match="twice"):
        exporters.register(
            exporters.Exporter(
                name="state-overview",
                label="x",
                formats=("xlsx",),
                find=declared.find,
                allowed=declared.allowed,
                produce=declared.produce,
            )
        )
    with pytest.raises(ValueError, match="unknown formats"):
        exporters.register(
            exporters.Exporter(
                name="x",
                label="x",
                formats=("odt",),
                find=declared.find,
                allowed=declared.allowed,
                produce=declared.produce,
            )
        )


def test_a_pdf_is_pdf_a_and_pdf_ua_with_its_figures_described():
    from neuewege.core.documents import html_pdf

    with translation.override("de"):
        html = render_to_string("core/pdf_base.html", {"LANGUAGE_CODE": "de"})
    html = html.replace(
        "</body>",
        '<h1>Bericht</h1><svg xmlns="http://www.w3.org/2000/svg" width="20mm" height="4mm">'
        '<title>58 von 100</title><rect width="58" height="4"/></svg></body>',
    )
    reader = pypdf.PdfReader(io.BytesIO(html_pdf(html)))
    elements = assert_pdf_a_and_ua(reader)
    assert reader.trailer["/Root"]["/Lang"] == "de"
    figures = [element for element in elements if element["/S"] == "/Figure"]
    assert [figure["/Alt"] for figure in figures] == ["58 von 100"]
    assert "/H1" in [element["/S"] for element in elements]


def test_the_docx_writer_fills_a_word_template_read_back_with_python_docx():
    """No exporter writes DOCX yet (agreements will): the writer itself, with the plain
    template core/document.docx."""
    from neuewege.core.documents import CONTENT_TYPES, render_docx

    with translation.override("de"):
        content = render_docx(
            "core/document.docx",
            {
                "title": "Kooperationsvereinbarung <Wesel & Borken>",
                "subtitle_lines": ["Kreis Wesel", "Stand: 1. März 2026"],
                "facts": [
                    {"label": "Jobcenter", "value": "Jobcenter Kreis Wesel"},
                    {"label": "Jugendamt", "value": '=HYPERLINK("x") & <b>'},
                ],
                "sections": [
                    {"heading": "§ 1 Ziel", "paragraphs": ["Eltern erreichen.", "Gemeinsam."]},
                    {"heading": "§ 2 Laufzeit", "paragraphs": ["Zwei Jahre."]},
                ],
                "footer": "Entwurf",
            },
        )
    assert CONTENT_TYPES["docx"].endswith("wordprocessingml.document")
    text = read_back("docx", content)
    document = docx.Document(io.BytesIO(content))
    styled = [(paragraph.style.name, paragraph.text) for paragraph in document.paragraphs]
    assert styled == [
        ("Title", "Kooperationsvereinbarung <Wesel & Borken>"),  # escaped, shown as it is
        ("Subtitle", "Kreis Wesel"),
        ("Subtitle", "Stand: 1. März 2026"),
        ("Heading 1", "§ 1 Ziel"),
        ("Normal", "Eltern erreichen."),
        ("Normal", "Gemeinsam."),
        ("Heading 1", "§ 2 Laufzeit"),
        ("Normal", "Zwei Jahre."),
    ]
    (facts,) = document.tables
    assert [[cell.text for cell in row.cells] for row in facts.rows] == [
        ["Jobcenter", "Jobcenter Kreis Wesel"],
        ["Jugendamt", '=HYPERLINK("x") & <b>'],
    ]
    assert document.sections[0].footer.paragraphs[0].text == "Neue Wege NRW · Entwurf"
    assert document.core_properties.title == "Kooperationsvereinbarung <Wesel & Borken>"
    assert document.core_properties.language == "de"
    assert "Wesel" in text


def test_a_docx_without_facts_or_sections_has_no_empty_table():
    from neuewege.core.documents import render_docx

    content = render_docx("core/document.docx", {"title": "Leer"})
    document = docx.Document(io.BytesIO(content))
    assert not document.tables
    assert [paragraph.text for paragraph in document.paragraphs] == ["Leer"]


def test_an_unknown_docx_template_is_an_error():
    from django.template import TemplateDoesNotExist

    from neuewege.core.documents import render_docx

    with pytest.raises(TemplateDoesNotExist):
        render_docx("core/no-such-template.docx", {})
