"""The directory in HSDS 3.0: full services and the tabular datapackage, validated against the
official schemas; contacts for professionals never leave."""

import csv
import io
import json
import zipfile
from datetime import time, timedelta

import pytest
from django.utils import timezone, translation

from neuewege.core.exporters import Target
from neuewege.navigator import taxonomy
from neuewege.navigator.exporters import REGION_PACKAGE, STATE_PACKAGE
from neuewege.navigator.hsds import export, schemas
from neuewege.navigator.models import Contact, Offer, Schedule

from .conftest import make_offer

pytestmark = pytest.mark.django_db


def full_services(region=None):
    return [export.service_json(offer) for offer in export.offers(region=region)]


def test_every_service_of_the_directory_is_valid_hsds(directory, wesel):
    services = full_services(wesel)
    assert {service["name"] for service in services} == {
        "Schuldnerberatung Wesel",
        "Schuldnerberatung Dinslaken",
        "Integrationskurs VHS Wesel",
        "Familientelefon Kreis Wesel",
    }
    for service in services:
        assert schemas.validate("service", service) == []
    debt = next(s for s in services if s["id"] == str(directory["debt_tr"].id))
    assert debt["status"] == "active"
    assert debt["assured_date"] == directory["debt_tr"].checked_on.isoformat()
    assert {language["code"] for language in debt["languages"]} == {"de", "tr"}
    assert debt["phones"][0]["number"] == "0281 123456"
    location = debt["service_at_locations"][0]["location"]
    assert location["addresss"][0]["postal_code"] == "46483"
    assert location["latitude"] == pytest.approx(51.66179)
    assert location["accessibilitys"][0]["description"] == export.STEP_FREE
    (attribute,) = debt["attributes"]
    assert attribute["taxonomy_term"]["code"] == "debt"
    assert attribute["taxonomy_term_id"] == export.term_id("debt")
    with translation.override("de"):  # the German words of the taxonomy
        assert attribute["taxonomy_term"]["name"] == str(taxonomy.label("debt"))
    schedule = debt["schedules"][0]
    assert (schedule["freq"], schedule["byday"]) == ("WEEKLY", "MO,TU,WE,TH,FR")
    assert (schedule["opens_at"], schedule["closes_at"]) == ("09:00", "16:00")


def test_a_schema_violation_is_found_and_named():
    problems = schemas.validate("service", {"id": "x", "name": "A", "status": "open"})
    assert [problem.field for problem in problems] == ["status"]
    problems = schemas.validate("service", {"id": "x", "status": "active"})
    assert [problem.field for problem in problems] == ["name"]


def test_contacts_for_professionals_are_never_exported(directory, wesel):
    offer = directory["debt_tr"]
    Contact.objects.create(offer=offer, name="Empfang", phone="0281 1", internal=False)
    text = json.dumps(full_services(wesel)) + str(
        export.datapackage(full_services(wesel), title="t")
    )
    assert "Empfang" in text
    assert "0281 123459-12" not in text and "Durchwahl" not in text
    # also when the offer was fetched without the prefetch that leaves them out
    service = export.service_json(Offer.objects.get(pk=offer.pk))
    assert "Durchwahl" not in json.dumps(service)


def test_only_active_offers_of_the_region(directory, wesel):
    directory["german"].status = Offer.Status.INACTIVE
    directory["german"].save()
    names = {service["name"] for service in full_services(wesel)}
    assert "Integrationskurs VHS Wesel" not in names and "Schuldnerberatung Borken" not in names
    assert "Schuldnerberatung Borken" in {s["name"] for s in full_services()}


@pytest.mark.parametrize(
    ("rule", "fields"),
    [
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", {"freq": "WEEKLY", "interval": 2, "byday": "MO"}),
        ("FREQ=MONTHLY;BYDAY=1WE", {"freq": "MONTHLY", "byday": "1WE"}),
        ("FREQ=MONTHLY;BYMONTHDAY=15", {"freq": "MONTHLY", "bymonthday": 15}),
        ("FREQ=DAILY", {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR,SA,SU"}),
        ("FREQ=YEARLY;BYMONTH=3", {"notes": "FREQ=YEARLY;BYMONTH=3"}),
        ("FREQ=MONTHLY;BYMONTHDAY=1,15", {"notes": "FREQ=MONTHLY;BYMONTHDAY=1,15"}),
    ],
)
def test_rules_are_split_into_the_fields_of_hsds(wesel, rule, fields):
    offer = make_offer(wesel, "Sprechstunde", schedule=(rule, time(9), time(12)))
    (schedule,) = export.service_json(next(iter(export.offers(region=wesel))))["schedules"]
    assert {key: schedule[key] for key in fields} == fields
    assert schemas.validate("schedule", schedule) == []
    assert Schedule.objects.get(offer=offer).rrule == rule


def read_package(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        descriptor = json.loads(archive.read("datapackage.json"))
        tables = {
            resource["name"]: list(
                csv.DictReader(io.StringIO(archive.read(resource["path"]).decode("utf-8")))
            )
            for resource in descriptor["resources"]
        }
    return descriptor, tables


def test_the_datapackage_has_a_valid_row_for_every_record(directory, wesel):
    content = export.datapackage(full_services(wesel), title="Kreis Wesel")
    descriptor, tables = read_package(content)
    assert descriptor["profile"] == "tabular-data-package"
    paths = {resource["path"] for resource in descriptor["resources"]}
    assert {
        "services.csv",
        "organizations.csv",
        "locations.csv",
        "service_at_location.csv",
        "attributes.csv",
        "taxonomy_terms.csv",
        "taxonomies.csv",
        "schedules.csv",
        "phones.csv",
        "languages.csv",
        "addresss.csv",
    } <= paths
    assert "contacts.csv" not in paths  # only contacts for professionals in this directory
    assert len(tables["service"]) == 4 and len(tables["location"]) == 3
    assert len(tables["taxonomy_term"]) == len(export.taxonomy.TERMS)
    for resource in descriptor["resources"]:
        name = resource["name"]
        assert [f["name"] for f in resource["schema"]["fields"]] == list(schemas.columns(name))
        numbers = schemas.number_columns(name)
        for row in tables[name]:
            typed = {
                key: (float(value) if key in numbers else value)
                for key, value in row.items()
                if value != ""
            }
            assert schemas.validate_row(name, typed) == [], (name, row)
    by_service = {row["service_id"] for row in tables["service_at_location"]}
    assert str(directory["debt_tr"].id) in by_service
    (term,) = [row for row in tables["taxonomy_term"] if row["code"] == "kita"]
    assert term["parent_id"] == export.term_id("childcare")


def test_the_datapackages_hold_the_offers_parents_find(directory, wesel):
    """Not an offer hidden from parents for not being confirmed for a year — as the API."""
    year_ago = timezone.localdate() - timedelta(days=400)
    make_offer(wesel, "Alte Beratung Wesel", checked_on=year_ago)
    region = REGION_PACKAGE.produce(Target(region_id=wesel.pk, data=wesel), "zip")
    state = STATE_PACKAGE.produce(Target(), "zip")
    for document in (region, state):
        _descriptor, tables = read_package(document.content)
        names = {row["name"] for row in tables["service"]}
        assert "Schuldnerberatung Wesel" in names and "Alte Beratung Wesel" not in names
    assert "Schuldnerberatung Borken" in {
        row["name"] for row in read_package(state.content)[1]["service"]
    }


def test_languages_are_named_in_german_also_those_django_does_not_know(wesel):
    make_offer(wesel, "Beratung auf Kurdisch", languages=("de", "ku", "ti"))
    with translation.override("en"):
        (service,) = full_services(wesel)
    names = {language["code"]: language["name"] for language in service["languages"]}
    assert names == {"de": "Deutsch", "ku": "Kurdisch", "ti": "Tigrinya"}
