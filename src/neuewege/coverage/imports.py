"""Importing the family centres' requests of a region from a CSV or Excel file, through core's
tabular reader (``core/tabular.py``: size, zip directory and extent checked before parsing) and
within core's import limits. Every problem is reported by line and column; a file with any
problem saves nothing, a file without applies all its rows in one transaction (a request that
exists for the centre, year and format is changed)."""

import csv
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from neuewege.core import imports as core_imports
from neuewege.core import tabular
from neuewege.core.access import Access
from neuewege.core.errors import PermissionDenied
from neuewege.core.imports import (
    FORMAT_ALIASES,
    BadValue,
    Column,
    ImportReport,
    RowResult,
    choice_lookup,
    parse_choice,
    shown,
)
from neuewege.core.models import EventFormat, Institution, OpeningPeriod, Region
from neuewege.core.uploads import MB, ZipLimits

from .models import CentreRequest, PartOfDay
from .permissions import IMPORT
from .services.demand import REQUEST_FIELDS, request_errors

KIND = "centre_requests"
# A region's file: ~200 family centres with three formats each. Checked and applied while the
# page waits (a few seconds at most), so the limits stay well below core's import of master data.
MAX_ROWS = 3000
MAX_FILE_BYTES = 2 * MB


def limits() -> tabular.TableLimits:
    return tabular.TableLimits(
        file_bytes=MAX_FILE_BYTES,
        rows=MAX_ROWS,
        columns=core_imports.MAX_COLUMNS,
        cell_characters=core_imports.MAX_CELL_CHARACTERS,
        xlsx=ZipLimits(entries=1000, unpacked_bytes=10 * MB),
    )


def too_large_message() -> str:
    return tabular.too_large_message(limits())


COLUMNS = [
    Column("family_centre", "Familienzentrum", required=True),
    Column("format", "Format", required=True),
    Column("per_year", "Pro Jahr"),
    Column("weekdays", "Wochentage"),
    Column("part_of_day", "Tageszeit"),
    Column("avoid_months", "Monate meiden"),
    Column("note", "Notiz"),
]
LABELS = {column.name: column.label for column in COLUMNS}
SAMPLE = [
    ["FZ-0001", "Elterncafé", "monatlich", "Di, Do", "vormittags", "Juli, August", ""],
    ["Familienzentrum Am Markt", "Themenveranstaltung", "halbjährlich", "Mi", "", "", ""],
    ["FZ-0002", "Elternkurs", "1", "", "", "12", "im Frühjahr"],
]

FREQUENCY_WORDS = {
    "monatlich": 12,
    "jeden monat": 12,
    "every month": 12,
    "monthly": 12,
    "halbjährlich": 2,
    "pro halbjahr": 2,
    "je halbjahr": 2,
    "per half-year": 2,
    "half-yearly": 2,
    "jährlich": 1,
    "einmal im jahr": 1,
    "pro jahr": 1,
    "per year": 1,
    "yearly": 1,
}
WEEKDAY_WORDS = {
    **{
        word: day
        for day, words in enumerate(
            [
                ("mo", "mon", "montag", "monday"),
                ("di", "tue", "dienstag", "tuesday"),
                ("mi", "wed", "mittwoch", "wednesday"),
                ("do", "thu", "donnerstag", "thursday"),
                ("fr", "fri", "freitag", "friday"),
                ("sa", "sat", "samstag", "saturday"),
                ("so", "sun", "sonntag", "sunday"),
            ]
        )
        for word in words
    },
}
PART_WORDS = choice_lookup(
    PartOfDay.choices,
    {
        "vormittags": "morning",
        "morgens": "morning",
        "nachmittags": "afternoon",
        "abends": "evening",
    },
)
MONTH_WORDS = {
    "jan": 1, "januar": 1, "january": 1, "feb": 2, "februar": 2, "february": 2,
    "mär": 3, "mrz": 3, "mar": 3, "märz": 3, "march": 3, "apr": 4, "april": 4,
    "mai": 5, "may": 5, "jun": 6, "juni": 6, "june": 6, "jul": 7, "juli": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oct": 10, "oktober": 10, "october": 10, "nov": 11, "november": 11,
    "dez": 12, "dec": 12, "dezember": 12, "december": 12,
}  # fmt: skip
SEPARATORS = re.compile(r"[,;/\s]+")


def _words(value) -> list[str]:
    return [word.rstrip(".") for word in SEPARATORS.split(tabular.text(value).casefold()) if word]


def parse_per_year(value):
    value = tabular.text(value)
    if not value:
        return None
    word = " ".join(value.casefold().split())
    if word in FREQUENCY_WORDS:
        return FREQUENCY_WORDS[word]
    if value.isascii() and value.isdigit() and len(value) <= 3:
        return int(value)
    raise BadValue(
        _("“%(value)s” is no frequency: write “monatlich”, “halbjährlich”, “jährlich” or a number.")
        % {"value": shown(value)}
    )


def parse_weekdays(value):
    days = []
    for word in _words(value):
        if word not in WEEKDAY_WORDS:
            raise BadValue(
                _("“%(value)s” is no weekday: write e.g. “Mo, Mi” or “Montag, Mittwoch”.")
                % {"value": shown(word)}
            )
        days.append(WEEKDAY_WORDS[word])
    return sorted(set(days))


def parse_months(value):
    months = []
    for word in _words(value):
        if word.isascii() and word.isdigit() and len(word) <= 2:
            months.append(int(word))  # 0 or 13: refused with the rules
        elif word in MONTH_WORDS:
            months.append(MONTH_WORDS[word])
        else:
            raise BadValue(
                _("“%(value)s” is no month: write e.g. “Juli, August” or “7, 8”.")
                % {"value": shown(word)}
            )
    return sorted(set(months))


@dataclass
class CheckedFile:
    report: ImportReport
    rows: list[tuple[dict, Institution, CentreRequest | None]] = field(default_factory=list)


class _Centres:
    """The region's family centres by external ID and by name (a name twice: ambiguous)."""

    def __init__(self, region):
        centres = list(
            Institution.objects.filter(region=region, kind=Institution.Kind.FAMILY_CENTRE)
        )
        self.by_id = {centre.external_id: centre for centre in centres if centre.external_id}
        self.by_name: dict[str, list] = {}
        for centre in centres:
            self.by_name.setdefault(centre.name.casefold(), []).append(centre)
        self.periods: dict[int, list] = {}
        for period in OpeningPeriod.objects.filter(institution__in=centres):
            self.periods.setdefault(period.institution_id, []).append(period)

    def find(self, value):
        reference = tabular.text(value)
        if reference in self.by_id:
            return self.by_id[reference]
        found = self.by_name.get(reference.casefold(), [])
        if len(found) > 1:
            raise BadValue(
                _("Several family centres are called “%(name)s”: use the external ID.")
                % {"name": shown(reference)}
            )
        if not found:
            raise BadValue(
                _("No family centre “%(name)s” in the region (external ID or name).")
                % {"name": shown(reference)}
            )
        return found[0]


def check_file(*, region: Region, year: int, filename: str, content: bytes) -> CheckedFile:
    """Read and check every row; nothing is saved."""
    try:
        lines = tabular.read_rows(filename, content, limits())
    except tabular.FileProblem as problem:
        return CheckedFile(ImportReport(KIND, [], [str(p) for p in problem.problems]))
    if not lines:
        return CheckedFile(ImportReport(KIND, [], [_("The file is empty.")]))
    positions, problems = core_imports.columns_of(
        COLUMNS, lines[0][1], [column for column in COLUMNS if column.required]
    )
    if problems:
        return CheckedFile(ImportReport(KIND, [], problems))
    centres = _Centres(region)
    existing = {
        (request.family_centre_id, request.format): request
        for request in CentreRequest.objects.filter(family_centre__region=region, year=year)
    }
    formats = choice_lookup(EventFormat.choices, FORMAT_ALIASES)
    parsers = {
        "format": lambda v: parse_choice(v, formats, EventFormat.choices),
        "per_year": parse_per_year,
        "weekdays": parse_weekdays,
        "part_of_day": lambda v: parse_choice(v, PART_WORDS, PartOfDay.choices),
        "avoid_months": parse_months,
        "note": tabular.text,
    }
    checked, seen, table_limits = CheckedFile(ImportReport(KIND, [])), {}, limits()
    for line, values in lines[1:]:
        row = RowResult(line=line)
        checked.report.rows.append(row)
        cells = {name: values[i] if i < len(values) else "" for name, i in positions.items()}
        for name, value in cells.items():
            problem = tabular.cell_problem(value, table_limits)
            if problem:
                row.errors.append((LABELS[name], problem))
        if row.errors:
            continue
        row.label = f"{tabular.text(cells['family_centre'])} · {tabular.text(cells['format'])}"
        data = {"year": year}
        centre = None
        try:
            centre = centres.find(cells["family_centre"])
        except BadValue as error:
            row.errors.append((LABELS["family_centre"], str(error)))
        for name, parse in parsers.items():
            try:
                data[name] = parse(cells.get(name, ""))
            except BadValue as error:
                row.errors.append((LABELS[name], str(error)))
        if not tabular.text(cells["format"]):
            row.errors.append((LABELS["format"], _("Give the format.")))
        if row.errors or centre is None:
            continue
        errors = request_errors(
            region=region, family_centre=centre, data=data, periods=centres.periods.get(centre.pk)
        )
        for name, messages in errors.items():
            for message in messages:
                row.errors.append((LABELS.get(name, ""), str(message)))
        if row.errors:
            continue
        key = (centre.pk, data["format"])
        if key in seen:
            row.errors.append(
                (
                    LABELS["format"],
                    _("Line %(line)s already has this family centre and format.")
                    % {"line": seen[key]},
                )
            )
            continue
        seen[key] = line
        current = existing.get(key)
        row.action = "update" if current else "create"
        checked.rows.append(({name: data[name] for name in REQUEST_FIELDS}, centre, current))
    if not checked.report.rows:
        checked.report.file_problems.append(_("The file has no rows below its header."))
    return checked


def import_requests(
    *, access: Access, region: Region, year: int, filename: str, content: bytes
) -> ImportReport:
    """Check the file and, when no row has a problem, save every row in one transaction."""
    if not access.has(IMPORT, region):
        raise PermissionDenied(_("You may not import the requests of this region."))
    checked = check_file(region=region, year=year, filename=filename, content=content)
    if not checked.report.is_valid:
        return checked.report
    with transaction.atomic(durable=True):
        for data, centre, current in checked.rows:
            values = data | {"note": data["note"] or ""}
            if current is None:
                CentreRequest.objects.create(family_centre=centre, **values)
            else:  # saved, not updated in bulk: the change log records it
                for name, value in values.items():
                    setattr(current, name, value)
                current.save()
    return checked.report


def template_csv() -> str:
    """A file with the German column headers and three example rows, for download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([column.label for column in COLUMNS])
    writer.writerows(SAMPLE)
    return buffer.getvalue()
