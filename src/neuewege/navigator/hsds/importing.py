"""Import of a directory in Open Referral HSDS 3.0 into a region: an HSDS tabular datapackage
(a ZIP of CSV files, ``datapackage.json`` optional) or a JSON list of full services (or an API
page of them, ``{"contents": [...]}``).

The file is untrusted: its size, the ZIP's directory (number of members, declared and unpacked
size, packing ratio: ``core.uploads.check_zip``) and each CSV file (lines, cell sizes, encoding:
``core.tabular``) are checked before anything is parsed. Then every record is validated against
the official schema (``schemas``) and its references (an unknown ``organization_id``,
``location_id``, ``service_id``, ``taxonomy_term_id``: refused, with file, row and field), and
the rules of our records: an offer passes the very rules of the staff form and the API
(``services.check_offer``: a way to reach it, a need, a place or "online" in a service area,
known languages, ages, opening hours, postcodes we know), its problems named at the file's rows
and fields. Languages are read as codes or names (``languages.language_code``); a service that
names none is given in German, the language of its texts. A service offered twice at a place, or
a record id given to two services of a JSON file, is refused.

All or nothing: one refused record and nothing is saved. Records are matched by id: an
organisation, place or offer of this region with the same id is updated (its contacts for
professionals stay: they are never exported), an id of another region's record is refused. Ids
that are no UUIDs are mapped to stable UUIDs (uuid5), so that importing again updates too.
Offers of the region that the file does not name stay as they are."""

import io
import json
import math
import re
import uuid
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import date, time
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from neuewege.core import tabular
from neuewege.core.tabular import FileProblem, TableLimits
from neuewege.core.uploads import MB, FileRefused, ZipLimits, check_zip

from ..languages import CODES as LANGUAGE_CODES
from ..languages import language_code
from ..models import (
    Contact,
    Location,
    Need,
    Offer,
    OfferLanguage,
    Organization,
    Schedule,
    ServiceAtLocation,
)
from ..services import ContactData, OfferData, PlaceData, ScheduleData, check_offer, places_points
from . import export, schemas

MAX_FILE_BYTES = 20 * MB
ZIP_LIMITS = ZipLimits(entries=40, unpacked_bytes=200 * MB)
TABLE_LIMITS = TableLimits(
    file_bytes=100 * MB, rows=200_000, columns=60, cell_characters=20_000, xlsx=ZIP_LIMITS
)
MAX_SERVICES = 50_000  # of a JSON file
ID_NAMESPACE = uuid.UUID("5b0e1f5c-2f3e-5d8a-9c61-6e657565776b")
BY_PATH = {schemas.table_path(name): name for name in schemas.names()}
IMPORTED = ("organization", "location", "service")  # the records the report lists
STATUS = {"temporarily closed": Offer.Status.INACTIVE}
OWNER_LINKS = ("service_id", "contact_id", "link_id")  # a record of one service (or contact)


@dataclass
class Record:
    """A record of the file, and what became of it (``created``, ``updated``, ``refused``;
    empty: checked, not written)."""

    kind: str  # the HSDS object: organization, location, service, schedule …
    id: str
    file: str
    row: int  # the line of a CSV file; the number of the service in a JSON file
    name: str = ""
    action: str = ""
    problems: list = field(default_factory=list)  # [{"field": …, "message": …}]

    def refuse(self, field_name: str, message: str):
        self.problems.append({"field": field_name, "message": str(message)})
        self.action = "refused"


@dataclass
class Report:
    problems: list = field(default_factory=list)  # of the file as a whole
    records: list = field(default_factory=list)
    applied: bool = False
    notes: list = field(default_factory=list)  # what was left out (tables we do not keep)

    @property
    def is_valid(self) -> bool:
        return not self.problems and not any(record.problems for record in self.records)

    def count(self, action: str) -> int:
        return sum(1 for record in self.records if record.action == action)

    @property
    def created_count(self) -> int:
        return self.count("created")

    @property
    def updated_count(self) -> int:
        return self.count("updated")

    @property
    def refused(self) -> list:
        return [record for record in self.records if record.problems]

    def as_json(self) -> dict:
        return {
            "problems": [str(problem) for problem in self.problems],
            "records": [asdict(record) for record in self.records],
            "applied": self.applied,
            "notes": [str(note) for note in self.notes],
        }

    @classmethod
    def from_json(cls, data: dict) -> "Report":
        return cls(
            problems=data.get("problems", []),
            records=[Record(**record) for record in data.get("records", [])],
            applied=data.get("applied", False),
            notes=data.get("notes", []),
        )


class Refused(Exception):
    """The file as a whole cannot be read."""


@dataclass
class Row:
    name: str  # the HSDS object of its table
    data: dict
    record: Record


# Reading the file


def read(filename: str, content: bytes, report: Report) -> dict[str, list[Row]]:
    """The rows of each table of the file; ``Refused`` when it cannot be read."""
    if len(content) > MAX_FILE_BYTES:
        raise Refused(_("The file is larger than %(max)s MB.") % {"max": MAX_FILE_BYTES // MB})
    if content[:4] == b"PK\x03\x04" or filename.lower().endswith(".zip"):
        return _read_package(content, report)
    if filename.lower().endswith(".json") or content.lstrip()[:1] in (b"[", b"{"):
        return _read_json(filename, content, report)
    raise Refused(_("Upload an HSDS datapackage (.zip with CSV files) or a JSON list of services."))


def _read_package(content: bytes, report: Report) -> dict[str, list[Row]]:
    try:
        check_zip(content, ZIP_LIMITS)
    except FileRefused as refused:
        raise Refused(str(refused)) from refused
    found = {name: [] for name in schemas.names()}
    seen = set()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            base = PurePosixPath(info.filename).name
            if base == "datapackage.json":
                _check_descriptor(archive.read(info), report)
                continue
            name = BY_PATH.get(base)
            if name is None:
                report.notes.append(
                    _("%(file)s is not a table of HSDS 3.0 and was left out.") % {"file": base}
                )
                continue
            if name in seen:
                raise Refused(_("The file holds %(file)s twice.") % {"file": base})
            seen.add(name)
            try:
                data = archive.read(info)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
                raise Refused(
                    _("%(file)s cannot be unpacked: the file is damaged.") % {"file": base}
                ) from error
            found[name] = _read_table(name, base, data, report)
    if not found["service"] and not found["organization"]:
        raise Refused(_("The datapackage holds neither services.csv nor organizations.csv."))
    return found


def _check_descriptor(data: bytes, report: Report):
    try:
        descriptor = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise Refused(_("datapackage.json is not readable JSON.")) from error
    if not isinstance(descriptor, dict):
        raise Refused(_("datapackage.json is not a datapackage descriptor."))


def _read_table(name: str, base: str, data: bytes, report: Report) -> list[Row]:
    try:
        lines = tabular.read_rows(base, data, TABLE_LIMITS)
    except FileProblem as problem:
        raise Refused(f"{base}: " + "; ".join(str(text) for text in problem.problems)) from None
    if not lines:
        return []
    header = [tabular.text(cell) for cell in lines[0][1]]
    known = schemas.columns(name)
    unknown = [column for column in header if column and column not in known]
    if unknown:
        raise Refused(
            _("%(file)s: the columns %(columns)s are not fields of HSDS 3.0 (known: %(known)s).")
            % {"file": base, "columns": ", ".join(unknown), "known": ", ".join(known)}
        )
    if len(set(header)) != len(header):
        raise Refused(_("%(file)s: a column is named twice.") % {"file": base})
    if "id" not in header:
        raise Refused(_("%(file)s: the column id is missing.") % {"file": base})
    numbers = schemas.number_columns(name)
    rows = []
    for line, values in lines[1:]:
        record = Record(kind=name, id="", file=base, row=line)
        data_row = {}
        for column, value in zip(header, values, strict=False):
            problem = tabular.cell_problem(value, TABLE_LIMITS)
            if problem:
                record.refuse(column, problem)
                continue
            value = tabular.text(value)
            if not column or value == "":
                continue
            if column in numbers:
                try:
                    number = float(value.replace(",", ".") if value.count(",") == 1 else value)
                except ValueError:
                    number = math.nan
                if not math.isfinite(number):
                    record.refuse(column, _("Give a number."))
                    continue
                value = int(number) if number.is_integer() else number
            data_row[column] = value
        if len(values) > len(header) and any(tabular.text(v) for v in values[len(header) :]):
            record.refuse("", _("The row has more values than the header has columns."))
        record.id = str(data_row.get("id", ""))
        rows.append(Row(name, data_row, record))
    return rows


def _no_constant(name):
    raise ValueError(f"{name} is no number of JSON")


def _read_json(filename: str, content: bytes, report: Report) -> dict[str, list[Row]]:
    base = PurePosixPath(filename).name or "services.json"
    try:
        data = json.loads(content.decode("utf-8-sig"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise Refused(_("The file is not readable JSON: %(error)s") % {"error": error}) from None
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]  # a page of the API
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise Refused(_("The JSON file must hold a list of services."))
    if len(data) > MAX_SERVICES:
        raise Refused(_("The file holds more than %(max)s services.") % {"max": MAX_SERVICES})
    found = {name: [] for name in schemas.names()}
    known: dict[tuple[str, str], Row] = {}
    for number, service in enumerate(data, start=1):
        record = Record(kind="service", id=str(service.get("id", "")), file=base, row=number)
        problems = schemas.validate("service", service)
        for problem in problems:
            record.refuse(problem.field, problem.message)
        if problems:
            found["service"].append(Row("service", {"id": record.id}, record))
            continue
        for name, rows in export.tables([service]).items():
            for key, row in rows.items():
                if (name, key) in known:  # an organisation or place of several services
                    first = known[(name, key)].data
                    if any(first.get(link) != row.get(link) for link in OWNER_LINKS):
                        record.refuse(
                            f"{name}s.id",
                            _("The id %(id)s is given to a record of another service too.")
                            % {"id": key},
                        )
                    continue
                owner = record if name == "service" else Record(name, key, base, number)
                known[(name, key)] = entry = Row(name, row, owner)
                found[name].append(entry)
    return found


# Checking


def check_rows(found: dict[str, list[Row]]):
    """Each row against its table's schema, ids unique within a table."""
    for name, rows in found.items():
        ids = set()
        for row in rows:
            for problem in schemas.validate_row(name, row.data):
                row.record.refuse(problem.field, problem.message)
            key = str(row.data.get("id", ""))
            if key and key in ids:
                row.record.refuse(
                    "id", _("This id is given twice in %(file)s.") % {"file": row.record.file}
                )
            ids.add(key)
        if name == "service_at_location":
            pairs = set()
            for row in rows:
                pair = (str(row.data.get("service_id")), str(row.data.get("location_id")))
                if pair in pairs:
                    row.record.refuse(
                        "location_id",
                        _("The service %(service)s is offered at %(location)s twice.")
                        % {"service": pair[0], "location": pair[1]},
                    )
                pairs.add(pair)


def as_uuid(value) -> uuid.UUID:
    """Our id of an HSDS id: a UUID as it is, any other text mapped to a stable UUID."""
    text = str(value).strip()
    try:
        return uuid.UUID(text)
    except ValueError:
        return uuid.uuid5(ID_NAMESPACE, text)


# Writing


class Importer:
    """Reads, checks and (``write``) imports an HSDS file into ``region``."""

    def __init__(self, *, region, write: bool = True, progress=None):
        self.region = region
        self.write = write
        self.progress = progress or (lambda done, total: None)

    def run(self, filename: str, content: bytes) -> Report:
        report = Report()
        try:
            found = read(filename, content, report)
        except Refused as refused:
            report.problems.append(str(refused))
            return report
        check_rows(found)
        report.records = [row.record for name in IMPORTED for row in found[name]]
        self.progress(1, len(found["service"]) + 2)
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic(durable=True):
            self._apply(found, report)
            if report.is_valid and self.write:
                report.applied = True
            else:
                transaction.set_rollback(True)
                if not self.write:
                    for record in report.records:
                        if record.action in ("created", "updated"):
                            record.action = f"would be {record.action}"
        self.progress(len(found["service"]) + 2, len(found["service"]) + 2)
        return report

    # one table after the other; every problem lands at its record

    def _apply(self, found, report):
        self.found, self.existing = found, {}
        self.services = {str(row.data.get("id")): row for row in found["service"]}
        self.organizations = self._organizations(found["organization"])
        self.locations = self._locations(found)
        self._services(found)
        report.records += [  # the records of other tables are listed when refused
            row.record
            for name, rows in found.items()
            if name not in IMPORTED
            for row in rows
            if row.record.problems
        ]

    def _owned(self, model, key, row, region_of):
        """The record of ``model`` with the id of ``row`` in this region, None when new; a
        record of another region refuses the row."""
        if model not in self.existing:  # one query per model for all rows of the file
            rows = {Organization: "organization", Location: "location", Offer: "service"}
            keys = [as_uuid(other.data.get("id", "")) for other in self.found[rows[model]]]
            found = model.objects.filter(pk__in=keys)
            if model is Location:
                found = found.select_related("organization")
            self.existing[model] = {record.pk: record for record in found}
        existing = self.existing[model].get(key)
        if existing is not None and region_of(existing) != self.region.pk:
            row.record.refuse("id", _("This id belongs to a record of another region."))
            return None
        return existing

    def _save(self, instance, row, fields: dict, exclude=()):
        """Validate ``instance`` as a form would and save it; problems at the HSDS field
        (``fields``: our field → the file's field)."""
        try:
            instance.full_clean(
                exclude=list(exclude), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    row.record.refuse(fields.get(name, name), message)
            return False
        if not row.record.problems:
            instance.save()
        return not row.record.problems

    def _organizations(self, rows):
        found = {}
        for row in rows:
            data, key = row.data, as_uuid(row.data.get("id", ""))
            row.record.name = str(data.get("name", ""))
            if row.record.problems:
                continue
            existing = self._owned(Organization, key, row, lambda o: o.region_id)
            if row.record.problems:
                continue
            organization = existing or Organization(id=key, region=self.region)
            organization.name = data.get("name", "")
            organization.description = data.get("description", "")
            organization.email = data.get("email", "")
            organization.website = data.get("website", "")
            if self._save(organization, row, {}, exclude=["region", "institution"]):
                row.record.action = "updated" if existing else "created"
                found[str(data["id"])] = organization
        return found

    def _organization(self, reference, row, field_name="organization_id"):
        """The organisation named by ``reference``: of the file, or of this region."""
        if str(reference) in self.organizations:
            return self.organizations[str(reference)]
        existing = Organization.objects.filter(pk=as_uuid(reference)).first()
        if existing is None:
            row.record.refuse(
                field_name,
                _("The organisation %(id)s is neither in the file nor in the region.")
                % {"id": reference},
            )
        elif existing.region_id != self.region.pk:
            row.record.refuse(
                field_name,
                _("The organisation %(id)s belongs to another region.") % {"id": reference},
            )
            existing = None
        return existing

    def _by(self, rows, key):
        grouped = {}
        for row in rows:
            if row.data.get(key) is not None:
                grouped.setdefault(str(row.data[key]), []).append(row)
        return grouped

    def _locations(self, found):
        addresses = self._by(found["address"], "location_id")
        access = self._by(found["accessibility"], "location_id")
        at_location = self._by(found["service_at_location"], "location_id")
        for name in ("address", "accessibility"):
            for row in found[name]:
                if str(row.data.get("location_id")) not in {
                    str(loc.data.get("id")) for loc in found["location"]
                }:
                    row.record.refuse(
                        "location_id",
                        _("The location %(id)s is not in the file.")
                        % {"id": row.data.get("location_id", "")},
                    )
        result = {}
        for row in found["location"]:
            data, key = row.data, as_uuid(row.data.get("id", ""))
            row.record.name = str(data.get("name", ""))
            if row.record.problems:
                continue
            existing = self._owned(Location, key, row, lambda loc: loc.organization.region_id)
            if row.record.problems:
                continue
            reference = data.get("organization_id")
            if reference is None:  # the organisation of a service offered there
                for at in at_location.get(str(data["id"]), []):
                    service = self.services.get(str(at.data.get("service_id")))
                    if service is not None and service.data.get("organization_id"):
                        reference = service.data["organization_id"]
                        break
            if reference is None:
                row.record.refuse(
                    "organization_id", _("A place needs the organisation it belongs to.")
                )
                continue
            organization = self._organization(reference, row)
            if organization is None:
                continue
            location = existing or Location(id=key)
            location.organization = organization
            location.name = data.get("name", "")
            location.transportation = data.get("transportation", "")
            physical = sorted(
                addresses.get(str(data["id"]), []),
                key=lambda a: a.data.get("address_type") != "physical",
            )
            if not physical:
                row.record.refuse(
                    "addresss", _("A place needs its address: street, postcode and town.")
                )
                continue
            address = physical[0].data
            location.street = address.get("address_1", "")
            location.postcode = str(address.get("postal_code", "")).strip()
            location.town = address.get("city", "")
            notes = [a.data for a in access.get(str(data["id"]), [])]
            location.step_free = any(
                str(a.get("description", "")).strip().casefold()
                in (export.STEP_FREE.casefold(), "step-free access", "step-free")
                for a in notes
            )
            location.accessibility = "\n".join(
                text
                for a in notes
                for text in (a.get("description", ""), a.get("details", ""))
                if text and str(text).strip().casefold() != export.STEP_FREE.casefold()
            )
            given = data.get("latitude"), data.get("longitude")
            place = PlaceData(
                street=location.street,
                postcode=location.postcode,
                town=location.town,
                **({} if None in given else {"latitude": given[0], "longitude": given[1]}),
            )
            problems = {}
            (point,) = places_points([place], problems)
            for message in problems.values():
                row.record.refuse("addresss.postal_code", message)
            if point is None:
                continue
            location.latitude, location.longitude = point
            fields = {
                "street": "addresss.address_1",
                "postcode": "addresss.postal_code",
                "town": "addresss.city",
                "accessibility": "accessibilitys",
            }
            if self._save(location, row, fields, exclude=["organization"]):
                row.record.action = "updated" if existing else "created"
                result[str(data["id"])] = location
        return result

    def _location(self, reference, row):
        if str(reference) in self.locations:
            return self.locations[str(reference)]
        existing = (
            Location.objects.select_related("organization").filter(pk=as_uuid(reference)).first()
        )
        if existing is None or existing.organization.region_id != self.region.pk:
            row.record.refuse(
                "location_id",
                _("The location %(id)s is neither in the file nor in the region.")
                % {"id": reference},
            )
            return None
        return existing

    def _services(self, found):
        children = {
            name: self._by(found[name], "service_id")
            for name in (
                "language",
                "phone",
                "contact",
                "schedule",
                "service_at_location",
                "cost_option",
                "required_document",
                "service_area",
            )
        }
        attributes = self._by(
            [
                row
                for row in found["attribute"]
                if row.data.get("link_entity", "service") == "service"
            ],
            "link_id",
        )
        contact_phones = self._by(found["phone"], "contact_id")
        for name, grouped in [*children.items(), ("attribute", attributes)]:
            for reference, rows in grouped.items():
                if reference not in self.services:
                    for row in rows:
                        row.record.refuse(
                            "link_id" if name == "attribute" else "service_id",
                            _("The service %(id)s is not in the file.") % {"id": reference},
                        )
        needs = Need.objects.in_bulk(field_name="code")
        offer_ids = [as_uuid(key) for key in self.services]
        # the children of the offers of the file are written anew (not their internal contacts)
        Schedule.objects.filter(offer_id__in=offer_ids).delete()
        Contact.objects.filter(offer_id__in=offer_ids, internal=False).delete()
        ServiceAtLocation.objects.filter(offer_id__in=offer_ids).delete()
        OfferLanguage.objects.filter(offer_id__in=offer_ids).delete()
        self.taken = {  # ids of other offers' records, which the file may not take
            model: set(
                model.objects.filter(
                    pk__in=[as_uuid(row.data["id"]) for row in found[name] if "id" in row.data]
                ).values_list("pk", flat=True)
            )
            for model, name in (
                (ServiceAtLocation, "service_at_location"),
                (Contact, "contact"),
                (Schedule, "schedule"),
            )
        }
        total = len(self.services)
        for number, (reference, row) in enumerate(self.services.items(), start=1):
            if number % 200 == 0:
                self.progress(number + 1, total + 2)
            self._service(reference, row, children, attributes, contact_phones, needs)

    def _service(self, reference, row, children, attributes, contact_phones, needs):
        data, key = row.data, as_uuid(reference)
        row.record.name = str(data.get("name", ""))
        if row.record.problems:
            return
        existing = self._owned(Offer, key, row, lambda offer: offer.region_id)
        if row.record.problems:
            return
        organization = self._organization(data.get("organization_id", ""), row)

        def get(name):  # the service's rows of a table that passed the schema
            return [
                child for child in children[name].get(reference, []) if not child.record.problems
            ]

        ages = {}
        for name in ("minimum_age", "maximum_age"):
            value = data.get(name)
            if value is not None and not float(value).is_integer():
                row.record.refuse(name, _("Give a whole number of years."))
                value = None
            ages[name] = None if value is None else int(value)
        checked_on = _date(data.get("assured_date"), row.record, "assured_date")
        if checked_on is not None and checked_on > timezone.localdate():
            row.record.refuse("assured_date", _("The date of the last check lies in the future."))
        codes = set()
        for child in attributes.get(reference, []):
            code = export.TERM_CODES.get(str(child.data.get("taxonomy_term_id", "")))
            if code is None or code not in needs:
                child.record.refuse(
                    "taxonomy_term_id",
                    _("%(id)s is not a term of the taxonomy of needs (%(taxonomy)s).")
                    % {
                        "id": child.data.get("taxonomy_term_id", ""),
                        "taxonomy": export.taxonomy.TAXONOMY_NAME,
                    },
                )
            else:
                codes.add(code)
        languages = {}  # our code → the rows naming it
        for child in get("language"):
            text = str(child.data.get("code") or child.data.get("name") or "")
            if not text.strip():
                child.record.refuse("code", _("Give the language's ISO 639 code, like de or tr."))
                continue
            languages.setdefault(language_code(text), []).append(child)
        phones = [p.data for p in get("phone") if not p.data.get("contact_id")]
        places = [
            (child, location)
            for child in get("service_at_location")
            if (location := self._location(child.data.get("location_id", ""), child))
        ]
        schedules = [
            (child, schedule)
            for child in get("schedule")
            if (schedule := self._schedule(child)) is not None
        ]
        contacts = []
        for child in get("contact"):
            numbers = [
                p.data.get("number", "") for p in contact_phones.get(str(child.data["id"]), [])
            ]
            contact = Contact(
                id=as_uuid(child.data["id"]),
                name=str(child.data.get("name", "")),
                title=str(child.data.get("title", "")),
                email=str(child.data.get("email", "")),
                phone=str(numbers[0]) if numbers else "",
                internal=False,
            )
            contacts.append((child, contact))
        areas = [str(a.data.get("description", "")) for a in get("service_area")]
        offer_data = OfferData(
            name=str(data.get("name", "")),
            description=str(data.get("description", "")),
            organization=organization,
            needs=sorted(codes),
            # an offer naming no language is given in German, the language of its texts
            languages=list(languages) or [settings.LANGUAGE_CODE],
            places=[
                PlaceData(
                    street=location.street,
                    postcode=location.postcode,
                    town=location.town,
                    latitude=location.latitude,
                    longitude=location.longitude,
                )
                for _child, location in places
            ],
            schedules=[
                ScheduleData(rrule=s.rrule, opens_at=s.opens_at, closes_at=s.closes_at)
                for _child, s in schedules
            ],
            contacts=[ContactData(name=c.name, phone=c.phone, email=c.email) for _, c in contacts],
            url=str(data.get("url", "")),
            email=str(data.get("email", "")),
            phone=str(phones[0]["number"]) if phones else "",
            application_process=str(data.get("application_process", "")),
            eligibility=str(data.get("eligibility_description", "")),
            fees=str(data.get("fees_description", "")),
            online=any("online" in text for text in areas),
            **ages,
        )
        self._refuse_at_fields(
            row, check_offer(offer_data)[0], languages, places, schedules, contacts
        )
        if organization is None or row.record.problems:
            return
        offer = existing or Offer(id=key, region=self.region)
        offer.organization = organization
        for name in ("name", "description", "url", "email", "phone", "application_process"):
            setattr(offer, name, getattr(offer_data, name))
        offer.eligibility, offer.fees = offer_data.eligibility, offer_data.fees
        offer.minimum_age, offer.maximum_age = ages["minimum_age"], ages["maximum_age"]
        offer.online = offer_data.online
        offer.status = STATUS.get(data.get("status"), data.get("status", Offer.Status.ACTIVE))
        offer.checked_on = checked_on or timezone.localdate()
        documents = [str(d.data.get("document", "")) for d in get("required_document")]
        offer.required_documents = "\n".join(text for text in documents if text)
        costs = [c.data for c in get("cost_option")]
        offer.free_of_charge = any(c.get("amount") == 0 for c in costs) if costs else not offer.fees
        fields = {
            "eligibility": "eligibility_description",
            "fees": "fees_description",
            "checked_on": "assured_date",
            "phone": "phones.number",
            "required_documents": "required_documents",
        }
        if not self._save(offer, row, fields, exclude=["region", "organization", "keeper"]):
            return
        row.record.action = "updated" if existing else "created"
        offer.needs.set([needs[code] for code in codes])
        OfferLanguage.objects.bulk_create(
            OfferLanguage(offer=offer, code=code) for code in offer_data.languages
        )
        for child, location in places:
            self._child(
                ServiceAtLocation(id=as_uuid(child.data["id"]), offer=offer, location=location),
                child,
                row,
            )
        for child, contact in contacts:
            contact.offer = offer
            self._child(contact, child, row, {"phone": "phones.number"})
        for child, schedule in schedules:
            schedule.offer = offer
            self._child(schedule, child, row, {"rrule": "freq"})
        if any(
            child.record.problems
            for name in children
            for child in children[name].get(reference, [])
        ):
            row.record.action = "refused"

    def _refuse_at_fields(self, row, problems, languages, places, schedules, contacts):
        """The problems of the offer's rules (``services.check_offer``, named as the staff
        form names its fields) at the rows and fields of the file."""
        located = {
            "needs": (row, "attributes"),
            "phone": (row, "phones"),
            "places": (row, "service_at_locations"),
            "eligibility": (row, "eligibility_description"),
            "fees": (row, "fees_description"),
        }
        for index, (child, _location) in enumerate(places):
            located[f"place_{index}_postcode"] = (child, "location_id")
        for index, (child, _schedule) in enumerate(schedules):
            rule = "freq" if child.data.get("freq") else "notes"  # where the file gave it
            for name, column in (("rrule", rule), ("opens_at", None), ("closes_at", None)):
                located[f"schedule_{index}_{name}"] = (child, column or name)
        for index, (child, _contact) in enumerate(contacts):
            located[f"contact_{index}_name"] = (child, "name")
        for name, message in problems.items():
            if name == "languages":
                for code, rows in languages.items():
                    for child in rows if code not in LANGUAGE_CODES else ():
                        self._refuse_child(
                            child, row, "code" if child.data.get("code") else "name", message
                        )
                continue
            target, column = located.get(name, (row, name or ""))
            if target is row:
                row.record.refuse(column, message)
            else:
                self._refuse_child(target, row, column, message)

    def _refuse_child(self, child, row, column, message):
        child.record.refuse(column, message)
        row.record.refuse(
            child.record.kind + "s",
            _("A %(kind)s of this service is refused.") % {"kind": child.record.kind},
        )

    def _child(self, instance, child, row, fields=None):
        if instance.pk in self.taken[type(instance)]:
            child.record.refuse("id", _("This id belongs to a record of another offer."))
        elif self._save(instance, child, fields or {}, exclude=["offer", "location"]):
            return
        row.record.refuse(
            child.record.kind + "s",
            _("A %(kind)s of this service is refused.") % {"kind": child.record.kind},
        )

    def _schedule(self, child):
        """The schedule of a row, its rule and times read (their rules: ``check_offer``)."""
        data, record = child.data, child.record
        rule = compose_rule(data)
        if rule is None:
            record.refuse("freq", _("Give how often it repeats (freq: WEEKLY or MONTHLY)."))
            return None
        opens_at = _time(data.get("opens_at"), record, "opens_at")
        closes_at = _time(data.get("closes_at"), record, "closes_at")
        location = None
        if data.get("location_id"):
            location = self._location(data["location_id"], child)
        valid_from = _date(data.get("valid_from"), record, "valid_from")
        valid_to = _date(data.get("valid_to"), record, "valid_to")
        if record.problems:
            return None
        return Schedule(
            id=as_uuid(data["id"]),
            location=location,
            rrule=rule,
            opens_at=opens_at,
            closes_at=closes_at,
            valid_from=valid_from,
            valid_to=valid_to,
            description=str(data.get("description", ""))[:200],
        )


WKST = {value: key for key, value in export.WKST.items()}


def compose_rule(data: dict) -> str | None:
    """The RFC 5545 rule of HSDS's fields of a schedule (or the rule kept in ``notes``)."""
    freq = str(data.get("freq", "")).upper()
    if not freq:
        notes = str(data.get("notes", "")).strip()
        return notes if notes.upper().removeprefix("RRULE:").startswith("FREQ=") else None
    parts = [f"FREQ={freq}"]
    if data.get("interval") not in (None, 1):
        parts.append(f"INTERVAL={_integer(data['interval'])}")
    for key in ("byday", "byweekno"):
        if data.get(key):
            parts.append(f"{key.upper()}={str(data[key]).upper().replace(' ', '')}")
    for key in ("bymonthday", "byyearday"):
        if data.get(key) is not None:
            parts.append(f"{key.upper()}={_integer(data[key])}")
    if data.get("wkst"):
        parts.append(f"WKST={WKST.get(str(data['wkst']).upper(), data['wkst'])}")
    if data.get("count"):
        parts.append(f"COUNT={data['count']}")
    if data.get("until"):
        parts.append(f"UNTIL={str(data['until']).replace('-', '')[:8]}")
    return ";".join(parts)


def _integer(value):
    return int(value) if float(value).is_integer() else value


def _date(value, record, name):
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        record.refuse(name, _("Give a date as YYYY-MM-DD."))
        return None


TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:Z|[+-]\d{2}:?\d{2})?$")


def _time(value, record, name) -> time | None:
    """A time as HH:MM (seconds and a zone are read and the zone left: times are local)."""
    match = TIME.match(str(value or "").strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        record.refuse(name, _("Give a time as HH:MM."))
        return None
    return time(int(match[1]), int(match[2]))


def import_file(
    *, region, filename: str, content: bytes, write: bool = True, progress=None
) -> Report:
    """Check (and with ``write`` import) an HSDS file into ``region``: all or nothing."""
    return Importer(region=region, write=write, progress=progress).run(filename, content)
