"""German is the default language: every UI string must have a German translation, and the
catalogue must be in step with the source (run `make messages` after changing strings)."""

import shutil
import subprocess
import sys
from pathlib import Path

import neuewege

PACKAGE = Path(neuewege.__file__).parent
CATALOGUE = PACKAGE / "locale" / "de" / "LC_MESSAGES" / "django.po"


def msgids(po_file: Path) -> set[str]:
    """msgids of a .po file, via gettext's msgattrib (one line per msgid, no wrapping)."""
    result = subprocess.run(
        ["msgattrib", "--no-wrap", "--no-location", "--no-obsolete", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        line for line in result.stdout.splitlines() if line.startswith(("msgid ", "msgid_plural "))
    }


def test_every_german_string_is_translated_and_not_fuzzy():
    for flag in ("--untranslated", "--only-fuzzy"):
        result = subprocess.run(
            ["msgattrib", flag, "--no-location", str(CATALOGUE)],
            capture_output=True,
            text=True,
            check=True,
        )
        entries = [line for line in result.stdout.splitlines() if line.startswith("msgid ")]
        assert entries in ([], ['msgid ""']), f"{flag}: {entries}"
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(CATALOGUE)], check=True)


def test_catalogue_is_in_step_with_the_source(tmp_path):
    copy = tmp_path / "neuewege"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    (tmp_path / "extract_settings.py").write_text(
        f"from neuewege.settings import *  # noqa\nLOCALE_PATHS = [{str(copy / 'locale')!r}]\n"
    )
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "de", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": f"{tmp_path}:{PACKAGE.parent}",
            "DJANGO_SETTINGS_MODULE": "extract_settings",
        },
    )
    extracted = msgids(copy / "locale" / "de" / "LC_MESSAGES" / "django.po")
    assert extracted == msgids(CATALOGUE), "run `make messages` and translate the new strings"
