"""The exporter framework (core/exporters.py, core/documents.py): every registered exporter's
files read back through the one download route, the personal-data log written once by that
route, refusals that log nothing, unknown exporters and formats."""

import csv
import io
import json
import re
from datetime import date, timedelta

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from openpyxl import load_workbook

from neuewege.cooperation import services as cooperation_services
from neuewege.core import exporters
from neuewege.core.access import access_for
from neuewege.core.models import PersonalDataLog, User
from neuewege.events import calendars
from neuewege.events.services.booking import book
from tests.factories import UserFactory, make_event


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
        root = reader.trailer["/Root"]
        metadata = root["/Metadata"].get_object().get_data().decode()
        assert re.search(r'pdfaid:part="2"', metadata)  # PDF/A-2b
        assert re.search(r'pdfaid:conformance="B"', metadata)
        assert root["/MarkInfo"]["/Marked"]  # tagged for screen readers
        assert "/StructTreeRoot" in root and root["/Lang"]
        assert reader.metadata.title
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert re.search(r"Neue Wege NRW .*Seite 1 von \d+", text)  # the base template's footer
        return text
    if fmt == "ics":
        calendar = Calendar.from_ical(content)
        assert calendar.walk("VEVENT")
        return content.decode()
    if fmt == "json":
        return json.dumps(json.loads(content), ensure_ascii=False)
    raise AssertionError(fmt)


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
                formats=("docx",),
                find=declared.find,
                allowed=declared.allowed,
                produce=declared.produce,
            )
        )
