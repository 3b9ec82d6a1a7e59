"""Import of an HSDS 3.0 directory: the round trip of an exported region, matching by id,
and files refused with a report naming file, row and field — nothing saved."""

import csv
import io
import json
import zipfile
from datetime import time, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from neuewege.navigator.hsds import export
from neuewege.navigator.hsds.importing import import_file
from neuewege.navigator.models import (
    Contact,
    Location,
    Offer,
    OfferLanguage,
    Organization,
    Schedule,
    ServiceAtLocation,
)
from tests.bombs import MIB, entry, repeated_entry, zip_of

from .conftest import make_offer

pytestmark = pytest.mark.django_db


def package(region):
    services = export.services_of(export.offers(region=region))
    return export.datapackage(services, title=region.name)


def snapshot(region):
    """What a person sees of the region's offers, without the keepers' own fields."""
    offers = {}
    for offer in Offer.objects.filter(region=region).prefetch_related(
        "needs", "languages", "schedules", "contacts", "at_locations__location"
    ):
        offers[str(offer.id)] = {
            "fields": [
                offer.name,
                offer.description,
                offer.url,
                offer.email,
                offer.phone,
                offer.application_process,
                offer.required_documents,
                offer.eligibility,
                offer.minimum_age,
                offer.maximum_age,
                offer.free_of_charge,
                offer.fees,
                offer.online,
                offer.status,
                offer.checked_on,
                offer.organization_id,
                offer.organization.name,
            ],
            "needs": sorted(need.code for need in offer.needs.all()),
            "languages": sorted(language.code for language in offer.languages.all()),
            "schedules": sorted(
                (
                    str(s.id),
                    s.rrule,
                    s.opens_at,
                    s.closes_at,
                    s.valid_from,
                    s.valid_to,
                    s.description,
                )
                for s in offer.schedules.all()
            ),
            "contacts": sorted(
                (str(c.id), c.name, c.title, c.email, c.phone, c.internal)
                for c in offer.contacts.all()
            ),
            "places": sorted(
                (
                    str(at.id),
                    str(at.location.id),
                    at.location.name,
                    at.location.street,
                    at.location.postcode,
                    at.location.town,
                    at.location.latitude,
                    at.location.longitude,
                    at.location.transportation,
                    at.location.step_free,
                    at.location.accessibility,
                    at.location.organization_id,
                )
                for at in offer.at_locations.all()
            ),
        }
    return offers


def delete_directory(region):
    Offer.objects.filter(region=region).delete()
    Location.objects.filter(organization__region=region).delete()
    Organization.objects.filter(region=region).delete()


@pytest.fixture
def richer(directory, wesel):
    offer = directory["debt_tr"]
    offer.url = "https://schuldnerberatung.example.org/"
    offer.email = "beratung@example.org"
    offer.minimum_age, offer.maximum_age = 18, 99
    offer.free_of_charge, offer.fees = False, "5 € je Termin"
    offer.eligibility = "Alleinerziehende"
    offer.save()
    Contact.objects.create(offer=offer, name="Frau Yılmaz", title="Beraterin", phone="0281 55")
    place = offer.locations.get()
    place.accessibility = "Aufzug, barrierefreies WC"
    place.save()
    Schedule.objects.create(
        offer=offer,
        location=place,
        rrule="FREQ=MONTHLY;BYDAY=1WE",
        opens_at=time(17),
        closes_at=time(19),
        description="Abendsprechstunde",
    )
    Schedule.objects.create(
        offer=offer,
        rrule="FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-1",
        opens_at=time(9),
        closes_at=time(12),
    )
    return directory


def test_a_region_exported_deleted_and_imported_is_the_same_again(richer, wesel):
    before = snapshot(wesel)
    internal = {(c.offer_id, c.phone) for c in Contact.objects.filter(internal=True)}
    content = package(wesel)
    delete_directory(wesel)
    report = import_file(region=wesel, filename="wesel.zip", content=content)
    assert report.is_valid, report.as_json()
    assert report.applied
    assert report.created_count == 4 + 4 + 3  # offers, organisations, places
    after = snapshot(wesel)
    for offer in after.values():  # contacts for professionals never left the platform
        offer["contacts"] = [c for c in offer["contacts"] if not c[-1]]
    for offer in before.values():
        offer["contacts"] = [c for c in offer["contacts"] if not c[-1]]
    assert after == before
    assert internal and not Contact.objects.filter(internal=True).exists()


def test_importing_again_updates_instead_of_duplicating_and_keeps_internal_contacts(richer, wesel):
    content = package(wesel)
    offer = richer["debt_tr"]
    offer.name = "Alter Name"
    offer.save()
    counts = (
        Offer.objects.count(),
        Location.objects.count(),
        Organization.objects.count(),
        Schedule.objects.count(),
        Contact.objects.count(),
        ServiceAtLocation.objects.count(),
    )
    report = import_file(region=wesel, filename="wesel.zip", content=content)
    assert report.is_valid and report.created_count == 0 and report.updated_count == 11
    assert counts == (
        Offer.objects.count(),
        Location.objects.count(),
        Organization.objects.count(),
        Schedule.objects.count(),
        Contact.objects.count(),
        ServiceAtLocation.objects.count(),
    )
    offer.refresh_from_db()
    assert offer.name == "Schuldnerberatung Wesel"
    assert offer.contacts.filter(internal=True, phone="0281 123459-12").exists()


def test_a_json_list_of_services_imports_too(directory, wesel):
    services = [export.service_json(o) for o in export.offers(region=wesel)]
    before = snapshot(wesel)
    delete_directory(wesel)
    report = import_file(
        region=wesel, filename="services.json", content=json.dumps(services).encode()
    )
    assert report.is_valid and report.applied, report.as_json()
    after = snapshot(wesel)
    for snap in (before, after):
        for offer in snap.values():
            offer["contacts"] = [c for c in offer["contacts"] if not c[-1]]
    assert after == before


def rewrite(content, name, change):
    """The datapackage with the rows of ``name`` changed by ``change(rows) -> (header, rows)``."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == name:
                rows = list(csv.DictReader(io.StringIO(data.decode())))
                header, rows = change(rows)
                buffer = io.StringIO()
                writer = csv.DictWriter(buffer, fieldnames=header)
                writer.writeheader()
                writer.writerows(rows)
                data = buffer.getvalue().encode()
            target.writestr(item.filename, data)
    return out.getvalue()


def refused(report):
    assert not report.is_valid and not report.applied
    return [
        (record.file, record.row, problem["field"], problem["message"])
        for record in report.refused
        for problem in record.problems
    ]


def check_nothing_saved(wesel, before):
    assert snapshot(wesel) == before


def set_field(field, value, row_index=0):
    def change(rows):
        rows[row_index][field] = value
        return list(rows[0].keys()), rows

    return change


def test_a_schema_failure_is_refused_with_file_row_and_field(directory, wesel):
    content = rewrite(package(wesel), "services.csv", set_field("status", "geschlossen"))
    before = snapshot(wesel)
    with translation.override("en"):
        report = import_file(region=wesel, filename="x.zip", content=content)
    problems = refused(report)
    assert [(file, row, field) for file, row, field, _message in problems] == [
        ("services.csv", 2, "status")
    ]
    assert "is not one of" in problems[0][3]
    check_nothing_saved(wesel, before)


def test_a_record_against_our_rules_is_refused_and_nothing_saved(directory, wesel):
    content = rewrite(package(wesel), "addresss.csv", set_field("postal_code", "4648"))
    before = snapshot(wesel)
    delete_directory(wesel)
    problems = refused(import_file(region=wesel, filename="x.zip", content=content))
    assert any(
        file == "locations.csv" and field == "addresss.postal_code"
        for file, _r, field, _m in problems
    )
    assert not Offer.objects.filter(region=wesel).exists()
    assert not Organization.objects.filter(region=wesel).exists()
    assert before


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ("services.csv", "organization_id"),
        ("service_at_location.csv", "location_id"),
        ("attributes.csv", "taxonomy_term_id"),
        ("schedules.csv", "service_id"),
    ],
)
def test_unknown_references_are_refused(directory, wesel, table, field):
    content = rewrite(
        package(wesel), table, set_field(field, "0f0f0f0f-0000-4000-8000-000000000000")
    )
    before = snapshot(wesel)
    problems = refused(import_file(region=wesel, filename="x.zip", content=content))
    assert (table, 2, field) in [(file, row, name) for file, row, name, _m in problems]
    check_nothing_saved(wesel, before)


def test_ids_of_another_region_are_refused(directory, wesel, borken):
    content = package(wesel)
    before = snapshot(borken)
    problems = refused(import_file(region=borken, filename="x.zip", content=content))
    assert {field for _f, _r, field, _m in problems} >= {"id"}
    with translation.override("de"):  # the import works in German (the texts it saves)
        expected = translation.gettext("This id belongs to a record of another region.")
    assert expected in [message for *_rest, message in problems]
    assert snapshot(borken) == before


def test_a_wrong_header_is_refused(directory, wesel):
    def change(rows):
        for row in rows:
            row["nombre"] = row.pop("name")
        return list(rows[0].keys()), rows

    content = rewrite(package(wesel), "services.csv", change)
    before = snapshot(wesel)
    with translation.override("en"):
        report = import_file(region=wesel, filename="x.zip", content=content)
    assert not report.applied
    assert "services.csv" in report.problems[0] and "nombre" in report.problems[0]
    check_nothing_saved(wesel, before)


def test_broken_and_hostile_files_are_refused_before_parsing(directory, wesel):
    before = snapshot(wesel)
    with translation.override("en"):
        broken = import_file(region=wesel, filename="x.zip", content=b"PK\x03\x04 kaputt")
        assert "damaged" in broken.problems[0]
        bomb = zip_of([repeated_entry("services.csv", b"id,name\n", b"a" * MIB, 100, b"\n")])
        assert "zip bomb" in import_file(region=wesel, filename="x.zip", content=bomb).problems[0]
        huge = zip_of([repeated_entry("services.csv", b"id\n", b"a" * MIB, 300, b"\n")])
        assert "unpacks to" in import_file(region=wesel, filename="x.zip", content=huge).problems[0]
        many = zip_of([entry(f"f{n}.csv", b"id\n") for n in range(100)])
        assert "parts" in import_file(region=wesel, filename="x.zip", content=many).problems[0]
        long_cell = zip_of(
            [entry("services.csv", b"id,name,status\n1," + b"x" * 30_000 + b",active\n")]
        )
        report = import_file(region=wesel, filename="x.zip", content=long_cell)
        assert refused(report)[0][:3] == ("services.csv", 2, "name")
        not_json = import_file(region=wesel, filename="x.json", content=b"[{")
        assert "JSON" in not_json.problems[0]
        deep = import_file(region=wesel, filename="x.json", content=b"[" * 100_000)
        assert deep.problems
    check_nothing_saved(wesel, before)


def test_check_only_saves_nothing(directory, wesel):
    content = package(wesel)
    delete_directory(wesel)
    report = import_file(region=wesel, filename="x.zip", content=content, write=False)
    assert report.is_valid and not report.applied
    assert {record.action for record in report.records} == {"would be created"}
    assert not Offer.objects.filter(region=wesel).exists()


def test_the_command_imports_and_refuses(directory, wesel, tmp_path, capsys):
    path = tmp_path / "wesel.zip"
    path.write_bytes(package(wesel))
    delete_directory(wesel)
    call_command("import-hsds", "05170", str(path))
    assert "11 created" in capsys.readouterr().out
    assert Offer.objects.filter(region=wesel).count() == 4
    bad = tmp_path / "bad.zip"
    bad.write_bytes(rewrite(package(wesel), "services.csv", set_field("status", "x")))
    with pytest.raises(CommandError):
        call_command("import-hsds", "05170", str(bad))
    assert "services.csv, row 2, status" in capsys.readouterr().err
    assert OfferLanguage.objects.filter(offer__region=wesel).exists()
    assert make_offer


@pytest.mark.parametrize(
    ("table", "field", "value"),
    [
        ("schedules.csv", "id", ""),
        ("schedules.csv", "opens_at", "9 Uhr"),
        ("schedules.csv", "valid_from", "morgen"),
        ("schedules.csv", "byday", "XX"),
        ("schedules.csv", "interval", "nan"),
        ("locations.csv", "latitude", "inf"),
        ("locations.csv", "latitude", "4000"),
        ("services.csv", "assured_date", "gestern"),
        ("services.csv", "minimum_age", "1e400"),
        ("services.csv", "maximum_age", "2.5"),
        ("services.csv", "email", "keine"),
        ("services.csv", "description", ""),
        ("languages.csv", "code", "deutsch-sprachig"),
        ("phones.csv", "number", "0" * 50),
        ("addresss.csv", "address_1", ""),
    ],
)
def test_every_bad_value_is_refused_at_its_field_never_an_error(
    directory, wesel, table, field, value
):
    content = rewrite(package(wesel), table, set_field(field, value))
    before = snapshot(wesel)
    problems = refused(import_file(region=wesel, filename="x.zip", content=content))
    assert problems
    check_nothing_saved(wesel, before)


def test_json_with_bad_values_is_refused_never_an_error(directory, wesel):
    services = [export.service_json(o) for o in export.offers(region=wesel)]
    services[0]["minimum_age"] = 1e400  # Infinity in the file
    text = json.dumps(services)
    assert import_file(region=wesel, filename="x.json", content=text.encode()).problems
    services[0]["minimum_age"] = 3
    services[0]["schedules"][0].pop("id")
    services[1]["phones"] = [7]
    report = import_file(region=wesel, filename="x.json", content=json.dumps(services).encode())
    fields = {problem[2] for problem in refused(report)}
    assert {"schedules.0.id", "phones.0"} <= fields
    assert import_file(region=wesel, filename="x.json", content=b'{"a": 1}').problems


# The offer's rules of the staff form and the API (services.check_offer), for imports too


def json_services(region):
    return [export.service_json(offer) for offer in export.offers(region=region)]


def service_named(services, name):
    return next(service for service in services if service["name"] == name)


def unreachable(service):
    for name in ("url", "email"):
        service.pop(name, None)
    service.update(phones=[], contacts=[])


def without_needs(service):
    service["attributes"] = []


def nowhere(service):
    service.update(service_at_locations=[], service_areas=[])


def unknown_language(service):
    service["languages"][0].update(code="xx", name="Klingonisch")


def ages_reversed(service):
    service.update(minimum_age=18, maximum_age=6)


def too_old(service):
    service["maximum_age"] = 130


def yearly(service):
    schedule = service["schedules"][0]
    schedule.pop("byday"), schedule.pop("freq")
    schedule["notes"] = "FREQ=YEARLY;BYMONTH=3"  # how the export keeps a rule HSDS cannot


def unknown_postcode(service):
    location = service["service_at_locations"][0]["location"]
    location.pop("latitude"), location.pop("longitude")
    location["addresss"][0]["postal_code"] = "00001"


def in_the_future(service):
    service["assured_date"] = (timezone.localdate() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("change", "refused_at"),
    [
        (unreachable, {("service", "phones")}),
        (without_needs, {("service", "attributes")}),
        (nowhere, {("service", "service_at_locations")}),
        (unknown_language, {("language", "code"), ("service", "languages")}),
        (ages_reversed, {("service", "maximum_age")}),
        (too_old, {("service", "maximum_age")}),
        (yearly, {("schedule", "notes"), ("service", "schedules")}),
        (unknown_postcode, {("location", "addresss.postal_code")}),
        (in_the_future, {("service", "assured_date")}),
    ],
)
def test_an_offer_against_the_rules_of_the_form_is_refused_at_its_field(
    directory, wesel, change, refused_at
):
    services = json_services(wesel)
    change(service_named(services, "Schuldnerberatung Wesel"))
    before = snapshot(wesel)
    report = import_file(region=wesel, filename="x.json", content=json.dumps(services).encode())
    found = {
        (record.kind, record.file, record.row, problem["field"])
        for record in report.refused
        for problem in record.problems
    }
    number = services.index(service_named(services, "Schuldnerberatung Wesel")) + 1
    assert {(kind, "x.json", number, field) for kind, field in refused_at} <= found
    assert not report.applied
    check_nothing_saved(wesel, before)


def test_the_reasons_are_the_forms_messages(directory, wesel):
    services = json_services(wesel)
    ages_reversed(services[0])
    with translation.override("de"):
        expected = translation.gettext("The maximum age must not be below the minimum age.")
    report = import_file(region=wesel, filename="x.json", content=json.dumps(services).encode())
    assert expected in [message for *_rest, message in refused(report)]


def test_language_names_and_codes_are_mapped_to_the_list(directory, wesel):
    services = json_services(wesel)
    service = service_named(services, "Schuldnerberatung Wesel")
    service["languages"] = [
        {"id": "l1", "service_id": service["id"], "code": "tur", "name": "Turkish"},
        {"id": "l2", "service_id": service["id"], "name": "Kurdisch"},
        {"id": "l3", "service_id": service["id"], "code": "de-DE"},
    ]
    report = import_file(region=wesel, filename="x.json", content=json.dumps(services).encode())
    assert report.applied, refused(report)
    codes = OfferLanguage.objects.filter(offer_id=service["id"]).values_list("code", flat=True)
    assert sorted(codes) == ["de", "ku", "tr"]


def test_without_assured_date_an_offer_counts_as_checked_today(directory, wesel):
    services = json_services(wesel)
    for service in services:
        service.pop("assured_date", None)
    Offer.objects.filter(region=wesel).update(checked_on=timezone.localdate() - timedelta(days=90))
    report = import_file(region=wesel, filename="x.json", content=json.dumps(services).encode())
    assert report.applied, refused(report)
    assert set(Offer.objects.filter(region=wesel).values_list("checked_on", flat=True)) == {
        timezone.localdate()
    }


def test_a_service_offered_twice_at_a_place_is_refused_with_a_report(directory, wesel):
    lines = []

    def twice(rows):
        rows.append(rows[0] | {"id": "another-id"})
        lines.append(len(rows) + 1)  # after the header
        return list(rows[0].keys()), rows

    content = rewrite(package(wesel), "service_at_location.csv", twice)
    before = snapshot(wesel)
    problems = refused(import_file(region=wesel, filename="x.zip", content=content))
    assert ("service_at_location.csv", lines[0], "location_id") in [
        (file, row, field) for file, row, field, _m in problems
    ]
    check_nothing_saved(wesel, before)


@pytest.mark.parametrize("table", ["schedules", "languages", "phones"])
def test_a_record_id_given_to_two_services_is_refused(directory, wesel, table):
    services = json_services(wesel)
    first, second = services[0], services[1]
    second[table][0]["id"] = first[table][0]["id"]
    before = snapshot(wesel)
    report = import_file(region=wesel, filename="x.json", content=json.dumps(services).encode())
    assert ("x.json", 2, f"{table[:-1]}s.id") in [
        (file, row, field) for file, row, field, _m in refused(report)
    ]
    check_nothing_saved(wesel, before)
