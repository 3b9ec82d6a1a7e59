"""The directory in Open Referral HSDS 3.0: offers as *services* (with their organisation,
places, languages, public phones and contacts, schedules, needs as *attributes* of the
taxonomy of needs, costs), for the API profile (``hsds_api.py``) and the tabular datapackage.

Only active offers, and never a contact for professionals (``Contact.internal``). Texts in
German (the language offers are entered in). Records without an id of their own here (the
address of a place, a language, a phone, the mapping to a need) get stable ids: uuid5 of the
record they belong to, so that an exchanged directory keeps its ids.

Schedules: our RFC 5545 rule is split into HSDS's fields (``freq``, ``interval``, ``byday``,
``bymonthday``, …); a rule HSDS cannot state (daily is stated as weekly on every day; yearly
rules, several days of the month, BYSETPOS) keeps its text in ``notes``. Opening times are
local times of Europe/Berlin."""

import csv
import io
import json
import uuid
import zipfile
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation

from .. import taxonomy
from ..languages import language_label
from ..models import Contact, Location, Offer, Organization, Schedule, ServiceAtLocation
from ..selectors import visible_offers
from . import schemas

TAXONOMY = uuid.UUID(taxonomy.TAXONOMY_ID)
LINK_TYPE = "service_category"  # what the attribute of a need says about the service
STEP_FREE = "Stufenloser Zugang"  # the accessibility record of a step-free place
FREE = "kostenlos"  # the cost option of a free offer
COUNTRY = "DE"
STATE = "Nordrhein-Westfalen"
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WKST = {"MO": "MON", "TU": "TUE", "WE": "WED", "TH": "THU", "FR": "FRI", "SA": "SAT", "SU": "SUN"}


def stable_id(owner, what: str) -> str:
    """The id of a record that has none of its own: of ``what`` of the record ``owner``."""
    return str(uuid.uuid5(uuid.UUID(str(owner)), what))


def term_id(code: str) -> str:
    return str(uuid.uuid5(TAXONOMY, code))


TERM_CODES = {term_id(term.code): term.code for term in taxonomy.TERMS}


def _plain(record: dict) -> dict:
    """Without empty values: HSDS's fields are strings or numbers, never null."""
    return {key: value for key, value in record.items() if value not in (None, "", [])}


# The taxonomy of needs


def taxonomy_json() -> dict:
    return {
        "id": taxonomy.TAXONOMY_ID,
        "name": taxonomy.TAXONOMY_NAME,
        "description": "Bedarfe von Eltern in einfachen Worten (Neue Wege, Nordrhein-Westfalen)",
    }


def term_json(code: str, *, with_taxonomy: bool = True) -> dict:
    term = taxonomy.BY_CODE[code]
    with translation.override(settings.LANGUAGE_CODE):
        name = str(term.label)
    record = {
        "id": term_id(code),
        "code": code,
        "name": name,
        "description": name,
        "parent_id": term_id(term.parent) if term.parent else None,
        "taxonomy_id": taxonomy.TAXONOMY_ID,
        "language": settings.LANGUAGE_CODE,
    }
    if with_taxonomy:
        record["taxonomy"] = taxonomy_json()
    return _plain(record)


def terms_json() -> list[dict]:
    return [term_json(term.code) for term in taxonomy.TERMS]


# Organisations and places


def organization_json(organization: Organization) -> dict:
    return _plain(
        {
            "id": str(organization.id),
            "name": organization.name,
            "description": organization.description or organization.name,
            "email": organization.email,
            "website": organization.website,
        }
    )


def location_json(location: Location) -> dict:
    accessibility = []
    if location.step_free:
        accessibility.append(
            {
                "id": stable_id(location.id, "step-free"),
                "location_id": str(location.id),
                "description": STEP_FREE,
            }
        )
    if location.accessibility:
        accessibility.append(
            {
                "id": stable_id(location.id, "accessibility"),
                "location_id": str(location.id),
                "description": location.accessibility,
            }
        )
    return _plain(
        {
            "id": str(location.id),
            "location_type": "physical",
            "organization_id": str(location.organization_id),
            "name": location.name,
            "transportation": location.transportation,
            "latitude": float(location.latitude) if location.latitude is not None else None,
            "longitude": float(location.longitude) if location.longitude is not None else None,
            "addresss": [
                {
                    "id": stable_id(location.id, "address"),
                    "location_id": str(location.id),
                    "address_1": location.street,
                    "city": location.town,
                    "state_province": STATE,
                    "postal_code": location.postcode,
                    "country": COUNTRY,
                    "address_type": "physical",
                }
            ],
            "accessibilitys": accessibility,
        }
    )


# Schedules


def rule_fields(rule: str) -> dict:
    """HSDS's fields of an RFC 5545 rule, or ``{"notes": rule}`` when HSDS cannot state it."""
    parts = {}
    for part in rule.strip().removeprefix("RRULE:").split(";"):
        key, _sep, value = part.partition("=")
        parts[key.strip().upper()] = value.strip().upper()
    freq = parts.pop("FREQ", "")
    fields = {}
    if freq == "DAILY" and "BYDAY" not in parts:
        freq, parts["BYDAY"] = "WEEKLY", ",".join(WEEKDAYS)
        if parts.get("INTERVAL", "1") != "1":
            return {"notes": rule}
    if freq not in ("WEEKLY", "MONTHLY"):
        return {"notes": rule}
    fields["freq"] = freq
    for key, value in parts.items():
        if key == "INTERVAL" and value.isdigit():
            fields["interval"] = int(value)
        elif key == "BYDAY":
            fields["byday"] = value
        elif key == "BYMONTHDAY" and value.lstrip("-").isdigit():
            fields["bymonthday"] = int(value)
        elif key == "BYWEEKNO":
            fields["byweekno"] = value
        elif key == "WKST" and value in WKST:
            fields["wkst"] = WKST[value]
        elif key == "COUNT" and value.isdigit():
            fields["count"] = value
        elif key == "UNTIL" and len(value) >= 8 and value[:8].isdigit():
            fields["until"] = f"{value[:4]}-{value[4:6]}-{value[6:8]}"
        else:
            return {"notes": rule}
    return fields


def schedule_json(schedule: Schedule) -> dict:
    return _plain(
        {
            "id": str(schedule.id),
            "service_id": str(schedule.offer_id),
            "location_id": str(schedule.location_id) if schedule.location_id else None,
            "valid_from": schedule.valid_from.isoformat() if schedule.valid_from else None,
            "valid_to": schedule.valid_to.isoformat() if schedule.valid_to else None,
            "opens_at": f"{schedule.opens_at:%H:%M}",
            "closes_at": f"{schedule.closes_at:%H:%M}",
            "description": schedule.description,
            **rule_fields(schedule.rrule),
        }
    )


# Services


def offers(*, region=None):
    """The offers parents find (active, not hidden for being out of date) of ``region`` (None:
    every region), with what a full service needs fetched in a few queries."""
    found = visible_offers(
        for_parents=True, region_ids=None if region is None else [region.pk]
    ).order_by("id")
    return found.select_related("organization", "region").prefetch_related(
        "languages",
        "needs",
        "schedules",
        Prefetch("contacts", queryset=Contact.objects.filter(internal=False)),
        Prefetch(
            "at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").order_by("id"),
        ),
    )


def service_json(offer: Offer, *, with_organization: bool = True) -> dict:
    """A full HSDS service of ``offer`` (fetched by ``offers``); its contacts must be the
    public ones — the prefetch of ``offers`` takes care of that, and so does this: a contact
    for professionals is never written."""
    service_id = str(offer.id)
    with translation.override(settings.LANGUAGE_CODE):  # the texts of the export: German
        name, description = offer.name, offer.description
        documents = offer.required_documents
        language_names = {
            item.code: str(language_label(item.code)) for item in offer.languages.all()
        }
    phones = []
    if offer.phone:
        phones.append(
            {"id": stable_id(offer.id, "phone"), "service_id": service_id, "number": offer.phone}
        )
    contacts = [
        _plain(
            {
                "id": str(contact.id),
                "service_id": service_id,
                "name": contact.name,
                "title": contact.title,
                "email": contact.email,
                "phones": [
                    {
                        "id": stable_id(contact.id, "phone"),
                        "contact_id": str(contact.id),
                        "number": contact.phone,
                    }
                ]
                if contact.phone
                else [],
            }
        )
        for contact in offer.contacts.all()
        if not contact.internal
    ]
    codes = sorted(need.code for need in offer.needs.all() if need.code in taxonomy.BY_CODE)
    record = {
        "id": service_id,
        "organization_id": str(offer.organization_id),
        "name": name,
        "description": description,
        "url": offer.url,
        "email": offer.email,
        "status": offer.status,
        "application_process": offer.application_process,
        "fees_description": offer.fees,
        "eligibility_description": offer.eligibility,
        "minimum_age": offer.minimum_age,
        "maximum_age": offer.maximum_age,
        "assured_date": offer.checked_on.isoformat(),
        "last_modified": timezone.localtime(offer.updated_at).isoformat(),
        "schedules": [schedule_json(schedule) for schedule in offer.schedules.all()],
        "languages": [
            {
                "id": stable_id(offer.id, f"language:{language.code}"),
                "service_id": service_id,
                "name": language_names[language.code],
                "code": language.code,
            }
            for language in offer.languages.all()
        ],
        "required_documents": [
            {
                "id": stable_id(offer.id, "documents"),
                "service_id": service_id,
                "document": documents,
            }
        ]
        if documents
        else [],
        "service_at_locations": [
            {
                "id": str(at.id),
                "service_id": service_id,
                "location_id": str(at.location_id),
                "location": location_json(at.location),
            }
            for at in offer.at_locations.all()
        ],
        "phones": phones,
        "contacts": contacts,
        "cost_options": [
            {
                "id": stable_id(offer.id, "free"),
                "service_id": service_id,
                "option": FREE,
                "currency": "EUR",
                "amount": 0,
            }
        ]
        if offer.free_of_charge
        else [],
        "service_areas": [
            {
                "id": stable_id(offer.id, "area"),
                "service_id": service_id,
                "name": offer.region.name,
                "description": "auch telefonisch oder online" if offer.online else "",
            }
        ],
        "attributes": [
            {
                "id": stable_id(offer.id, f"need:{code}"),
                "link_id": service_id,
                "link_type": LINK_TYPE,
                "link_entity": "service",
                "taxonomy_term_id": term_id(code),
                "taxonomy_term": term_json(code),
            }
            for code in codes
        ],
    }
    record["service_areas"] = [_plain(area) for area in record["service_areas"]]
    if with_organization:
        record["organization"] = organization_json(offer.organization)
    return _plain(record)


def service_at_location_json(at: ServiceAtLocation) -> dict:
    """A service at a location with its location (``at`` with its location)."""
    return _plain(
        {
            "id": str(at.id),
            "service_id": str(at.offer_id),
            "location_id": str(at.location_id),
            "location": location_json(at.location),
        }
    )


# The tabular datapackage


def tables(services: Iterable[dict]) -> dict[str, dict[str, dict]]:
    """The rows of each table (by schema name, then id) of full services: every nested object
    becomes a row of its own table, linked by the ids its table names (``service_id``,
    ``location_id``, ``link_id`` …)."""
    found: dict[str, dict[str, dict]] = {name: {} for name in schemas.names()}
    for service in services:
        _flatten("service", service, None, None, found)
    return found


def _flatten(name: str, record: dict, parent: str | None, parent_id, found):
    columns = schemas.columns(name)
    row = {key: record[key] for key in columns if key in record}
    if parent is not None and f"{parent}_id" in columns:
        row.setdefault(f"{parent}_id", parent_id)
    if name == "attribute" and parent is not None:
        row.setdefault("link_id", parent_id)
        row.setdefault("link_entity", parent)
    properties = schemas.raw(name)["properties"]
    for key, value in record.items():
        definition = properties.get(key, {})
        if definition.get("type") == "array":
            child = definition["items"]["$ref"].removesuffix(".json")
            for item in value:
                _flatten(child, item, name, record["id"], found)
        elif "$ref" in definition and isinstance(value, dict):
            child = definition["$ref"].removesuffix(".json")
            if f"{child}_id" in columns:
                row.setdefault(f"{child}_id", value["id"])
            _flatten(child, value, None, None, found)
    found[name].setdefault(str(record["id"]), row)


def _csv(name: str, rows: Iterable[dict]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=schemas.columns(name), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def datapackage(services: Iterable[dict], *, title: str, progress=None) -> bytes:
    """A ZIP of the tabular datapackage: ``datapackage.json`` and a CSV file per table that
    holds rows (organisations, services, places, … and the taxonomy of needs, whole)."""
    found = tables(services)
    found["taxonomy"][taxonomy.TAXONOMY_ID] = taxonomy_json()
    for term in terms_json():
        found["taxonomy_term"][term["id"]] = {
            key: term[key] for key in schemas.columns("taxonomy_term") if key in term
        }
    used = [name for name in schemas.names() if found[name]]
    package = {
        "name": "neuewege-hsds",
        "title": title,
        "profile": "tabular-data-package",
        "version": schemas.VERSION,
        "created": timezone.now().isoformat(),
        "licenses": [],
        "resources": [
            {
                "name": name,
                "path": schemas.table_path(name),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schemas.table_schema(name),
            }
            for name in used
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "datapackage.json", json.dumps(package, indent=2, ensure_ascii=False) + "\n"
        )
        for number, name in enumerate(used, start=1):
            rows = sorted(found[name].values(), key=lambda row: str(row.get("id", "")))
            archive.writestr(schemas.table_path(name), _csv(name, rows))
            if progress is not None:
                progress(number, len(used))
    return buffer.getvalue()


def services_of(queryset, progress=None):
    """Full services of the offers of ``queryset`` (from ``offers``), one after the other,
    read in chunks: the datapackage keeps only its rows, never every service at once."""
    total = queryset.count()
    for number, offer in enumerate(queryset.iterator(chunk_size=500), start=1):
        yield service_json(offer)
        if progress is not None and number % 500 == 0:
            progress(number, total)
