"""The templates filled from the platform's data: events with their rhythm, speakers with
institution and contact, the Jugendamt's childcare contacts, the coordinator and the parties;
the snapshot and its digest."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from neuewege.agreements import filling, services
from neuewege.agreements.models import AgreementVersion, Clause, ClauseVersion, Kind
from neuewege.core.models import Person
from neuewege.events.models import Format

from ..factories import PersonFactory
from .conftest import make_centre_agreement, make_dated_event, make_framework, monthly

pytestmark = pytest.mark.django_db


def clause(version: AgreementVersion, key: str) -> dict:
    return next(entry for entry in version.snapshot["clauses"] if entry["key"] == key)


def test_a_centre_agreement_lists_its_monthly_cafe_with_the_rhythm(centre_agreement):
    version = centre_agreement.versions.get()
    cafe = Format.objects.get(code="parent_cafe").name
    filled = clause(version, "veranstaltungen")["filled"]
    assert f"{cafe}: monatlich (12 Termine im Jahr)" in filled
    preamble = clause(version, "parteien")["filled"]
    assert "Familienzentrum Sonnenschein Wesel (Sonnenweg 1, 46483 Wesel)" in preamble
    assert "{{" not in filled


def test_held_and_planned_dates_of_one_cafe_are_not_counted_twice(
    coord, centre, job_centre, employment_agency, jc_staff
):
    """A café held monthly over the last year and planned monthly for the next one is still
    monthly with 12 dates a year, not 24."""
    today = timezone.localdate()
    earlier = (today - timedelta(days=360)).replace(day=1)
    make_dated_event(centre, monthly(earlier, 24), speakers=[jc_staff.person])
    agreement = make_centre_agreement(coord, centre, [job_centre, employment_agency])
    filled = clause(agreement.versions.get(), "veranstaltungen")["filled"]
    assert "monatlich (12 Termine im Jahr)" in filled
    assert "24" not in filled


def test_rhythms_courses_cancelled_and_old_dates(
    coord, centre, job_centre, employment_agency, jc_staff
):
    today = timezone.localdate()
    ahead = today + timedelta(days=20)
    info = make_dated_event(
        centre, [ahead + timedelta(days=91 * n) for n in range(4)], format_code="info_session"
    )
    info.sessions.filter(starts_at__gt=timezone.now() + timedelta(days=200)).update(
        is_cancelled=True
    )  # two of four dates cancelled: twice a year
    make_dated_event(
        centre, [ahead + timedelta(days=n) for n in range(5)], format_code="parent_course"
    )
    make_dated_event(centre, [today - timedelta(days=400)])  # more than a year ago: not listed
    make_dated_event(centre, [ahead], status="cancelled")  # a cancelled event: not listed
    agreement = make_centre_agreement(coord, centre, [job_centre, employment_agency])
    filled = clause(agreement.versions.get(), "veranstaltungen")["filled"]
    names = {code: Format.objects.get(code=code).name for code in ("info_session", "parent_course")}
    assert f"– {names['info_session']}: halbjährlich (2 Termine im Jahr)" in filled
    assert f"– {names['parent_course']}: 1 Kurs im Jahr" in filled
    assert Format.objects.get(code="parent_cafe").name not in filled


def test_the_speakers_then_the_contacts_at_jobcenter_and_agentur_are_named_each_once(
    centre_agreement,
):
    """The placeholder promises the events' speakers and the contacts at Jobcenter and Agentur:
    the café's speaker (the Jobcenter's BCA) first, then the Agentur's BCA, no one twice."""
    filled = clause(centre_agreement.versions.get(), "durchfuehrung")["filled"]
    jana = "Jana Berger (Jobcenter Kreis Wesel), jana.berger@jobcenter-wesel.example, 0281 111"
    anton = "Anton Albers (Agentur für Arbeit Wesel), anton.albers@arbeitsagentur.example, 0281 222"
    assert f"durchgeführt von {jana} und {anton}." in filled
    assert filled.count("Jana Berger") == 1


def test_a_speaker_from_elsewhere_comes_before_the_parties_contacts(
    coord, centre, job_centre, employment_agency, jc_staff, aa_staff
):
    guest = PersonFactory(
        institution=centre, first_name="Gerda", last_name="Gast", email="", phone=""
    )
    make_dated_event(centre, [timezone.localdate() + timedelta(days=10)], speakers=[guest])
    agreement = make_centre_agreement(coord, centre, [job_centre, employment_agency])
    filled = clause(agreement.versions.get(), "durchfuehrung")["filled"]
    assert "von Gerda Gast (Familienzentrum Sonnenschein Wesel), Jana Berger (Jobcenter" in filled
    assert "0281 111 und Anton Albers (Agentur für Arbeit Wesel)" in filled


def test_without_speakers_the_bcas_of_jobcenter_and_agentur_are_named(
    coord, centre, job_centre, employment_agency, jc_staff, aa_staff
):
    make_dated_event(centre, [timezone.localdate() + timedelta(days=10)])
    agreement = make_centre_agreement(coord, centre, [job_centre, employment_agency])
    filled = clause(agreement.versions.get(), "durchfuehrung")["filled"]
    assert "Jana Berger (Jobcenter Kreis Wesel)" in filled
    assert "Anton Albers (Agentur für Arbeit Wesel)" in filled


def test_the_framework_names_childcare_contacts_coordinator_and_parties(framework):
    version = framework.versions.get()
    childcare = clause(version, "kinderbetreuung")
    assert childcare["heading"] == "§ 4 Kindertagesbetreuung und Vermittlung in Arbeit"
    assert (
        "Ansprechpersonen sind: Jutta Kita (Jugendamt Kreis Wesel), "
        "jutta.kita@kreis-wesel.example, 0281 333." in childcare["filled"]
    )
    preamble = clause(version, "parteien")["filled"]
    assert (
        "Clara Koordina (Jugendamt Kreis Wesel), clara.koordina@kreis-wesel.example, 0281 444"
        in preamble
    )
    assert (
        "Jobcenter Kreis Wesel (Reeser Landstraße 61, 46483 Wesel), Agentur für Arbeit Wesel "
        "(Reeser Landstraße 61, 46483 Wesel) und Jugendamt Kreis Wesel" in preamble
    )
    assert f"Sie gilt für {framework.region.name}." in preamble
    term = clause(version, "laufzeit")["filled"]
    assert term == "Diese Rahmenvereinbarung gilt vom 01.01.2027 bis zum 31.12.2028."


def test_the_snapshot_holds_clause_versions_and_data(framework):
    version = framework.versions.get()
    snapshot = version.snapshot
    library = {clause.key: clause.latest for clause in Clause.objects.filter(kind=Kind.FRAMEWORK)}
    assert [entry["key"] for entry in snapshot["clauses"]] == [
        "parteien",
        "ziel",
        "austausch",
        "veranstaltungen",
        "kinderbetreuung",
        "laufzeit",
    ]
    for entry in snapshot["clauses"]:
        source = ClauseVersion.objects.get(pk=entry["clause_version"])
        assert source == library[entry["key"]]
        assert entry["text"] == source.text and entry["edited"] is False
        assert entry["clause_number"] == 1 and entry["region_variant"] is False
    assert set(snapshot["data"]) == {
        "parteien",
        "region",
        "koordination",
        "kinderbetreuung_kontakte",
        "laufzeit",
    }
    assert "Jutta Kita" in snapshot["data"]["kinderbetreuung_kontakte"]
    assert [party["name"] for party in snapshot["parties"]] == [
        "Jobcenter Kreis Wesel",
        "Agentur für Arbeit Wesel",
        "Jugendamt Kreis Wesel",
    ]
    assert snapshot["starts_on"] == "2027-01-01" and snapshot["ends_on"] == "2028-12-31"


def test_the_digest_is_the_sha256_of_the_canonical_snapshot(coord, framework):
    version = AgreementVersion.objects.get(agreement=framework)  # read back from the database
    canonical = json.dumps(
        version.snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode()
    assert version.digest == hashlib.sha256(canonical).hexdigest()
    assert services.digest_of(version.snapshot) == version.digest

    changed = services.save_version(
        access=coord, agreement=framework, texts={"ziel": "Ziel ist die Kooperation in {{region}}."}
    )
    assert changed.digest != version.digest
    assert changed.digest == services.digest_of(
        AgreementVersion.objects.get(pk=changed.pk).snapshot
    )
    assert (
        clause(changed, "ziel")["filled"] == f"Ziel ist die Kooperation in {framework.region.name}."
    )
    assert clause(changed, "ziel")["edited"] is True


def test_fill_names_every_placeholder_it_cannot_fill():
    with pytest.raises(filling.Unfillable) as error:
        filling.fill("{{region}} {{veranstaltungen}} {{gibtsnicht}}", {"region": "Wesel"})
    assert error.value.problems == {"veranstaltungen": "empty", "gibtsnicht": "unknown"}
    assert filling.fill("Für {{ region }}.", {"region": "Kreis Wesel"}) == "Für Kreis Wesel."


def test_values_holding_braces_are_not_filled_again(coord, framework_parties, ja_staff):
    """A name that looks like a placeholder stays as it is (one pass)."""
    agency = framework_parties[1]
    agency.name = "Agentur {{region}}"
    agency.save()
    agreement = make_framework(coord, framework_parties)
    preamble = clause(agreement.versions.get(), "parteien")["filled"]
    assert "Agentur {{region}}" in preamble


def test_the_steering_groups_coordinator_is_named_not_every_coordinator_of_the_region(
    coord, framework_parties, ja_staff, steering_group, job_centre
):
    PersonFactory(
        institution=job_centre,
        first_name="Konrad",
        last_name="Nebenan",
        function=Person.Function.COORDINATOR,
    )
    first = make_framework(coord, framework_parties)
    preamble = clause(first.versions.get(), "parteien")
    assert "Clara Koordina" in preamble["filled"] and "Konrad Nebenan" not in preamble["filled"]
    # without a coordinator in the steering group: the region's people who coordinate
    steering_group.coordinator = None
    steering_group.save()
    services.send_for_signature(access=coord, agreement=first)  # one draft at a time
    again = make_framework(coord, framework_parties, title="Ohne Steuerungsgruppe")
    filled = clause(again.versions.get(), "parteien")["filled"]
    assert "Clara Koordina" in filled and "Konrad Nebenan" in filled
