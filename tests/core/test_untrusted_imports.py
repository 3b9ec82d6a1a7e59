"""Hostile and careless files given to the import (issue 12, defect 6): each is refused before
anything is parsed, or reported at its line and column, in German and in English — never a hang,
a crash or a half-saved file. The files are built here (tests/bombs.py)."""

import io
import re
import zipfile
from datetime import date

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from neuewege.core.access import access_for
from neuewege.core.imports import MAX_CELL_CHARACTERS, MAX_FILE_BYTES, Importer, ImportReport
from neuewege.core.models import ImportBatch, Institution, Person
from tests.bombs import (
    SHEET,
    entry,
    unpacks_to_a_gibibyte,
    workbook_parts,
    workbook_with,
    zip_of,
)
from tests.core.test_imports import (
    centre,
    confirm,
    institutions_csv,
    problem_at,
    run,
    upload,
    xlsx_bytes,
)
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

HEADER = ["Kreisschlüssel", "Art", "Name", "PLZ", "Ort"]
ROW = ["05170", "FZ", "Familienzentrum Regenbogen", "46483", "Wesel"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def gibibyte_bomb():
    return unpacks_to_a_gibibyte([HEADER, ROW])


def file_problems(report):
    assert not report.is_valid
    assert report.rows == []
    return " ".join(report.file_problems)


def declaring(ref):
    """The sheet of a small workbook, claiming another extent."""

    def sheet(xml):
        # openpyxl writes it with or without a space before "/>" (with lxml installed: without)
        declared = re.compile(rb'<dimension ref="A1:E2"\s*/>')
        assert declared.search(xml)
        return declared.sub(f'<dimension ref="{ref}" />'.encode(), xml)

    return sheet


@pytest.fixture
def web(client, coordinator):
    client.force_login(coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# Workbooks that would have hung the check


def test_a_small_workbook_declaring_the_whole_grid_is_refused_before_a_row_is_read():
    content = workbook_with([HEADER, ROW], sheet=declaring("A1:XFD1048576"))
    assert len(content) < 10_000
    problems = file_problems(run("institutions", content, filename="liste.xlsx"))
    assert "declares 1,048,576 rows and 16,384 columns (up to cell XFD1048576)" in problems
    assert "at most 20,001 rows and 50 columns" in problems
    assert not Institution.objects.exists()


def test_a_workbook_declaring_a_smaller_extent_than_it_has_loses_no_row():
    rows = [HEADER] + [[*ROW[:2], f"FZ {number}", *ROW[3:]] for number in range(5)]
    content = workbook_with(rows, sheet=lambda xml: xml.replace(b'"A1:E6"', b'"A1:B2"'))
    report = run("institutions", content, filename="liste.xlsx")
    assert report.is_valid, report.problems
    assert Institution.objects.count() == 5


def test_a_cell_at_the_last_row_of_the_grid_is_read_without_walking_empty_cells():
    last_row = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>05170</t></is></c></row>'
    content = workbook_with(
        [HEADER, ROW], sheet=lambda xml: xml.replace(b"</sheetData>", last_row + b"</sheetData>")
    )
    report = run("institutions", content, filename="liste.xlsx", write=False)
    assert [row.line for row in report.rows] == [2, 1048576]
    assert problem_at(report, 1048576, "Art")  # the row is there, and incomplete


def test_rows_beyond_the_grid_are_refused():
    beyond = b'<row r="99999999"><c r="A99999999" t="inlineStr"><is><t>x</t></is></c></row>'
    content = workbook_with(
        [HEADER, ROW], sheet=lambda xml: xml.replace(b"</sheetData>", beyond + b"</sheetData>")
    )
    problems = file_problems(run("institutions", content, filename="liste.xlsx"))
    assert "not a readable Excel workbook" in problems or "beyond line 1,048,576" in problems


def test_a_workbook_that_unpacks_to_a_gibibyte_is_refused_from_its_zip_directory(
    gibibyte_bomb,
):
    assert len(gibibyte_bomb) < 2 * 1024 * 1024
    declared = zipfile.ZipFile(io.BytesIO(gibibyte_bomb)).getinfo(SHEET).file_size
    assert declared > 1024**3
    problems = file_problems(run("institutions", gibibyte_bomb, filename="liste.xlsx"))
    assert "The file unpacks to 1.0\xa0GB; at most 50.0\xa0MB are accepted." in problems
    assert not Institution.objects.exists()


def test_the_web_upload_refuses_a_bomb_at_the_field_and_keeps_nothing(web, gibibyte_bomb):
    response = upload(web, gibibyte_bomb, name="liste.xlsx")
    assert response.status_code == 200
    assert "unpacks to 1.0\xa0GB" in " ".join(response.context["form"].errors["file"])
    assert not ImportBatch.objects.exists()
    assert not Institution.objects.exists()


def test_the_command_refuses_a_bomb(tmp_path, gibibyte_bomb):
    path = tmp_path / "liste.xlsx"
    path.write_bytes(gibibyte_bomb)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "institutions", str(path), stderr=err)
    assert "unpacks to 1.0\xa0GB" in err.getvalue()
    assert not Institution.objects.exists()


def test_too_many_zip_entries_are_refused():
    extra = [entry(f"xl/media/image{number}.png", b"x") for number in range(1001)]
    problems = file_problems(
        run("institutions", workbook_with([HEADER, ROW], extra=extra), filename="liste.xlsx")
    )
    assert problems == "The file holds 1,010 parts; at most 1,000 are accepted."


def test_an_entry_packed_like_a_bomb_is_refused_although_its_size_is_allowed():
    spaces = entry("xl/padding.bin", b" " * (20 * 1024 * 1024))
    content = workbook_with([HEADER, ROW], extra=[spaces])
    problems = file_problems(run("institutions", content, filename="liste.xlsx"))
    assert "packed more tightly than any real document" in problems


def test_encrypted_entries_and_password_protected_workbooks_are_refused():
    flagged = workbook_with([HEADER, ROW], flags=0x1)
    assert "protected with a password" in file_problems(
        run("institutions", flagged, filename="liste.xlsx")
    )
    # Excel saves a workbook with a password as a compound file holding an EncryptedPackage
    compound = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)
    protected = compound + "EncryptedPackage".encode("utf-16-le") + bytes(500)
    assert "protected with a password" in file_problems(
        run("institutions", protected, filename="liste.xlsx")
    )
    assert ".xls" in file_problems(run("institutions", compound, filename="alt.xls"))


def test_a_strict_open_xml_workbook_is_refused_with_what_to_do():
    def strict(xml):
        return xml.replace(
            b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        )

    parts = [entry(SHEET, strict(b"<worksheet/>"))]
    for name, data in workbook_parts([HEADER, ROW]).items():
        if name != SHEET:
            parts.append(entry(name, strict(data) if name.endswith("workbook.xml") else data))
    problems = file_problems(run("institutions", zip_of(parts), filename="liste.xlsx"))
    assert "Strict Open XML" in problems and "Excel Workbook (.xlsx)" in problems


def test_a_workbook_without_a_sheet_or_with_an_empty_sheet():
    assert "The file is empty." in file_problems(
        run("institutions", xlsx_bytes([]), filename="leer.xlsx")
    )


def test_a_file_over_the_limit_is_refused_before_it_is_read():
    content = institutions_csv(centre()) + b" " * MAX_FILE_BYTES
    assert "larger than 10 MB" in file_problems(run("institutions", content))


def test_a_file_over_the_row_limit_is_refused_early(coordinator, wesel, monkeypatch):
    from neuewege.core import imports

    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    rows = "".join(f"FZ;FZ {n};46483;Wesel\n" for n in range(10))
    report = Importer(access=access_for(coordinator), kind="institutions", region=wesel).check(
        "x.csv", ("Art;Name;PLZ;Ort\n" + rows).encode()
    )
    assert report.file_problems and "3" in report.file_problems[0]
    assert not Person.objects.exists()


# Values that crashed the check or slipped through to the database


@pytest.mark.parametrize("value", ["1e30", "-1E+999999", "123456789012345678901234567890"])
def test_a_huge_coordinate_is_a_problem_at_its_cell(value):
    report = run("institutions", institutions_csv(centre(latitude=value, longitude="6,6")))
    assert problem_at(report, 2, "Breitengrad") == [
        f"{value} is not a coordinate (degrees lie between -180 and 180)."
    ]


def test_a_huge_coordinate_in_a_number_cell_of_a_workbook():
    content = xlsx_bytes([[*HEADER, "Breitengrad", "Längengrad"], [*ROW, 1e30, 6.6]])
    report = run("institutions", content, filename="liste.xlsx")
    assert problem_at(report, 2, "Breitengrad") == [
        "1e+30 is not a coordinate (degrees lie between -180 and 180)."
    ]


def test_a_nul_byte_after_the_byte_order_mark_is_a_problem_at_its_cell():
    content = b"\xef\xbb\xbf" + institutions_csv(centre(name="Familien\x00zentrum"))
    report = run("institutions", content)
    assert problem_at(report, 2, "Name") == [
        "The value holds an invisible control character (U+0000) at position 9. Remove it."
    ]
    assert not Institution.objects.exists()


@pytest.mark.parametrize("character", ["\x01", "\x1b", "\x7f", "\x85", "\x9c"])
def test_control_characters_are_problems_and_line_breaks_are_not(character):
    report = run("institutions", institutions_csv(centre(street=f"Am Markt{character} 1")))
    assert "control character" in problem_at(report, 2, "Straße")[0]
    report = run("institutions", institutions_csv(centre(street="Am Markt 1\r\nHinterhaus")))
    assert report.is_valid, report.problems


def test_a_windows_line_in_a_utf8_file_is_reported_at_its_line_and_column():
    content = institutions_csv(centre(name="Familienzentrum Überruhr")) + (
        "05170;FZ;Familienzentrum Mühlenweg;46483;Wesel\r\n".encode("cp1252")
    )
    report = run("institutions", content)
    assert problem_at(report, 3, "Name") == [
        "This value is not UTF-8 like the rest of the file (it was probably saved as "
        "Windows-1252): the file mixes encodings. Save the whole file as “CSV UTF-8”."
    ]
    assert problem_at(report, 2, "Name") == []
    assert not Institution.objects.exists()


def test_a_file_all_in_windows_1252_still_imports():
    content = institutions_csv(centre(name="Familienzentrum Mühlenweg"), encoding="cp1252")
    assert run("institutions", content).is_valid
    assert Institution.objects.get().name == "Familienzentrum Mühlenweg"


def test_a_byte_order_mark_before_a_data_row_creates_no_duplicate():
    first = b"\xef\xbb\xbf" + institutions_csv(centre(external_id="FZ-1"))
    assert run("institutions", first).created_count == 1
    header, row = first.split(b"\r\n", 1)
    joined = header + b"\r\n" + b"\xef\xbb\xbf" + row  # two exports put together
    report = run("institutions", joined)
    assert (report.created_count, report.updated_count) == (0, 1)
    assert Institution.objects.get().external_id == "FZ-1"


def test_invisible_characters_and_decomposed_umlauts_create_no_duplicate():
    run("institutions", institutions_csv(centre(name="Familienzentrum Mühle")))
    again = institutions_csv(centre(name="\u200bFamilienzentrum Mu\u0308hle\ufeff"))
    report = run("institutions", again)
    assert (report.created_count, report.updated_count) == (0, 1)
    assert Institution.objects.get().name == "Familienzentrum Mühle"


def test_a_huge_cell_is_a_problem_and_never_echoed():
    huge = "A" * 200_000
    report = run("institutions", institutions_csv(centre(name="FZ", town=huge[:100_000])))
    (message,) = problem_at(report, 2, "Ort")
    assert message == f"The value has 100000 characters; at most {MAX_CELL_CHARACTERS} are read."
    report = run("institutions", institutions_csv(centre(town=huge)))
    assert "Line 2 has a value longer than 131,072 characters." in file_problems(report)
    report = run("institutions", institutions_csv(centre(kind="Kita" + "x" * 900)))
    (message,) = problem_at(report, 2, "Art")
    assert "“Kitaxxxx" in message and len(message) < 400


def test_an_unknown_column_with_a_huge_title_is_named_short():
    content = ";".join([*HEADER, "Z" * 5000]).encode() + b"\r\n" + ";".join(ROW).encode()
    problems = file_problems(run("institutions", content))
    assert "Column 6: unknown column “ZZZZ" in problems and len(problems) < 200


@pytest.mark.parametrize("error", ["#REF!", "#NAME?", "#N/A", "#VALUE!"])
def test_excel_errors_are_not_imported_as_text(error):
    content = xlsx_bytes([[*HEADER, "Träger"], [*ROW, error]])
    report = run("institutions", content, filename="liste.xlsx")
    assert problem_at(report, 2, "Träger") == [
        f"The cell holds the Excel error {error} instead of a value."
    ]


@pytest.mark.parametrize("value", ["01.08.0224", "0224-08-01", "01.08.2524"])
def test_implausible_dates_are_problems(value):
    report = run("institutions", institutions_csv(centre(certified_from=value)))
    assert "is not a plausible date (check the year)" in problem_at(report, 2, "Gütesiegel von")[0]


def test_a_date_cell_out_of_excel_range_is_a_problem_not_a_crash():
    content = xlsx_bytes([[*HEADER, "Gütesiegel von"], [*ROW, date(2024, 8, 1)]])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    assert b"<v>45505</v>" in parts[SHEET]  # the date as Excel counts days
    parts[SHEET] = parts[SHEET].replace(b"<v>45505</v>", b"<v>99999999</v>")  # beyond year 9999
    with pytest.warns(UserWarning, match="outside the limits for dates"):  # openpyxl's
        report = run(
            "institutions",
            zip_of([entry(name, data) for name, data in parts.items()]),
            filename="liste.xlsx",
        )
    assert problem_at(report, 2, "Gütesiegel von") == [
        "The cell holds the Excel error #VALUE! instead of a value."
    ]


@pytest.mark.parametrize("value", ["9" * 500, "²", "١٢"])
def test_numbers_that_are_not_plain_digits_are_problems(value):
    report = run("institutions", institutions_csv(centre(childcare_places=value)))
    assert "is not a whole number" in problem_at(report, 2, "Betreuungsplätze")[0]


# Youth welfare offices named ambiguously


def office_file(*rows):
    return institutions_csv(*rows)


def test_an_office_name_shared_by_two_offices_is_a_problem_every_time(wesel):
    InstitutionFactory(
        region=wesel, kind="youth_welfare_office", name="Jugendamt", postcode="46483"
    )
    InstitutionFactory(
        region=wesel, kind="youth_welfare_office", name="Jugendamt", postcode="47441"
    )
    content = office_file(centre(youth_welfare_office="Jugendamt"))
    for _attempt in range(2):
        report = run("institutions", content)
        assert problem_at(report, 2, "Jugendamt") == [
            "Several youth welfare offices in this region are called “Jugendamt”. Give each one "
            "an external ID (column “Externe ID”) and name the office by it."
        ]
    assert not Institution.objects.filter(kind="family_centre").exists()


def test_an_office_named_by_its_external_id_is_found_although_the_names_are_shared(wesel):
    InstitutionFactory(
        region=wesel, kind="youth_welfare_office", name="Jugendamt", external_id="JA-1"
    )
    moers = InstitutionFactory(
        region=wesel, kind="youth_welfare_office", name="Jugendamt", external_id="JA-2"
    )
    assert run("institutions", office_file(centre(youth_welfare_office="JA-2"))).is_valid
    assert Institution.objects.get(kind="family_centre").youth_welfare_office == moers


def test_an_office_that_becomes_ambiguous_later_in_the_file_is_a_problem(wesel):
    InstitutionFactory(region=wesel, kind="youth_welfare_office", name="Jugendamt Wesel")
    content = office_file(
        centre(youth_welfare_office="Jugendamt Wesel"),
        centre(kind="JA", name="Jugendamt Wesel", postcode="46487", town="Wesel"),
    )
    report = run("institutions", content)
    assert "Several youth welfare offices" in problem_at(report, 2, "Jugendamt")[0]
    assert Institution.objects.count() == 1


# Postcodes outside the region


def notes(report):
    return [(line, column, message) for line, column, message in report.warnings]


def test_a_postcode_outside_the_state_is_imported_with_a_note_at_its_line(wesel):
    content = institutions_csv(centre(), centre(name="FZ Berlin", postcode="10115", town="Berlin"))
    report = run("institutions", content, region=wesel)
    assert report.is_valid
    assert notes(report) == [
        (
            3,
            "PLZ",
            "The postcode 10115 lies outside North Rhine-Westphalia, about 457 km from Kreis "
            "Wesel. Check it; if it is right, the institution is imported all the same.",
        )
    ]
    assert Institution.objects.count() == 2


def test_a_postcode_of_another_region_is_noted_with_that_region(wesel):
    report = run("institutions", institutions_csv(centre(postcode="33098", town="Paderborn")))
    ((line, column, message),) = notes(report)
    assert (line, column) == (2, "PLZ")
    assert message.startswith("The postcode 33098 lies in or near Kreis Paderborn, about")
    assert report.is_valid


@pytest.mark.parametrize(
    "postcode",
    [
        "46483",
        "46499",
        "47475",
        "46562",
        "47665",
    ],  # Wesel, Hamminkeln, Kamp-Lintfort, Voerde, Sonsbeck
)
def test_postcodes_inside_the_region_and_at_its_border_get_no_note(postcode):
    report = run("institutions", institutions_csv(centre(postcode=postcode)))
    assert notes(report) == [], notes(report)


def test_an_unknown_postcode_is_noted():
    report = run("institutions", institutions_csv(centre(postcode="00000")))
    assert "The postcode 00000 is not known" in notes(report)[0][2]


def test_the_command_prints_notes_and_imports(tmp_path):
    path = tmp_path / "liste.csv"
    path.write_bytes(institutions_csv(centre(postcode="10115", town="Berlin")))
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "institutions", str(path), stdout=out, stderr=err)
    assert "line 2, column 'PLZ': note: The postcode 10115 lies outside" in err.getvalue()
    assert "1 were created" in out.getvalue()


# In German, and through the web


def test_problems_and_notes_are_given_in_german():
    with translation.override("de"):
        report = run("institutions", institutions_csv(centre(latitude="1e30", longitude="6")))
        assert problem_at(report, 2, "Breitengrad") == [
            "1e30 ist keine Koordinate (Grad liegen zwischen -180 und 180)."
        ]
        content = institutions_csv(centre(name="FZ\x00"), centre(postcode="10115", town="Berlin"))
        report = run("institutions", b"\xef\xbb\xbf" + content)
        assert problem_at(report, 2, "Name") == [
            "Der Wert enthält an Stelle 3 ein unsichtbares Steuerzeichen (U+0000). "
            "Entfernen Sie es."
        ]
        assert report.warnings[0][2].startswith(
            "Die Postleitzahl 10115 liegt außerhalb von Nordrhein-Westfalen, etwa 457 km von "
            "Kreis Wesel entfernt."
        )
        content = workbook_with([HEADER, ROW], sheet=declaring("A1:XFD1048576"))
        problems = file_problems(run("institutions", content, filename="liste.xlsx"))
        assert "gibt 1.048.576 Zeilen und 16.384 Spalten an (bis Zelle XFD1048576)" in problems


def test_the_web_check_reports_a_declared_bomb_and_confirming_saves_nothing(web):
    upload(web, workbook_with([HEADER, ROW], sheet=declaring("A1:XFD1048576")), name="l.xlsx")
    batch = ImportBatch.objects.get()
    preview = reverse("import-preview", kwargs={"region_key": "05170", "pk": batch.pk})
    html = web.get(preview).content.decode()
    assert "declares 1,048,576 rows" in html
    assert "Confirm import" not in html
    confirm(web, preview)
    assert not Institution.objects.exists()
    batch.refresh_from_db()
    assert batch.applied_at is None and not ImportReport.from_json(batch.report).is_valid


def test_the_web_preview_shows_notes_and_the_import_goes_through(web):
    upload(web, institutions_csv(centre(name="FZ Berlin", postcode="10115", town="Berlin")))
    batch = ImportBatch.objects.get()
    preview = reverse("import-preview", kwargs={"region_key": "05170", "pk": batch.pk})
    html = web.get(preview).content.decode()
    assert "1 note: please check it. It does not stop the import." in html
    assert "Line 2, column “PLZ”: The postcode 10115 lies outside" in html
    assert "Confirm import" in html
    confirm(web, preview)
    assert Institution.objects.get().postcode == "10115"


@pytest.mark.postgres
def test_a_nul_byte_never_reaches_postgresql(web):
    """PostgreSQL refuses NUL in text: the check reports it at its cell, and confirming anyway
    saves nothing and answers no 500."""
    content = b"\xef\xbb\xbf" + institutions_csv(
        centre(external_id="FZ-1"), centre(external_id="FZ-2", name="FZ\x00 Zwei")
    )
    upload(web, content)
    batch = ImportBatch.objects.get()
    preview = reverse("import-preview", kwargs={"region_key": "05170", "pk": batch.pk})
    html = web.get(preview).content.decode()
    assert "Line 3, column “Name”: The value holds an invisible control character (U+0000)" in html
    assert confirm(web, preview).status_code == 302
    assert web.get(preview).status_code == 200
    assert not Institution.objects.exists()
    # and had it been confirmed, the import checks every cell again before writing
    report = run("institutions", content)
    assert problem_at(report, 3, "Name") and not Institution.objects.exists()


@pytest.mark.parametrize("name", ["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "+1+cmd"])
def test_a_name_that_is_a_formula_is_imported_as_text_and_exported_as_text(name):
    """Such names are kept as they are (phone numbers start with “+”, too); every export of the
    application writes them so that a spreadsheet shows them and never runs them."""
    from neuewege.core.documents import to_csv, to_xlsx

    assert run("institutions", institutions_csv(centre(name=name))).is_valid
    stored = Institution.objects.get().name
    assert stored == name
    csv_cell = to_csv(["Name"], [[stored]]).decode("utf-8-sig").splitlines()[1]
    assert csv_cell.strip('"').startswith("'")
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(["Name"], [[stored]], title="T"))).active
    assert (sheet["A2"].value, sheet["A2"].data_type) == (name, "s")
