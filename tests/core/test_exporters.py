"""The exporter framework (core/exporters.py, core/documents.py, neuewege/api/exports.py): every
registered exporter's files read back through the one download route, the personal-data log
written once by that route, refusals that log nothing, unknown exporters and formats; the same
through the API's route; long exports made in the background for their account alone; the
writers (PDF/A-2b with PDF/UA-1, DOCX)."""

import csv
import dataclasses
import io
import json
import re
import zipfile
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
from neuewege.core.access import UnknownPermission, access_for
from neuewege.core.models import ExportFile, PersonalDataLog, User
from neuewege.core.privacy import purge_personal_data
from neuewege.core.tasks import make_export
from neuewege.events import calendars
from neuewege.events.services.booking import book
from tests.agreements.test_documents import centre_agreement
from tests.api.test_api import token_header
from tests.exports import fetched
from tests.factories import UserFactory, make_event, make_registrant, make_training


@pytest.fixture
def world(wesel, family_centre, staff, coordinator, state_user, booking_for):
    event = make_event(family_centre, starts=timezone.now() + timedelta(days=3), title="Café")
    registration, _token = book(
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
    training = make_training(wesel, sessions=1, start=timezone.now() - timedelta(days=3))
    attendee = make_registrant(
        training, family_centre, session=training.sessions.get(), attended=True
    )
    agreement = centre_agreement(coordinator, wesel, "Exporte")
    return {
        "event": event,
        "training": training,
        "attendee": attendee,
        "registration": registration,
        "secret": secret,
        "agreement": agreement,
        "users": {"staff": staff, "coordinator": coordinator, "state": state_user},
    }


def cases(world, wesel):
    """Per exporter and format: who downloads it, and the parameters."""
    event, session = world["event"], world["event"].sessions.get()
    region = {"region_key": wesel.key}
    agreement_version = world["agreement"].versions.get()
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
        ("training-overview", "csv", "staff", region),
        ("training-overview", "xlsx", "coordinator", region | {"table": "speakers"}),
        ("training-state-overview", "csv", "state", {}),
        ("training-state-overview", "xlsx", "state", {"table": "coverage"}),
        ("training-certificate", "pdf", "coordinator", {"pk": world["attendee"].pk}),
        ("training-certificates", "pdf", "coordinator", {"pk": world["training"].pk}),
        ("training-institution-list", "pdf", "coordinator", {"pk": world["training"].pk}),
        ("training-institution-list", "xlsx", "state", {"pk": world["training"].pk}),
        ("agreement-version", "pdf", "staff", {"version": agreement_version.pk}),
        ("agreement-version", "docx", "state", {"version": agreement_version.pk}),
        ("agreements-batch", "zip", "coordinator", region),
        ("centre-evidence", "pdf", "staff", {"institution": world["attendee"].institution_id}),
        ("centre-evidence", "zip", "state", {"institution": world["attendee"].institution_id}),
        ("childcare-sheet", "pdf", "staff", region | {"postcode": "46483", "language": "de"}),
        (
            "centre-brochure",
            "pdf",
            "staff",
            {"institution": world["attendee"].institution_id, "radius": "5", "size": "A5"},
        ),
        ("hsds-datapackage", "zip", "staff", region),
        ("hsds-datapackage-state", "zip", "state", {}),
    ]


def export_url(name, fmt):
    return reverse("export", kwargs={"name": name, "fmt": fmt})


def fetch(client, world, name, fmt, user, params):
    if user is not None:
        client.force_login(world["users"][user])
    if name == "parent-data":  # a parent's contact goes in a form, never in an address
        return client.post(export_url(name, fmt), params)
    return fetched(client, client.get(export_url(name, fmt), params))  # long ones: when made


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
    if fmt == "zip":  # files of one format inside
        archive = zipfile.ZipFile(io.BytesIO(content))
        assert archive.testzip() is None and archive.namelist()
        if "datapackage.json" in archive.namelist():  # a tabular datapackage: plain CSV
            descriptor = json.loads(archive.read("datapackage.json"))
            return "\n".join(
                " ".join(" ".join(row) for row in csv.reader(io.StringIO(text)))
                for resource in descriptor["resources"]
                for text in [archive.read(resource["path"]).decode("utf-8")]
            )
        return "\n".join(
            read_back(name.rsplit(".", 1)[-1], archive.read(name)) for name in archive.namelist()
        )
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
    refused = [
        (ValueError, "twice", {"label": "x", "formats": ("xlsx",)}),
        (ValueError, "unknown formats", {"name": "x", "formats": ("odt",)}),
        (
            UnknownPermission,
            r"core\.state_figurs",
            {"name": "y", "permission": "core.state_figurs"},
        ),
    ]
    for error, message, change in refused:
        with pytest.raises(error, match=message):
            exporters.register(dataclasses.replace(declared, **change))
    assert "x" not in exporters.EXPORTERS and "y" not in exporters.EXPORTERS


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


# The API's route: the same steps, the same log


def api_url(name, fmt):
    return f"/api/v1/exports/{name}.{fmt}"


def test_the_api_serves_a_personal_data_export_and_logs_it_once(client, world, wesel):
    event = world["event"]
    headers = token_header(world["users"]["staff"])
    response = client.get(api_url("event-registrations", "xlsx"), {"pk": event.pk}, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == exporters.CONTENT_TYPES["xlsx"]
    assert response["Content-Disposition"] == f'attachment; filename="anmeldungen-{event.pk}.xlsx"'
    assert response["Cache-Control"] == "no-store"
    assert "Olena" in read_back("xlsx", response.content)
    log = PersonalDataLog.objects.get()
    assert (log.action, log.record, log.region_id, log.user) == (
        PersonalDataLog.Action.EXPORT,
        f"events.ParentEvent:{event.pk}",
        wesel.pk,
        world["users"]["staff"],
    )
    assert "XLSX" in log.purpose


@pytest.mark.parametrize(
    ("role", "status"),
    [("viewer", 403), ("state", 403), ("outsider", 404), ("anonymous", 401), ("wrong", 401)],
)
def test_a_refused_api_export_answers_a_problem_and_logs_nothing(
    client, world, wesel, borken, role, status
):
    users = {
        "viewer": UserFactory(role=User.Role.VIEWER, regions=[wesel]),
        "state": world["users"]["state"],
        "outsider": UserFactory(role=User.Role.COORDINATOR, regions=[borken]),
    }
    headers = token_header(users[role]) if role in users else {}
    if role == "wrong":
        headers = {"HTTP_AUTHORIZATION": "Bearer nw_wrong"}
    event = world["event"]
    response = client.get(api_url("event-registrations", "csv"), {"pk": event.pk}, **headers)
    assert response.status_code == status
    problem = response.json()
    assert problem["detail"] and "errors" in problem
    response = client.post(
        api_url("parent-data", "json"),
        {"params": {"region_key": wesel.key, "email": "olena@example.org"}},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == status
    assert not PersonalDataLog.objects.exists()


def test_the_api_answers_unknown_exporters_formats_and_nonsense_as_the_web_does(
    client, world, wesel, coordinator
):
    headers = token_header(coordinator)
    event = world["event"]
    assert client.get(api_url("no-such-exporter", "csv"), **headers).status_code == 404
    response = client.get(api_url("event-registrations", "pdf"), {"pk": event.pk}, **headers)
    assert response.status_code == 404  # a format the exporter does not have
    assert client.get(api_url("event-registrations", "odt"), **headers).status_code == 422
    assert (
        client.get(api_url("event-registrations", "csv"), {"pk": "x"}, **headers).status_code == 404
    )
    response = client.get(
        api_url("results-region", "csv"),
        {"region_key": wesel.key, "table": "summary", "period": "1999"},
        **headers,
    )
    assert response.status_code == 400 and response.json()["detail"]
    response = client.get(api_url("results-region", "csv"), {"Region-Key": "x"}, **headers)
    assert response.status_code == 422  # parameter names as the exporters name them
    response = client.get(api_url("results-region", "csv"), {"table": "\x00"}, **headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "table"
    assert not PersonalDataLog.objects.exists()


def test_public_calendar_files_need_no_authentication_others_do(client, world):
    event = world["event"]
    response = client.get(api_url("event-calendar", "ics"), {"pk": event.pk})
    assert response.status_code == 200
    read_back("ics", response.content)
    response = client.get(api_url("calendar-feed", "ics"), {"token": world["secret"]})
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex"
    response = client.get(api_url("event-registrations", "csv"), {"pk": event.pk})
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"


def test_the_parent_copy_through_the_api_takes_the_contact_from_the_body_only(
    client, world, wesel, coordinator
):
    headers = token_header(coordinator)
    params = {"region_key": wesel.key, "email": "olena@example.org"}
    response = client.get(api_url("parent-data", "json"), params, **headers)
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert not PersonalDataLog.objects.exists()
    response = client.post(
        api_url("parent-data", "json"),
        {"params": params},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200
    assert "olena@example.org" in read_back("json", response.content)
    (log,) = PersonalDataLog.objects.all()
    assert log.record == f"events.Registration:{world['registration'].pk}"


# Long exports: in the background, with a progress bar, for their account alone


def file_url(file):
    return reverse("export-file", args=[file.pk])


def test_a_long_export_shows_a_progress_bar_then_a_link_for_its_account_only(
    client, world, wesel, coordinator
):
    state = world["users"]["state"]
    client.force_login(state)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.get(export_url("state-overview", "xlsx"), {"sort": "-events"})
    file = ExportFile.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{file_url(file)}?download=1"
    assert (file.owner, file.exporter, file.fmt, file.params, file.language) == (
        state,
        "state-overview",
        "xlsx",
        {"sort": "-events"},
        "en",
    )
    page = client.get(file_url(file)).content.decode()  # the worker has not taken it yet
    assert f'hx-get="{file_url(file)}"' in page and 'hx-trigger="every 1s"' in page
    assert '<progress id="work-progress-bar" max="100" value="0">' in page
    assert "Waiting for the background service" in page
    waiting = client.get(response["Location"]).content.decode()  # polls the same address
    assert f'hx-get="{file_url(file)}"' in waiting and "data-download-auto" not in waiting
    polled = client.get(file_url(file), HTTP_HX_REQUEST="true")
    assert polled.content.decode().lstrip().startswith('<div class="kern-progress')
    download = reverse("export-file-download", args=[file.pk])
    assert client.get(download).status_code == 404  # not yet made

    make_export.call(file_id=file.pk)  # the worker
    assert client.get(file_url(file), HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    page = client.get(file_url(file)).content.decode()
    assert "The file is ready." in page and f'href="{download}"' in page
    assert "work-progress" not in page
    assert "data-download-auto" not in page  # the page's own address: the link only
    asked = client.get(response["Location"]).content.decode()  # where the download led
    assert "data-download-auto" in asked and "data-download-started hidden" in asked
    assert "The download starts by itself." in asked
    response = client.get(download)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == 'attachment; filename="neue-wege-regionen.xlsx"'
    assert "Kreis Wesel" in read_back("xlsx", response.content)

    for other in (coordinator, UserFactory(role=User.Role.STATE)):  # another account: nothing
        client.force_login(other)
        assert client.get(file_url(file)).status_code == 404
        assert client.get(download).status_code == 404
    client.logout()
    assert client.get(download)["Location"].startswith("/login/")


def test_a_long_export_is_refused_at_once_as_any_download(client, world, coordinator):
    client.force_login(coordinator)
    assert client.get(export_url("state-overview", "xlsx")).status_code == 403
    assert client.get(export_url("results-state", "csv"), {"table": "nope"}).status_code == 404
    client.force_login(world["users"]["state"])
    response = client.get(export_url("results-state", "csv"), {"table": "summary", "period": "1"})
    assert response.status_code == 400  # the filters are checked before the work starts
    assert not ExportFile.objects.exists()


def test_a_long_export_expires_and_the_purge_removes_it(client, world):
    state = world["users"]["state"]
    client.force_login(state)
    with_task = client.get(export_url("results-state", "xlsx"), {"table": "regions"})
    file = ExportFile.objects.get()
    make_export.call(file_id=file.pk)
    download = reverse("export-file-download", args=[file.pk])
    assert client.get(download).status_code == 200
    assert exporters.kept_until(file) == file.created_at + timedelta(days=1)
    ExportFile.objects.filter(pk=file.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert client.get(with_task["Location"]).status_code == 404  # past its time: gone for all
    assert client.get(download).status_code == 404
    assert "export_files 1" in purge_personal_data()
    assert not ExportFile.objects.exists()


@pytest.fixture
def long_registrations():
    """A long export of parents' personal data (none is declared yet): the registration list,
    made in the background."""
    declared = exporters.register(
        dataclasses.replace(
            exporters.EXPORTERS["event-registrations"],
            name="test-long-registrations",
            background=True,
        )
    )
    yield declared
    del exporters.EXPORTERS[declared.name]


def test_a_long_export_of_personal_data_is_logged_once_when_it_is_made(
    client, world, wesel, long_registrations
):
    staff, event = world["users"]["staff"], world["event"]
    client.force_login(staff)
    client.get(export_url(long_registrations.name, "csv"), {"pk": event.pk})
    file = ExportFile.objects.get()
    assert not PersonalDataLog.objects.exists()  # nothing made yet
    make_export.call(file_id=file.pk)
    log = PersonalDataLog.objects.get()
    assert (log.user, log.record, log.region_id) == (
        staff,
        f"events.ParentEvent:{event.pk}",
        wesel.pk,
    )
    for _ in range(2):  # fetched twice: the file was made once
        response = client.get(reverse("export-file-download", args=[file.pk]))
        assert "Olena" in read_back("csv", response.content)
    assert PersonalDataLog.objects.count() == 1


def test_a_long_export_whose_account_lost_the_right_meanwhile_is_not_made(
    client, world, long_registrations
):
    staff, event = world["users"]["staff"], world["event"]
    client.force_login(staff)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.get(export_url(long_registrations.name, "xlsx"), {"pk": event.pk})
    file = ExportFile.objects.get()
    staff.person = None  # no longer at the family centre
    staff.save()
    make_export.call(file_id=file.pk)
    file.refresh_from_db()
    assert file.work_state == ExportFile.State.DONE and file.content == b""
    page = client.get(file_url(file)).content.decode()
    assert "The file could not be made." in page
    assert "Your account may no longer download this file." in page
    assert client.get(reverse("export-file-download", args=[file.pk])).status_code == 404
    assert not PersonalDataLog.objects.exists()


def test_a_long_export_through_the_api_answers_202_then_the_file(client, world, coordinator):
    state = world["users"]["state"]
    headers = token_header(state)
    response = client.get(api_url("state-overview", "xlsx"), {"sort": "name"}, **headers)
    assert response.status_code == 202
    started = response.json()
    file = ExportFile.objects.get()
    assert started == {
        "id": file.pk,
        "exporter": "state-overview",
        "format": "xlsx",
        "state": "waiting",
        "percent": 0,
        "ready": False,
        "error": "",
        "kept_until": exporters.kept_until(file).isoformat(),
        "url": f"/api/v1/exports/files/{file.pk}",
        "file_url": None,
    }
    assert client.get(f"/api/v1/exports/files/{file.pk}/file", **headers).status_code == 404
    make_export.call(file_id=file.pk)
    state_now = client.get(started["url"], **headers).json()
    assert state_now["ready"] and state_now["percent"] == 100 and state_now["state"] == "done"
    response = client.get(state_now["file_url"], **headers)
    assert response.status_code == 200
    assert "Kreis Wesel" in read_back("xlsx", response.content)
    other = token_header(coordinator)
    assert client.get(started["url"], **other).status_code == 404
    assert client.get(state_now["file_url"], **other).status_code == 404


def test_a_long_export_is_neither_public_nor_taken_from_a_form():
    declared = exporters.EXPORTERS["event-calendar"]
    for change in ({"permission": "public"}, {"permission": "signed_in", "form_only": True}):
        with pytest.raises(ValueError, match="background"):
            exporters.register(dataclasses.replace(declared, name="x", background=True, **change))


def test_a_sheet_is_named_by_its_title_without_the_characters_excel_refuses():
    from neuewege.core.documents import to_xlsx

    content = to_xlsx(["Zahl"], [[1]], title="Referent/innen nach Format: [alle]?")

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Referent-innen nach Format- -al"  # 31 characters at most
    assert sheet["A2"].value == 1
