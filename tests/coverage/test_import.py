"""Importing requests: a good file is applied whole; a file with problems names each by line and
column and saves nothing."""

import io

import openpyxl
import pytest

from neuewege.core.access import system_access
from neuewege.core.errors import PermissionDenied
from neuewege.core.models import Institution
from neuewege.coverage.imports import import_requests, template_csv
from neuewege.coverage.models import CentreRequest
from tests.factories import InstitutionFactory, UserFactory

HEADER = "Familienzentrum;Format;Pro Jahr;Wochentage;Tageszeit;Monate meiden;Notiz\n"


@pytest.fixture
def centres(opening_hours, wesel):
    opening_hours.external_id = "FZ-1"
    opening_hours.save()
    other = InstitutionFactory(region=wesel, name="Familienzentrum Am Markt", external_id="FZ-2")
    return opening_hours, other


def run(region, text, filename="bedarf.csv"):
    return import_requests(
        access=system_access(),
        region=region,
        year=2027,
        filename=filename,
        content=text.encode("utf-8"),
    )


def test_a_good_file_is_applied(centres, wesel):
    sunny, market = centres
    CentreRequest.objects.create(family_centre=market, year=2027, format="info_session", per_year=1)
    report = run(
        wesel,
        HEADER
        + "FZ-1;Elterncafé;monatlich;Di, Do;vormittags;Juli, August;\n"
        + "familienzentrum am markt;Themenveranstaltung;halbjährlich;Mi;;;Herbst\n"
        + "FZ-2;Elternkurs;;;;12;\n",
    )
    assert report.is_valid, report.problems
    assert (report.created_count, report.updated_count) == (2, 1)
    cafe = CentreRequest.objects.get(family_centre=sunny)
    assert (cafe.format, cafe.per_year, cafe.weekdays) == ("parent_cafe", 12, [1, 3])
    assert (cafe.part_of_day, cafe.avoid_months, cafe.year) == ("morning", [7, 8], 2027)
    info = CentreRequest.objects.get(family_centre=market, format="info_session")
    assert (info.per_year, info.weekdays, info.note) == (2, [2], "Herbst")  # changed
    course = CentreRequest.objects.get(family_centre=market, format="parent_course")
    assert course.per_year == 1 and course.avoid_months == [12]  # the format's default


def test_a_file_with_problems_names_each_by_line_and_column_and_saves_nothing(
    centres, wesel, borken
):
    InstitutionFactory(region=borken, name="Familienzentrum Borken", external_id="FZ-B")
    report = run(
        wesel,
        HEADER
        + "FZ-1;Elterncafé;monatlich;Sa;;;\n"  # closed on Saturday
        + "FZ-B;Elterncafé;12;;;;\n"  # another region's
        + "FZ-2;Kaffeeklatsch;60;Mo;;13;\n"
        + "FZ-2;Elterncafé;oft;;;;\n"
        + "FZ-1;Themenveranstaltung;2;Di;abends;;\n"  # late hours on Tuesday: fine
        + "FZ-1;Elternkurs;1;;;;\n"
        + "FZ-1;Elternkurs;1;;;;\n",  # twice
    )
    assert not report.is_valid
    problems = {(line, column) for line, column, _message in report.problems}
    assert problems == {
        (2, "Wochentage"),
        (3, "Familienzentrum"),
        (4, "Format"),
        (5, "Pro Jahr"),
        (8, "Format"),
    }
    messages = {(line, column): message for line, column, message in report.problems}
    assert messages[(2, "Wochentage")] == "Das Familienzentrum ist am Samstag geschlossen."
    assert not CentreRequest.objects.exists()


def test_rules_that_need_the_format_are_checked_once_it_is_known(centres, wesel):
    report = run(wesel, HEADER + "FZ-2;Elterncafé;60;Mo;;13;\n")
    assert {column for _line, column, _m in report.problems} == {"Pro Jahr", "Monate meiden"}
    assert not CentreRequest.objects.exists()


def test_an_unknown_or_missing_column_is_a_problem_of_the_file(centres, wesel):
    report = run(wesel, "Familienzentrum;Farbe\nFZ-1;blau\n")
    assert not report.is_valid and not report.rows
    assert len(report.file_problems) == 2  # "Farbe" unknown, "Format" missing


def test_a_file_beyond_the_limits_is_refused_before_its_rows_are_checked(
    centres, wesel, monkeypatch
):
    from neuewege.coverage import imports

    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    report = run(wesel, HEADER + "FZ-1;Elterncafé;12;;;;\n" * 3)
    assert report.file_problems and not report.rows
    monkeypatch.setattr(imports, "MAX_FILE_BYTES", 100)
    report = run(wesel, HEADER + "FZ-1;Elterncafé;12;;;;\n" * 2)
    assert report.file_problems and not report.rows
    assert not CentreRequest.objects.exists()


def test_an_excel_file_is_read(centres, wesel):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(";"))
    sheet.append(["FZ-1", "Elterncafé", 12, "Mo", "vormittags", 8, None])
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_requests(
        access=system_access(),
        region=wesel,
        year=2027,
        filename="bedarf.xlsx",
        content=buffer.getvalue(),
    )
    assert report.is_valid, report.problems
    assert CentreRequest.objects.get().avoid_months == [8]


def test_the_template_is_a_valid_file_but_for_its_example_centres(wesel):
    InstitutionFactory(region=wesel, name="Familienzentrum Am Markt")
    for external_id in ("FZ-0001", "FZ-0002"):
        InstitutionFactory(region=wesel, external_id=external_id)
    report = run(wesel, template_csv())
    assert report.is_valid, report.problems
    assert CentreRequest.objects.count() == 3


def test_only_the_regions_coordinator_imports(client, staff, coordinator, centres, wesel):
    from neuewege.core.access import access_for

    with pytest.raises(PermissionDenied):
        import_requests(
            access=access_for(staff), region=wesel, year=2027, filename="a.csv", content=b""
        )
    client.force_login(coordinator)
    page = client.get("/regions/05170/coverage/demand/import/")
    assert page.status_code == 200
    template = client.get("/regions/05170/coverage/demand/import/template.csv")
    assert template.content.decode("utf-8-sig").startswith("Familienzentrum;Format")
    bad = io.BytesIO((HEADER + "FZ-1;Elterncafé;99;;;;\n").encode())
    bad.name = "bedarf.csv"
    response = client.post("/regions/05170/coverage/demand/import/", {"year": "2027", "file": bad})
    body = response.content.decode()
    assert response.status_code == 200 and "Zeile 2" in body and "Pro Jahr" in body
    assert not CentreRequest.objects.exists()
    good = io.BytesIO((HEADER + "FZ-1;Elterncafé;12;;;;\n").encode())
    good.name = "bedarf.csv"
    response = client.post("/regions/05170/coverage/demand/import/", {"year": "2027", "file": good})
    assert response.status_code == 302 and CentreRequest.objects.count() == 1
    outsider = UserFactory(role="coordinator", regions=[wesel.__class__.objects.get(key="05554")])
    client.force_login(outsider)
    assert client.get("/regions/05170/coverage/demand/import/").status_code == 404
    assert Institution.objects.filter(region=wesel).exists()
