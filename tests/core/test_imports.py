"""The import of institutions and people (core/imports.py) with real files and the real database."""

import csv
import io
import random
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from neuewege.core.access import access_for, system_access
from neuewege.core.imports import INSTITUTION_COLUMNS, PERSON_COLUMNS, Importer
from neuewege.core.models import ImportBatch, Institution, Person, Region, User
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
INSTITUTION_LABELS = {column.name: column.label for column in INSTITUTION_COLUMNS}
PERSON_LABELS = {column.name: column.label for column in PERSON_COLUMNS}


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English, the msgids."""
    with translation.override("en"):
        yield


# Building files


def table(labels, rows):
    """Header (German labels) and rows given as dicts of column names."""
    names = list(dict.fromkeys(name for row in rows for name in row))
    return [[labels[name] for name in names]] + [
        [row.get(name, "") for name in names] for row in rows
    ]


def csv_bytes(lines, *, delimiter=";", encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(lines)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(lines):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in lines:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def institutions_csv(*rows, **options):
    return csv_bytes(table(INSTITUTION_LABELS, rows), **options)


def people_csv(*rows, **options):
    return csv_bytes(table(PERSON_LABELS, rows), **options)


def centre(**values):
    row = {
        "region_key": "05170",
        "kind": "FZ",
        "name": "Familienzentrum Regenbogen",
        "postcode": "46483",
        "town": "Wesel",
    }
    return row | values


def person(**values):
    row = {
        "first_name": "Anna",
        "last_name": "Schulte",
        "function": "family_centre_head",
        "institution": "Familienzentrum Regenbogen",
        "email": "anna.schulte@example.org",
    }
    return row | values


def run(kind, content, *, filename="list.csv", access=None, region=None, write=True):
    importer = Importer(access=access or system_access(), kind=kind, region=region)
    return (importer.apply if write else importer.check)(filename, content)


def problem_at(report, line, column):
    """The messages the report gives for ``line`` and ``column``."""
    return [message for at, header, message in report.problems if (at, header) == (line, column)]


# Files that import


def test_a_valid_institutions_file_creates_every_record():
    content = institutions_csv(
        centre(external_id="FZ-1", street="Mühlenweg 12"),
        centre(name="Jobcenter Kreis Wesel", kind="JC", job_centre_type="gE"),
        centre(name="Agentur für Arbeit Wesel", kind="Agentur für Arbeit"),
    )
    report = run("institutions", content)
    assert report.is_valid, report.problems
    assert (report.created_count, report.updated_count) == (3, 0)
    assert [row.line for row in report.rows] == [2, 3, 4]
    wesel = Region.objects.get(key="05170")
    records = {i.name: i for i in Institution.objects.all()}
    assert set(records) == {
        "Familienzentrum Regenbogen",
        "Jobcenter Kreis Wesel",
        "Agentur für Arbeit Wesel",
    }
    regenbogen = records["Familienzentrum Regenbogen"]
    assert (regenbogen.region, regenbogen.external_id, regenbogen.street) == (
        wesel,
        "FZ-1",
        "Mühlenweg 12",
    )
    # Without coordinates of its own an institution is placed at its postcode.
    assert abs(regenbogen.latitude - Decimal("51.66")) < Decimal("0.1")
    assert records["Jobcenter Kreis Wesel"].job_centre_type == Institution.JobCentreType.JOINT
    assert records["Agentur für Arbeit Wesel"].kind == Institution.Kind.EMPLOYMENT_AGENCY


def test_checking_writes_nothing():
    report = run("institutions", institutions_csv(centre()), write=False)
    assert report.is_valid
    assert report.created_count == 1
    assert not Institution.objects.exists()


def test_the_sample_files_import_cleanly():
    institutions = run(
        "institutions", (SAMPLES / "institutions.csv").read_bytes(), filename="institutions.csv"
    )
    assert institutions.is_valid, institutions.problems
    assert institutions.created_count == Institution.objects.count() == 9
    by_id = {i.external_id: i for i in Institution.objects.select_related("youth_welfare_office")}
    assert by_id["WES-JC-01"].job_centre_type == Institution.JobCentreType.JOINT
    assert by_id["WES-JC-01"].website == "https://www.jobcenter-wesel.example.org"
    # named before the Jugendamt appears in the file, by name and by external ID
    assert by_id["WES-FZ-01"].youth_welfare_office == by_id["WES-JA-01"]
    assert by_id["WES-FZ-02"].youth_welfare_office == by_id["WES-JA-01"]
    assert by_id["WES-FZ-03"].youth_welfare_office == by_id["WES-JA-02"]
    marien = by_id["WES-FZ-02"]
    assert (marien.latitude, marien.longitude) == (Decimal("51.65870"), Decimal("6.45310"))
    assert (marien.certified_from, marien.certified_until) == (date(2022, 8, 1), date(2026, 7, 31))
    assert marien.provider_type == Institution.ProviderType.CATHOLIC
    assert by_id["WES-FZ-01"].certified_from == date(2023, 8, 1)
    assert by_id["WES-FZ-01"].childcare_places == 12
    assert by_id["WES-FZ-04"].provider_type == Institution.ProviderType.WELFARE
    assert "Hünxe" in by_id["WES-JA-01"].district

    people = run("people", (SAMPLES / "people.csv").read_bytes(), filename="people.csv")
    assert people.is_valid, people.problems
    assert people.created_count == Person.objects.count() == 8
    anna = Person.objects.get(email="anna.schulte@fz-regenbogen.example.org")
    assert anna.institution == by_id["WES-FZ-01"]
    assert anna.function == Person.Function.FAMILY_CENTRE_HEAD
    assert anna.moderated_formats == ["parent_cafe", "info_session"]
    assert Person.objects.get(external_id="WES-P-05").last_name == "Yıldız"
    assert Person.objects.get(external_id="WES-P-01").institution == by_id["WES-AA-01"]
    jansen = Person.objects.get(last_name="Jansen")
    assert (jansen.institution, jansen.email) == (by_id["WES-FZ-04"], None)


def test_the_sample_workbook_holds_the_same_records_as_the_sample_csv(coordinator, wesel):
    access = access_for(coordinator)
    from_xlsx = run(
        "institutions",
        (SAMPLES / "institutions.xlsx").read_bytes(),
        filename="institutions.xlsx",
        access=access,
        region=wesel,
    )
    assert from_xlsx.is_valid, from_xlsx.problems
    assert from_xlsx.created_count == 9
    fields = ["external_id", "name", "street", "postcode", "latitude", "longitude"]
    fields += ["certified_from", "certified_until", "childcare_places", "youth_welfare_office"]
    before = list(Institution.objects.order_by("external_id").values_list(*fields))
    from_csv = run(
        "institutions",
        (SAMPLES / "institutions.csv").read_bytes(),
        access=access,
        region=wesel,
    )
    assert from_csv.is_valid, from_csv.problems
    assert (from_csv.created_count, from_csv.updated_count) == (0, 9)
    assert list(Institution.objects.order_by("external_id").values_list(*fields)) == before


def test_reimporting_the_same_file_updates_and_never_duplicates():
    institutions = (SAMPLES / "institutions.csv").read_bytes()
    people = (SAMPLES / "people.csv").read_bytes()
    run("institutions", institutions)
    run("people", people)
    counts = (Institution.objects.count(), Person.objects.count())
    again = run("institutions", institutions)
    again_people = run("people", people)
    assert (again.created_count, again.updated_count) == (0, 9)
    assert (again_people.created_count, again_people.updated_count) == (0, 8)
    assert (Institution.objects.count(), Person.objects.count()) == counts


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"external_id": "FZ-1"}, {"external_id": "FZ-1", "name": "FZ Regenbogen (neu)"}),
        ({}, {"phone": "0281 1234"}),  # no external ID: name and postcode find it
        ({}, {"external_id": "FZ-1"}),  # the external ID is added to the record found by name
    ],
)
def test_reimport_finds_the_record_by_its_natural_key(first, second):
    run("institutions", institutions_csv(centre(**first)))
    report = run("institutions", institutions_csv(centre(**second)))
    assert (report.created_count, report.updated_count) == (0, 1)
    record = Institution.objects.get()
    for name, value in second.items():
        assert getattr(record, name) == value


def test_a_reimport_saves_only_the_rows_that_changed():
    from auditlog.models import LogEntry

    content = institutions_csv(centre(name="A"), centre(name="B"))
    run("institutions", content)
    entries = LogEntry.objects.count()
    assert entries >= 2
    again = run("institutions", content)
    assert (again.created_count, again.updated_count) == (0, 2)
    assert LogEntry.objects.count() == entries  # nothing changed, nothing written
    run("institutions", institutions_csv(centre(name="A"), centre(name="B", town="Büderich")))
    assert LogEntry.objects.count() == entries + 1
    assert Institution.objects.get(name="B").town == "Büderich"


def test_columns_left_out_of_a_file_keep_their_values():
    full = centre(external_id="FZ-1", email="fz@example.org", provider="Stadt Wesel")
    run("institutions", institutions_csv(full))
    report = run("institutions", institutions_csv(centre(town="Wesel-Flüren")))
    assert report.updated_count == 1
    record = Institution.objects.get()
    assert (record.town, record.external_id, record.email, record.provider) == (
        "Wesel-Flüren",
        "FZ-1",
        "fz@example.org",
        "Stadt Wesel",
    )


def test_a_new_postcode_moves_the_institution_when_the_file_has_no_coordinates():
    run("institutions", institutions_csv(centre(external_id="FZ-1")))
    run("institutions", institutions_csv(centre(external_id="FZ-1", postcode="47441")))
    record = Institution.objects.get()
    assert abs(record.latitude - Decimal("51.448")) < Decimal("0.01")  # Moers, not Wesel


def test_english_column_names_are_accepted_and_problems_name_the_column_as_written():
    content = csv_bytes(
        [
            ["region_key", "kind", "name", "postcode", "town", "job_centre_type"],
            ["05170", "job_centre", "Jobcenter Kreis Wesel", "46483", "Wesel", "joint"],
            ["05170", "family_centre", "FZ Regenbogen", "4648X", "Wesel", ""],
        ]
    )
    report = run("institutions", content)
    assert problem_at(report, 3, "postcode")
    assert not Institution.objects.exists()


# All or nothing, and how problems are reported


def test_one_bad_row_among_good_ones_saves_nothing_and_names_line_column_and_reason():
    InstitutionFactory(name="Schon da")
    content = institutions_csv(
        centre(name="FZ Eins"),
        centre(name="FZ Zwei", postcode="4648X"),
        centre(name="FZ Drei"),
    )
    report = run("institutions", content)
    assert not report.is_valid
    assert report.problems == [(3, "PLZ", "A postcode has exactly 5 digits.")]
    assert [row.line for row in report.rows if row.errors] == [3]
    assert list(Institution.objects.values_list("name", flat=True)) == ["Schon da"]


def test_a_problem_found_after_the_last_row_still_saves_nothing():
    content = institutions_csv(
        centre(name="FZ Eins"),
        centre(name="FZ Zwei", youth_welfare_office="Jugendamt Nirgendwo"),
    )
    report = run("institutions", content)
    assert problem_at(report, 3, "Jugendamt") == [
        "No youth welfare office “Jugendamt Nirgendwo” in this region."
    ]
    assert not Institution.objects.exists()


def test_unknown_region_key():
    report = run("institutions", institutions_csv(centre(region_key="99999")))
    assert problem_at(report, 2, "Kreisschlüssel") == ["Unknown region key “99999”."]
    assert not Institution.objects.exists()


def test_missing_region_key_in_a_row():
    report = run("institutions", institutions_csv(centre(region_key="")))
    assert problem_at(report, 2, "Kreisschlüssel")


@pytest.mark.parametrize("postcode", ["464", "464830", "46A83", "D-46483"])
def test_postcode_must_have_five_digits(postcode):
    report = run("institutions", institutions_csv(centre(postcode=postcode)))
    assert "A postcode has exactly 5 digits." in problem_at(report, 2, "PLZ")
    assert not Institution.objects.exists()


def test_a_postcode_that_lost_its_leading_zero_gets_it_back():
    report = run("institutions", institutions_csv(centre(postcode="1067", town="Dresden")))
    assert report.is_valid
    assert Institution.objects.get().postcode == "01067"


@pytest.mark.parametrize(
    ("latitude", "longitude", "column"),
    [
        ("48,8566", "2,3522", "Längengrad"),  # Paris
        ("60.1", "10.0", "Breitengrad"),  # Oslo
        ("-51.66", "6.61", "Breitengrad"),
        ("51.66", "", "Breitengrad"),  # only one of them
        ("nan", "6.61", "Breitengrad"),
        ("51°39'", "6.61", "Breitengrad"),
    ],
)
def test_coordinates_must_lie_in_germany(latitude, longitude, column):
    content = institutions_csv(centre(latitude=latitude, longitude=longitude))
    report = run("institutions", content)
    assert problem_at(report, 2, column), report.problems
    assert not Institution.objects.exists()


def test_coordinates_with_comma_or_point_and_many_decimals_are_rounded_to_five():
    report = run(
        "institutions",
        institutions_csv(
            centre(name="A", latitude="51,661794", longitude="6,6137464"),
            centre(name="B", latitude="51.5", longitude="6.5"),
        ),
    )
    assert report.is_valid, report.problems
    a, b = Institution.objects.order_by("name")
    assert (a.latitude, a.longitude) == (Decimal("51.66179"), Decimal("6.61375"))
    assert (b.latitude, b.longitude) == (Decimal("51.5"), Decimal("6.5"))


@pytest.mark.parametrize(
    ("values", "column", "fragment"),
    [
        ({"kind": "Kita"}, "Art", "is not one of"),
        ({"kind": ""}, "Art", ""),
        ({"name": ""}, "Name", ""),
        ({"kind": "JC"}, "Jobcenter-Form", "joint or municipal"),
        ({"job_centre_type": "zkT"}, "Jobcenter-Form", "Only job centres"),
        ({"certified_from": "31.02.2024"}, "Gütesiegel von", "is not a date"),
        (
            {"certified_from": "01.08.2025", "certified_until": "31.07.2025"},
            "Gütesiegel bis",
            "cannot end before",
        ),
        ({"kind": "JA", "certified_from": "01.08.2025"}, "Gütesiegel von", "Only family centres"),
        ({"childcare_places": "zwölf"}, "Betreuungsplätze", "whole number"),
        ({"childcare_places": "500"}, "Betreuungsplätze", "200"),
        ({"provider_type": "privat"}, "Trägerart", "is not one of"),
        ({"email": "kein-at-zeichen"}, "E-Mail", ""),
        ({"kind": "JA", "youth_welfare_office": "X"}, "Jugendamt", "Only family centres"),
    ],
)
def test_bad_values_are_reported_at_their_column(values, column, fragment):
    report = run("institutions", institutions_csv(centre(**values)))
    messages = problem_at(report, 2, column)
    assert messages, report.problems
    assert any(fragment in message for message in messages)
    assert not Institution.objects.exists()


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("AA", "employment_agency"),
        ("jc", "job_centre"),
        ("JA", "youth_welfare_office"),
        ("FZ", "family_centre"),
        ("Familienzentrum", "family_centre"),
        ("family_centre", "family_centre"),
        ("Gleichstellungsstelle", "equality_office"),
        ("Sonstige", "other"),
    ],
)
def test_kinds_by_code_label_or_abbreviation(kind, expected):
    extra = {"job_centre_type": "zkT"} if expected == "job_centre" else {}
    report = run("institutions", institutions_csv(centre(kind=kind, **extra)))
    assert report.is_valid, report.problems
    assert Institution.objects.get().kind == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("gE", "joint"), ("joint", "joint"), ("ZKT", "municipal"), ("kommunal", "municipal")],
)
def test_job_centre_types(value, expected):
    report = run("institutions", institutions_csv(centre(kind="JC", job_centre_type=value)))
    assert report.is_valid, report.problems
    assert Institution.objects.get().job_centre_type == expected


def test_a_job_centre_that_becomes_a_family_centre_must_lose_its_type():
    run("institutions", institutions_csv(centre(kind="JC", job_centre_type="gE")))
    report = run("institutions", institutions_csv(centre(kind="FZ")))
    assert problem_at(report, 2, "Jobcenter-Form") == ["Only job centres have a job centre type."]
    report = run("institutions", institutions_csv(centre(kind="FZ", job_centre_type="")))
    assert report.is_valid, report.problems
    assert Institution.objects.get().kind == Institution.Kind.FAMILY_CENTRE


def test_a_clash_with_a_change_saved_meanwhile_is_a_problem_not_an_error(
    monkeypatch, coordinator, wesel, borken
):
    InstitutionFactory(region=borken, external_id="FZ-1")
    # As if the Borken record had been saved after the file was checked.
    monkeypatch.setattr("neuewege.core.imports.taken_values", lambda model, name: {})
    content = institutions_csv(centre(name="FZ Eins"), centre(external_id="FZ-1"))
    report = run("institutions", content, access=access_for(coordinator), region=wesel)
    assert report.problems == [
        (1, "", "The records changed while the file was imported. Import it again.")
    ]
    assert Institution.objects.count() == 1


def test_the_same_institution_twice_in_a_file():
    report = run("institutions", institutions_csv(centre(), centre(street="Anderswo 1")))
    assert problem_at(report, 3, "") == ["The same record already appears in line 2."]
    assert not Institution.objects.exists()


def test_an_institution_of_another_region_is_not_moved_by_an_import(coordinator, wesel):
    other = UserFactory(
        role=User.Role.COORDINATOR, regions=[wesel, Region.objects.get(key="05554")]
    )
    InstitutionFactory(region=Region.objects.get(key="05554"), external_id="BOR-1")
    report = run(
        "institutions",
        institutions_csv(centre(external_id="BOR-1", region_key="")),
        access=access_for(other),
        region=wesel,
    )
    assert problem_at(report, 2, "Kreisschlüssel")
    assert Institution.objects.get().region.key == "05554"


def test_a_coordinator_imports_institutions_only_into_their_region(coordinator, wesel):
    access = access_for(coordinator)
    report = run(
        "institutions", institutions_csv(centre(region_key="05554")), access=access, region=wesel
    )
    assert problem_at(report, 2, "Kreisschlüssel")
    # Without a fixed region the row's region decides, and Borken is not theirs.
    report = run("institutions", institutions_csv(centre(region_key="05554")), access=access)
    assert problem_at(report, 2, "Kreisschlüssel") == ["You cannot import into this region."]
    assert not Institution.objects.exists()


def test_a_region_key_without_its_leading_zero_is_understood(coordinator, wesel):
    content = xlsx_bytes(
        [
            ["Kreisschlüssel", "Art", "Name", "PLZ", "Ort"],
            [5170, "FZ", "FZ Regenbogen", 46483, "Wesel"],
        ]
    )
    for region in (None, wesel):
        report = run(
            "institutions",
            content,
            filename="x.xlsx",
            access=access_for(coordinator),
            region=region,
        )
        assert report.is_valid, report.problems


def test_an_external_id_used_in_another_region_is_refused(coordinator, wesel, borken):
    InstitutionFactory(region=borken, external_id="FZ-1")
    report = run(
        "institutions",
        institutions_csv(centre(external_id="FZ-1")),
        access=access_for(coordinator),
        region=wesel,
    )
    assert problem_at(report, 2, "Externe ID")
    assert Institution.objects.count() == 1


# Youth welfare offices named by family centres


def test_a_youth_welfare_office_later_in_the_file_is_linked():
    content = institutions_csv(
        centre(name="FZ Regenbogen", youth_welfare_office="jugendamt kreis wesel"),
        centre(name="FZ Sonnenschein", youth_welfare_office="JA-1"),
        centre(name="Jugendamt Kreis Wesel", kind="JA", external_id="JA-1"),
    )
    assert run("institutions", content, write=False).is_valid
    report = run("institutions", content)
    assert report.is_valid, report.problems
    office = Institution.objects.get(kind=Institution.Kind.YOUTH_WELFARE_OFFICE)
    assert set(office.district_centres.values_list("name", flat=True)) == {
        "FZ Regenbogen",
        "FZ Sonnenschein",
    }


def test_an_existing_youth_welfare_office_is_linked_and_an_empty_cell_unlinks(
    youth_welfare_office,
):
    run("institutions", institutions_csv(centre(youth_welfare_office="Jugendamt Kreis Wesel")))
    assert Institution.objects.get(name="Familienzentrum Regenbogen").youth_welfare_office == (
        youth_welfare_office
    )
    run("institutions", institutions_csv(centre(youth_welfare_office="")))
    assert Institution.objects.get(name="Familienzentrum Regenbogen").youth_welfare_office is None


def test_an_unknown_youth_welfare_office_is_reported_at_its_line(borken):
    InstitutionFactory(region=borken, kind=Institution.Kind.YOUTH_WELFARE_OFFICE, name="JA Borken")
    content = institutions_csv(
        centre(name="FZ Eins"),
        centre(name="FZ Zwei", youth_welfare_office="Jugendamt Nirgendwo"),
        centre(name="FZ Drei", youth_welfare_office="JA Borken"),  # another region's
    )
    report = run("institutions", content)
    assert problem_at(report, 3, "Jugendamt") == [
        "No youth welfare office “Jugendamt Nirgendwo” in this region."
    ]
    assert problem_at(report, 4, "Jugendamt")
    assert problem_at(report, 2, "Jugendamt") == []
    assert Institution.objects.count() == 1


# People


@pytest.fixture
def regenbogen(wesel):
    return InstitutionFactory(region=wesel, name="Familienzentrum Regenbogen", external_id="FZ-1")


def test_people_are_found_by_institution_name_or_external_id(regenbogen):
    content = people_csv(
        person(),
        person(first_name="Elif", last_name="Yıldız", email="elif@example.org", institution="FZ-1"),
    )
    report = run("people", content)
    assert report.is_valid, report.problems
    assert set(regenbogen.people.values_list("last_name", flat=True)) == {"Schulte", "Yıldız"}


def test_people_reimport_by_external_id_email_or_name(regenbogen):
    content = people_csv(
        person(external_id="P-1", email="a@example.org"),
        person(first_name="Bernd", email="b@example.org"),
        person(first_name="Cem", email=""),
    )
    run("people", content)
    again = run("people", content)
    assert (again.created_count, again.updated_count) == (0, 3)
    assert Person.objects.count() == 3
    emails = set(Person.objects.values_list("email", flat=True))
    assert emails == {"a@example.org", "b@example.org", None}


def test_a_row_without_external_id_updates_the_person_with_its_email(regenbogen):
    existing = PersonFactory(institution=regenbogen, email="anna@example.org", last_name="Alt")
    report = run("people", people_csv(person(email="Anna@Example.org", last_name="Neu")))
    assert (report.created_count, report.updated_count) == (0, 1)
    existing.refresh_from_db()
    assert existing.last_name == "Neu"


def test_an_external_id_never_takes_over_a_person_with_another_one(regenbogen):
    PersonFactory(institution=regenbogen, external_id="P-1", email="anna@example.org")
    report = run("people", people_csv(person(external_id="P-2", email="anna@example.org")))
    assert problem_at(report, 2, "E-Mail")
    assert Person.objects.get().external_id == "P-1"


def test_an_email_already_in_the_database_is_refused(coordinator, wesel, regenbogen, borken):
    PersonFactory(institution=InstitutionFactory(region=borken), email="anna@example.org")
    report = run(
        "people",
        people_csv(person(email="anna@example.org")),
        access=access_for(coordinator),
        region=wesel,
    )
    assert problem_at(report, 2, "E-Mail") == ["Another person already has this e-mail address."]
    assert Person.objects.count() == 1


def test_the_same_email_twice_in_a_file_is_refused(regenbogen):
    content = people_csv(
        person(external_id="P-1", email="anna@example.org"),
        person(external_id="P-2", first_name="Bernd", email="ANNA@example.org"),
    )
    for write in (False, True):
        report = run("people", content, write=write)
        assert problem_at(report, 3, "E-Mail") == ["This e-mail address already appears in line 2."]
    assert not Person.objects.exists()


def test_the_same_person_twice_in_a_file_is_refused(regenbogen):
    report = run("people", people_csv(person(email=""), person(email="", phone="0281 1")))
    assert problem_at(report, 3, "") == ["The same record already appears in line 2."]
    assert not Person.objects.exists()


def test_a_person_at_an_institution_of_another_region_is_refused(coordinator, wesel, borken):
    InstitutionFactory(region=borken, name="FZ Borken", external_id="BOR-1")
    access = access_for(coordinator)
    content = people_csv(person(institution="FZ Borken"), person(institution="BOR-1", email=""))
    report = run("people", content, access=access, region=wesel)
    assert problem_at(report, 2, "Einrichtung")
    assert problem_at(report, 3, "Einrichtung")
    # Also for a coordinator of both regions who imports into Wesel.
    both = UserFactory(role=User.Role.COORDINATOR, regions=[wesel, borken])
    report = run("people", content, access=access_for(both), region=wesel)
    assert problem_at(report, 2, "Einrichtung")
    assert not Person.objects.exists()


def test_a_people_import_never_takes_over_a_person_of_another_region(wesel, borken):
    coordinator = UserFactory(role=User.Role.COORDINATOR, regions=[wesel, borken])
    InstitutionFactory(region=wesel, name="FZ A")
    foreign = PersonFactory(
        institution=InstitutionFactory(region=borken, postcode="46325"),
        email="geheim@b.example",
        last_name="Borken",
    )
    csv = "Vorname;Nachname;Funktion;Einrichtung;E-Mail\nX;Y;bca;FZ A;geheim@b.example\n"
    report = Importer(access=access_for(coordinator), kind="people", region=wesel).apply(
        "p.csv", csv.encode()
    )
    assert not report.is_valid
    foreign.refresh_from_db()
    assert foreign.last_name == "Borken" and foreign.institution.region == borken


def test_people_problems_at_their_columns(regenbogen, wesel):
    InstitutionFactory(region=wesel, name="Familienzentrum Regenbogen", postcode="47441")
    content = people_csv(
        person(function="Bürgermeister"),
        person(email="x@example.org", institution="Nirgendwo"),
        person(email="y@example.org", moderated_formats="Elterncafé, Kochkurs"),
        person(email="z@example.org"),  # two institutions of this name
        person(email="w@example.org", institution_postcode="46483", moderated_formats="Elternkurs"),
    )
    report = run("people", content)
    assert problem_at(report, 2, "Funktion")
    assert problem_at(report, 3, "Einrichtung")
    assert problem_at(report, 4, "Moderiert Formate")
    assert "PLZ der Einrichtung" in problem_at(report, 5, "Einrichtung")[0]
    assert not [row for row in report.rows if row.line == 6 and row.errors]
    assert not Person.objects.exists()


# The columns of a file


def test_missing_required_column():
    content = csv_bytes(
        [["Kreisschlüssel", "Art", "Name", "Ort"], ["05170", "FZ", "FZ A", "Wesel"]]
    )
    report = run("institutions", content)
    assert report.rows == []
    assert report.problems == [(1, "", "The column “PLZ” (postcode) is missing.")]


def test_the_region_column_is_required_only_without_a_fixed_region(wesel):
    content = csv_bytes([["Art", "Name", "PLZ", "Ort"], ["FZ", "FZ A", "46483", "Wesel"]])
    assert "Kreisschlüssel" in run("institutions", content).problems[0][2]
    assert run("institutions", content, region=wesel).is_valid
    assert Institution.objects.get().region == wesel


def test_unknown_column():
    lines = table(INSTITUTION_LABELS, [centre()])
    lines[0].append("Lieblingsfarbe")
    lines[1].append("blau")
    report = run("institutions", csv_bytes(lines))
    assert report.problems == [(1, "", "Column 6: unknown column “Lieblingsfarbe”.")]
    assert not Institution.objects.exists()


def test_duplicate_column():
    lines = table(INSTITUTION_LABELS, [centre()])
    lines[0].append("postcode")  # the English name of "PLZ"
    lines[1].append("46483")
    report = run("institutions", csv_bytes(lines))
    assert report.problems == [(1, "", "Column 6: the column “postcode” appears twice.")]


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n", b";;;\n ; ;\n", b"\xef\xbb\xbf"])
def test_empty_file(content):
    report = run("institutions", content)
    assert report.problems == [(1, "", "The file is empty.")]


def test_empty_lines_are_skipped_and_line_numbers_stay_true():
    lines = table(INSTITUTION_LABELS, [centre(name="A"), centre(name="B", postcode="1")])
    lines.insert(2, [""] * len(lines[0]))
    report = run("institutions", csv_bytes(lines))
    assert [row.line for row in report.rows] == [2, 4]
    assert problem_at(report, 4, "PLZ")


# Encodings, delimiters, file types


UMLAUT_ROW = {
    "region_key": "05358",
    "kind": "Familienzentrum",
    "name": "Familienzentrum Löwenzahn Jülich",
    "street": "Große Rurstraße 1",
    "postcode": "52428",
    "town": "Jülich",
    "provider": "Caritasverband für die Region Düren-Jülich e. V.",
    "certified_from": "01.08.2024",
}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252", "utf-16"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_encodings_and_delimiters_keep_umlauts_intact(encoding, delimiter):
    content = institutions_csv(UMLAUT_ROW, encoding=encoding, delimiter=delimiter)
    if encoding == "cp1252":
        assert "ß".encode() not in content  # really Windows-1252, not UTF-8
    report = run("institutions", content)
    assert report.is_valid, report.problems
    record = Institution.objects.get()
    assert record.region.key == "05358"
    assert (record.name, record.street, record.town) == (
        "Familienzentrum Löwenzahn Jülich",
        "Große Rurstraße 1",
        "Jülich",
    )
    assert record.provider == "Caritasverband für die Region Düren-Jülich e. V."


def test_umlauts_in_problem_reports_of_a_windows_file():
    content = institutions_csv(UMLAUT_ROW | {"postcode": "5242"}, encoding="cp1252")
    report = run("institutions", content)
    assert report.rows[0].label == "Familienzentrum Löwenzahn Jülich"
    assert problem_at(report, 2, "PLZ") == []  # four digits: read as 05242, a valid postcode
    report = run("institutions", institutions_csv(UMLAUT_ROW | {"town": ""}, encoding="cp1252"))
    assert problem_at(report, 2, "Ort")


def test_quoted_values_with_delimiters_and_line_breaks():
    content = institutions_csv(
        centre(name='Familienzentrum "Arche"; Wesel', district="Wesel;\nHamminkeln"),
        centre(name="FZ Zwei", postcode="x"),
    )
    report = run("institutions", content)
    assert report.rows[0].label == 'Familienzentrum "Arche"; Wesel'
    assert problem_at(report, 4, "PLZ")  # the line break inside quotes counts


@pytest.mark.parametrize(
    ("filename", "content", "fragment"),
    [
        ("list.csv", random.Random(1).randbytes(3000) + b"\x00", "not a text file"),
        ("list.xlsx", random.Random(2).randbytes(3000), "not a readable Excel workbook"),
        ("list.csv", b"PK\x03\x04" + random.Random(3).randbytes(500), "Excel workbook"),
        ("list.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), ".xls"),
        ("list.csv", b"\x81\x8d\x8f\x90\x9d\xff" * 20, "neither UTF-8 nor Windows-1252"),
        ("list.xlsx", b"Art;Name;PLZ;Ort\n", "not a readable Excel workbook"),
    ],
)
def test_a_file_that_is_no_list_gives_a_clear_problem(filename, content, fragment):
    report = run("institutions", content, filename=filename)
    assert not report.is_valid
    assert report.rows == []
    assert any(fragment in message for _line, _column, message in report.problems)
    assert not Institution.objects.exists()


def test_garbage_that_decodes_as_text_is_reported_as_unknown_columns():
    content = bytes(range(0x80, 0x100)).replace(b"\x81", b"").replace(b"\x8d", b"")
    content = content.replace(b"\x8f", b"").replace(b"\x90", b"").replace(b"\x9d", b"") * 5
    report = run("institutions", content)
    assert not report.is_valid
    assert any("unknown column" in message for _line, _column, message in report.problems)
    assert csv.excel.delimiter == ","  # the csv module's defaults are left alone


def test_xlsx_with_real_dates_and_numbers(wesel):
    header = ["Externe ID", "Kreisschlüssel", "Art", "Name", "PLZ", "Ort", "Breitengrad"]
    header += ["Längengrad", "Gütesiegel von", "Gütesiegel bis", "Betreuungsplätze", "Telefon"]
    regenbogen = [1001, "05170", "FZ", "FZ Regenbogen", 46483, "Wesel", 51.6617941, 6.61374639]
    regenbogen += [date(2023, 8, 1), datetime(2027, 7, 31, 0, 0), 12, "0281 123"]
    sonne = [1002.0, 5170, "FZ", "FZ Sonne", 1067.0, "Dresden", None, None, None, None, 3.0, None]
    content = xlsx_bytes([header, regenbogen, sonne])
    report = run("institutions", content, filename="Liste.XLSX")
    assert report.is_valid, report.problems
    regenbogen = Institution.objects.get(external_id="1001")
    assert (regenbogen.postcode, regenbogen.certified_from, regenbogen.certified_until) == (
        "46483",
        date(2023, 8, 1),
        date(2027, 7, 31),
    )
    assert (regenbogen.latitude, regenbogen.longitude) == (Decimal("51.66179"), Decimal("6.61375"))
    assert regenbogen.childcare_places == 12
    sonne = Institution.objects.get(external_id="1002")
    assert (sonne.postcode, sonne.region, sonne.childcare_places) == ("01067", wesel, 3)


def test_xlsx_problems_name_the_row_of_the_sheet():
    content = xlsx_bytes(
        [
            ["Kreisschlüssel", "Art", "Name", "PLZ", "Ort", "Gütesiegel von", "Betreuungsplätze"],
            ["05170", "FZ", "FZ A", "46483", "Wesel", date(2024, 1, 1), 2.5],
            [],
            ["05170", "FZ", "FZ B", "46483", "Wesel", "gestern", None],
        ]
    )
    report = run("institutions", content, filename="x.xlsx")
    assert problem_at(report, 2, "Betreuungsplätze") == ["“2.5” is not a whole number."]
    assert problem_at(report, 4, "Gütesiegel von")
    assert not Institution.objects.exists()


def test_only_the_first_sheet_is_read():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Kreisschlüssel", "Art", "Name", "PLZ", "Ort"])
    workbook.active.append(["05170", "FZ", "FZ A", "46483", "Wesel"])
    workbook.create_sheet("Notizen").append(["irgendwas", "anderes"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run("institutions", buffer.getvalue(), filename="x.xlsx")
    assert report.is_valid, report.problems
    assert report.created_count == 1


def test_five_thousand_rows_import_and_reimport_without_duplicates():
    rows = [
        centre(
            external_id=f"FZ-{number:05d}",
            name=f"Familienzentrum {number}",
            postcode=("46483", "46487", "47441", "46535")[number % 4],
            provider_type=("katholisch", "evangelisch", "kommunal", "")[number % 4],
            certified_from="01.08.2024",
        )
        for number in range(5000)
    ]
    rows[7]["youth_welfare_office"] = "Jugendamt Kreis Wesel"
    rows.append(centre(name="Jugendamt Kreis Wesel", kind="JA", external_id="JA-1"))
    content = institutions_csv(*rows)
    report = run("institutions", content)
    assert report.is_valid, report.problems[:5]
    assert report.created_count == 5001
    assert Institution.objects.filter(external_id__startswith="FZ-").count() == 5000
    again = run("institutions", content)
    assert (again.created_count, again.updated_count) == (0, 5001)
    assert Institution.objects.count() == 5001
    assert Institution.objects.get(external_id="FZ-00007").youth_welfare_office.name == (
        "Jugendamt Kreis Wesel"
    )


# The web flow


@pytest.fixture
def web(client, coordinator):
    client.force_login(coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def upload(client, content, *, kind="institutions", name="liste.csv", region_key="05170"):
    """Upload a file; the check runs as the task it is (the immediate backend of the tests)
    once the upload is committed."""
    file = io.BytesIO(content)
    file.name = name
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("import-upload", kwargs={"region_key": region_key}),
            {"kind": kind, "file": file},
        )


def confirm(client, url):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url)


def test_web_upload_preview_and_confirm(web, coordinator):
    response = upload(web, (SAMPLES / "institutions.csv").read_bytes())
    batch = ImportBatch.objects.get()
    preview = reverse("import-preview", kwargs={"region_key": "05170", "pk": batch.pk})
    assert response.status_code == 302
    assert response.url == preview
    assert (batch.uploaded_by, batch.kind, batch.filename) == (
        coordinator,
        "institutions",
        "liste.csv",
    )

    page = web.get(preview)
    assert page.status_code == 200
    html = page.content.decode()
    for name in [
        "Agentur für Arbeit Wesel",
        "Familienzentrum St. Marien",
        "Jugendamt der Stadt Wesel",
    ]:
        assert name in html
    assert html.count("will be created</td>") == 9
    assert not Institution.objects.exists()  # the preview saves nothing

    response = confirm(web, preview)
    assert response.status_code == 302
    assert response.url == preview
    assert Institution.objects.count() == 9
    batch.refresh_from_db()
    assert batch.applied_at is not None
    assert (batch.created_count, batch.updated_count) == (9, 0)
    html = web.get(preview).content.decode()
    assert "Import finished: 9 created, 0 updated." in html
    assert reverse("institution-list", kwargs={"region_key": "05170"}) in html

    assert confirm(web, preview).status_code == 302  # a batch is applied once
    batch.refresh_from_db()
    assert (batch.created_count, batch.updated_count) == (9, 0)
    assert Institution.objects.count() == 9


def test_web_people_import_after_institutions(web):
    run("institutions", (SAMPLES / "institutions.csv").read_bytes())
    upload(web, (SAMPLES / "people.csv").read_bytes(), kind="people", name="people.csv")
    batch = ImportBatch.objects.get()
    preview = reverse("import-preview", kwargs={"region_key": "05170", "pk": batch.pk})
    assert "Yıldız" in web.get(preview).content.decode()
    confirm(web, preview)
    assert (
        reverse("person-list", kwargs={"region_key": "05170"}) in web.get(preview).content.decode()
    )
    assert Person.objects.count() == 8


def test_web_preview_of_a_bad_file_shows_line_and_column(web):
    content = institutions_csv(centre(name="FZ Eins"), centre(name="FZ Zwei", postcode="4648X"))
    upload(web, content)
    batch = ImportBatch.objects.get()
    preview = reverse("import-preview", kwargs={"region_key": "05170", "pk": batch.pk})
    html = web.get(preview).content.decode()
    assert "Line 3, column “PLZ”: A postcode has exactly 5 digits." in html
    assert "Confirm import" not in html
    response = confirm(web, preview)  # confirming anyway saves nothing
    assert response.status_code == 302
    html = web.get(preview).content.decode()
    assert "The file has problems: correct it and upload it again." in html
    assert "Line 3, column “PLZ”" in html
    assert not Institution.objects.exists()
    batch.refresh_from_db()
    assert batch.applied_at is None


def test_web_people_of_another_region_are_refused(web, borken):
    InstitutionFactory(region=borken, name="FZ Borken")
    upload(web, people_csv(person(institution="FZ Borken")), kind="people")
    batch = ImportBatch.objects.get()
    preview = reverse("import-preview", kwargs={"region_key": "05170", "pk": batch.pk})
    assert "column “Einrichtung”" in web.get(preview).content.decode()
    confirm(web, preview)
    assert not Person.objects.exists()


def test_web_file_problems_are_shown(web):
    upload(web, b";;\r\n")
    batch = ImportBatch.objects.get()
    preview = reverse("import-preview", kwargs={"region_key": "05170", "pk": batch.pk})
    assert "The file is empty." in web.get(preview).content.decode()


def test_web_import_urls_are_closed_to_others(client, coordinator, staff, state_user, borken):
    client.force_login(coordinator)
    upload(client, institutions_csv(centre()))
    batch = ImportBatch.objects.get()
    upload_url = reverse("import-upload", kwargs={"region_key": "05170"})
    preview = reverse("import-preview", kwargs={"region_key": "05170", "pk": batch.pk})

    client.force_login(staff)
    assert client.get(upload_url).status_code == 403
    assert upload(client, institutions_csv(centre())).status_code == 403
    assert client.get(preview).status_code == 403
    assert client.post(preview).status_code == 403

    client.force_login(state_user)
    assert client.get(upload_url).status_code == 403
    assert client.post(preview).status_code == 403

    client.force_login(UserFactory(role=User.Role.COORDINATOR, regions=[borken]))
    assert client.get(upload_url).status_code == 404
    assert client.get(preview).status_code == 404
    assert client.post(preview).status_code == 404
    # their own region's URL does not open another region's batch
    other_region_preview = reverse("import-preview", kwargs={"region_key": "05554", "pk": batch.pk})
    assert client.post(other_region_preview).status_code == 404

    client.force_login(UserFactory(role=User.Role.COORDINATOR, regions=[batch.region]))
    assert client.post(preview).status_code == 404  # not theirs to confirm

    assert not Institution.objects.filter(name="Familienzentrum Regenbogen").exists()
    assert ImportBatch.objects.count() == 1


def test_the_downloaded_template_filled_in_imports(web):
    url = reverse("import-template", kwargs={"region_key": "05170", "kind": "institutions"})
    template = web.get(url).content
    assert template.startswith(b"\xef\xbb\xbf")
    titles = template.decode("utf-8-sig").strip().split(";")
    row = {"Kreisschlüssel": "05170", "Art": "FZ", "Name": "FZ Regenbogen", "PLZ": "46483"}
    row["Ort"] = "Wesel"
    line = ";".join(row.get(title, "") for title in titles)
    report = run("institutions", template + (line + "\r\n").encode())
    assert report.is_valid, report.problems
    assert Institution.objects.get().name == "FZ Regenbogen"
