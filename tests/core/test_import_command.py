"""The command ``neuewege import institutions|people FILE [--region KEY] [--check]``."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from neuewege.core.models import Institution, Person

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


@pytest.fixture(autouse=True)
def english():
    """The command speaks the active language; messages are compared in English."""
    with translation.override("en"):
        yield


def import_(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *[str(arg) for arg in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_imports_the_samples_and_reports_counts():
    out, _err = import_("institutions", SAMPLES / "institutions.csv")
    assert out.strip() == "9 were created, 0 were updated."
    out, _err = import_("people", SAMPLES / "people.csv")
    assert out.strip() == "8 were created, 0 were updated."
    assert (Institution.objects.count(), Person.objects.count()) == (9, 8)
    out, _err = import_("institutions", SAMPLES / "institutions.xlsx")
    assert out.strip() == "0 were created, 9 were updated."
    assert Institution.objects.count() == 9


def test_check_saves_nothing():
    out, _err = import_("institutions", SAMPLES / "institutions.csv", "--check")
    assert out.strip() == "9 would be created, 0 would be updated."
    assert not Institution.objects.exists()


def test_a_bad_file_raises_and_saves_nothing(tmp_path):
    path = write(
        tmp_path,
        "liste.csv",
        "Kreisschlüssel;Art;Name;PLZ;Ort\n"
        "05170;FZ;FZ Eins;46483;Wesel\n"
        "05170;FZ;FZ Zwei;4648X;Wesel\n"
        "05170;Kita;FZ Drei;46483;Wesel\n",
        encoding="cp1252",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"2 problem\(s\); nothing was saved"):
        call_command("import", "institutions", str(path), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0] == "liste.csv: line 3, column 'PLZ': A postcode has exactly 5 digits."
    assert lines[1].startswith("liste.csv: line 4, column 'Art': “Kita” is not one of:")
    assert not Institution.objects.exists()


def test_a_file_problem_is_reported(tmp_path):
    path = write(tmp_path, "leer.csv", "")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "people", str(path), stdout=io.StringIO(), stderr=err)
    assert "leer.csv: line 1: The file is empty." in err.getvalue()


def test_region_option_for_a_file_without_region_column(tmp_path, wesel):
    path = write(tmp_path, "liste.csv", "Art;Name;PLZ;Ort\nFZ;FZ Eins;46483;Wesel\n")
    with pytest.raises(CommandError):
        import_("institutions", path)  # no region column and no --region
    out, _err = import_("institutions", path, "--region", "05170")
    assert out.strip() == "1 were created, 0 were updated."
    assert Institution.objects.get().region == wesel


def test_unknown_region(tmp_path):
    path = write(tmp_path, "liste.csv", "Art;Name;PLZ;Ort\nFZ;FZ Eins;46483;Wesel\n")
    with pytest.raises(CommandError, match="Unknown region key '99999'"):
        import_("institutions", path, "--region", "99999")
    assert not Institution.objects.exists()


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        import_("institutions", tmp_path / "fehlt.csv")
