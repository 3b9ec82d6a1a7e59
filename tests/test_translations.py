"""German is the default language: every UI string must have a German translation, and the
catalogue must be in step with the source (run `make messages` after changing strings).
The pages for parents are also in Turkish, Arabic, Ukrainian, Russian and Polish: every string
of the files parents see must be translated into each of them."""

import shutil
import subprocess
import sys
from pathlib import Path

import neuewege

PACKAGE = Path(neuewege.__file__).parent
CATALOGUE = PACKAGE / "locale" / "de" / "LC_MESSAGES" / "django.po"
PARENT_LANGUAGES = ["tr", "ar", "uk", "ru", "pl"]
# What parents see: their pages, the e-mails, calendar files, the booking rules' messages, the
# labels of topics, target groups, languages and statuses, and the shared form templates.
PARENT_SOURCES = (
    "templates/parent_base.html",
    "templates/forms/",
    "templates/includes/pagination.html",
    "events/public_views.py",
    "events/search.py",
    "events/forms/booking.py",
    "events/templates/events/public/",
    "events/jinja2/events/public/",
    "events/templates/events/email/",
    "events/tasks.py",
    "events/calendars.py",
    "events/services/",
    "events/models.py",
    "settings.py",
    "core/limits.py",
    "core/templates/core/legal/",
    "core/templates/core/barrier_report.html",
    "navigator/public_views.py",
    "navigator/templates/navigator/public/",
    "navigator/taxonomy.py",
    "navigator/schedules.py",
    "navigator/search_forms.py",
    "navigator/languages.py",
    "navigator/templatetags/",
    "navigator/templates/navigator/brochure_pdf.html",
    "navigator/templates/navigator/_sheet_content.html",
    "navigator/templates/navigator/_childcare_texts.html",
    "navigator/templates/navigator/childcare_sheet_pdf.html",
)


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
            "NEUEWEGE_SECRET_KEY": "makemessages-signs-nothing",
        },
    )
    extracted = msgids(copy / "locale" / "de" / "LC_MESSAGES" / "django.po")
    assert extracted == msgids(CATALOGUE), "run `make messages` and translate the new strings"


def parent_entries(po_file: Path):
    """(msgid, translated?) of every entry that occurs in a file parents see."""
    result = subprocess.run(
        ["msgattrib", "--no-wrap", "--no-obsolete", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    for block in result.stdout.split("\n\n"):
        lines = block.splitlines()
        locations = " ".join(line[3:] for line in lines if line.startswith("#: "))
        if not any(source in locations for source in PARENT_SOURCES):
            continue
        msgid = next(line for line in lines if line.startswith("msgid "))
        strings = [line for line in lines if line.startswith("msgstr")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        yield msgid, not fuzzy and all(not line.endswith(' ""') for line in strings)


def test_parent_pages_are_translated_into_every_parent_language():
    german = {msgid for msgid, _done in parent_entries(CATALOGUE)}
    assert len(german) > 100, "the parent sources are not found in the catalogue"
    for language in PARENT_LANGUAGES:
        po_file = PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"
        entries = dict(parent_entries(po_file))
        missing = sorted(msgid for msgid in german if not entries.get(msgid))
        assert missing == [], f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po_file)], check=True)
