"""The registration lists as CSV (German Excel) and XLSX, read back; every export logged."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from neuewege.core.models import PersonalDataLog, User
from neuewege.events.models import ConsentText, Registration
from tests.factories import UserFactory, make_event


def book(event, session, *, first_name, status="confirmed", **details):
    now = timezone.now()
    return Registration.objects.create(
        event=event,
        session=None if event.is_course else session,
        status=status,
        source=details.pop("source", Registration.Source.ONLINE),
        first_name=first_name,
        language="de",
        consent=ConsentText.objects.get(purpose="booking", version=1),
        consented_at=now,
        confirmed_at=now if status == "confirmed" else None,
        **details,
    )


@pytest.fixture
def event(family_centre):
    """A series of two dates: the first has begun, with one confirmed (present), one waiting,
    one cancelled and a first name that a spreadsheet would run as a formula."""
    event = make_event(
        family_centre,
        dates=2,
        capacity=2,
        starts=timezone.now() - timedelta(hours=1),
        title="Elterncafé Export",
    )
    first, second = event.sessions.order_by("starts_at")
    ayse = book(
        event,
        first,
        first_name="Ayşe",
        email="ayse@example.org",
        phone="+49 170 1234567",
        child_ages=[2, 4],
        language_needs="Türkisch",
        source=Registration.Source.STAFF,
    )
    first.attendees.add(ayse)
    book(event, first, first_name='=HYPERLINK("http://evil.example")', email="x@example.org")
    book(event, first, first_name="Maria", status="waitlisted", phone="0281 998877")
    book(event, second, first_name="Gone", status="cancelled", email="gone@example.org")
    return event


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_csv_export_opens_in_german_excel_and_is_logged(staff_client, event):
    response = staff_client.get(reverse("event-export", args=[event.pk, "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    header, data = rows[0], rows[1:]
    assert len(header) == 11
    by_name = {row[2]: row for row in data}
    assert set(by_name) == {"Ayşe", '\'=HYPERLINK("http://evil.example")', "Maria"}
    ayse = by_name["Ayşe"]
    assert ayse[3] == "ayse@example.org"
    assert ayse[4] == "'+49 170 1234567"  # never a formula in Excel
    assert ayse[5] == "2, 4" and ayse[6] == "Türkisch"
    assert ayse[9]  # attended the first date
    assert by_name["Maria"][9] == ""
    codes = dict(Registration.objects.values_list("first_name", "code"))
    assert ayse[10] == codes["Ayşe"]  # the booking code a parent quotes on the phone
    first = event.sessions.order_by("starts_at").first()
    local = timezone.localtime(first.starts_at)
    assert local.strftime("%d.%m.%Y") in ayse[0]  # the date, in local time and German format
    log = PersonalDataLog.objects.get()
    assert log.action == PersonalDataLog.Action.EXPORT
    assert log.user.email == "fz@wesel.example" and str(event.pk) in log.record


def test_xlsx_export_reads_back_with_openpyxl(staff_client, event):
    response = staff_client.get(reverse("event-export", args=[event.pk, "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4 and len(rows[0]) == 11
    names = {row[2] for row in rows[1:]}
    assert names == {"Ayşe", '=HYPERLINK("http://evil.example")', "Maria"}
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)  # text, never a formula
    ayse = next(row for row in rows if row[2] == "Ayşe")
    assert ayse[4] == "+49 170 1234567"
    statuses = [row[1] for row in rows[1:]]
    assert statuses.count("Bestätigt") + statuses.count("Confirmed") == 2
    assert PersonalDataLog.objects.get().action == PersonalDataLog.Action.EXPORT


def test_a_course_export_names_the_whole_course(staff_client, family_centre):
    course = make_event(family_centre, "parent_course", capacity=10)
    book(course, None, first_name="Olena", email="olena@example.org")
    response = staff_client.get(reverse("event-export", args=[course.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2 and rows[1][2] == "Olena"


def test_other_formats_are_404_and_outsiders_export_nothing(client, staff, event, wesel, borken):
    client.force_login(staff)
    assert client.get(reverse("event-export", args=[event.pk, "pdf"])).status_code == 404
    viewer = UserFactory(role=User.Role.VIEWER, regions=[wesel])
    client.force_login(viewer)
    assert client.get(reverse("event-export", args=[event.pk, "csv"])).status_code == 403
    outsider = UserFactory(role=User.Role.COORDINATOR, regions=[borken])
    client.force_login(outsider)
    assert client.get(reverse("event-export", args=[event.pk, "xlsx"])).status_code == 404
    state = UserFactory(role=User.Role.STATE)
    client.force_login(state)  # aggregates only: no parents' details for the state level
    assert client.get(reverse("event-export", args=[event.pk, "csv"])).status_code == 403
    assert not PersonalDataLog.objects.exists()


def test_the_coordinator_exports_too(client, coordinator, event):
    client.force_login(coordinator)
    assert client.get(reverse("event-export", args=[event.pk, "csv"])).status_code == 200
    assert PersonalDataLog.objects.get().user == coordinator
