"""The agreements API, round trips through the Django test client with real API tokens: a family
centre's agreement drawn up, read, a clause changed (a new version, the filled text's change),
sent for signature and signed by a person of each party until it is in force, renewed and
terminated; the clause library read and kept; refusals at their field that save nothing; other
regions' agreements do not exist; those who may read do not write."""

from datetime import timedelta

import pytest
from django.utils import timezone

from neuewege.agreements.library import PLACEHOLDERS
from neuewege.agreements.models import Agreement, AgreementVersion, Clause, ClauseVersion, Signature
from neuewege.core.models import Institution, Person, User
from tests.api.test_api import API, assert_problem, post, token_header
from tests.factories import InstitutionFactory, PersonFactory, UserFactory, make_event

WESEL = "05170"


def staff_of(institution, signs_agreements=True, **person):
    """A person of ``institution`` with a staff account, by default its signatory."""
    person = PersonFactory(institution=institution, **person)
    return UserFactory(role=User.Role.STAFF, person=person, signs_agreements=signs_agreements)


@pytest.fixture
def parties(wesel, family_centre):
    """The family centre (with an event planned), the region's job centre and employment
    agency (with a BCA, who speaks at the centre's events), a person of each with an account."""
    job_centre = InstitutionFactory(
        region=wesel, kind=Institution.Kind.JOB_CENTRE, name="Jobcenter Kreis Wesel"
    )
    agency = InstitutionFactory(
        region=wesel, kind=Institution.Kind.EMPLOYMENT_AGENCY, name="Agentur für Arbeit Wesel"
    )
    bca = PersonFactory(
        institution=agency, function=Person.Function.BCA, first_name="Birgit", last_name="Brand"
    )
    make_event(family_centre, dates=3, speakers=[bca])
    return {
        "centre": family_centre,
        "job_centre": job_centre,
        "agency": agency,
        "centre_staff": staff_of(family_centre, first_name="Fatma", last_name="Yılmaz"),
        "job_centre_staff": staff_of(job_centre, function=Person.Function.CASE_MANAGER),
        "agency_staff": staff_of(agency, function=Person.Function.BCA),
    }


@pytest.fixture
def headers(coordinator):
    return token_header(coordinator)


def centre_agreement(parties, **changes):
    return {
        "kind": "family_centre",
        "family_centre_id": parties["centre"].pk,
        "party_ids": [parties["job_centre"].pk, parties["agency"].pk],
        "starts_on": "2027-01-01",
        "ends_on": "2028-12-31",
    } | changes


def get(client, url, headers, **query):
    return client.get(API + url, query, **headers)


def create(client, parties, headers, **changes):
    response = post(
        client, "/regions/05170/agreements", centre_agreement(parties, **changes), headers
    )
    assert response.status_code == 201, response.content
    return response.json()


def party_id(agreement, institution):
    return next(p["id"] for p in agreement["parties"] if p["institution_id"] == institution.pk)


def test_a_centre_agreement_is_drawn_up_changed_signed_renewed_and_terminated(
    client, headers, parties, wesel
):
    agreement = create(client, parties, headers, renews_automatically=True)
    assert agreement["status"] == "draft" and agreement["version"] == 1
    assert agreement["title"] == "Kooperationsvereinbarung Familienzentrum Sonnenschein Wesel"
    assert agreement["family_centre"] == "Familienzentrum Sonnenschein Wesel"
    assert [p["name"] for p in agreement["parties"]] == [  # the centre first
        "Familienzentrum Sonnenschein Wesel",
        "Jobcenter Kreis Wesel",
        "Agentur für Arbeit Wesel",
    ]
    assert not any(p["signed"] for p in agreement["parties"])
    url = f"/agreements/{agreement['id']}"

    listed = get(client, "/regions/05170/agreements", headers).json()
    assert listed["count"] == 1
    assert listed["items"][0] | {"id": 0} == {
        "id": 0,
        "region": WESEL,
        "kind": "family_centre",
        "title": agreement["title"],
        "family_centre_id": parties["centre"].pk,
        "family_centre": "Familienzentrum Sonnenschein Wesel",
        "status": "draft",
        "status_label": "Entwurf",
        "starts_on": "2027-01-01",
        "ends_on": "2028-12-31",
        "renews_automatically": True,
        "renewal_months": 12,
        "version": 1,
    }

    # the first version: the template filled with the platform's data
    first = get(client, f"/agreements/versions/{agreement['versions'][0]['id']}", headers).json()
    assert first["number"] == 1 and first["current"] and first["changed_clauses"] == []
    clauses = {clause["key"]: clause for clause in first["snapshot"]["clauses"]}
    assert "Birgit Brand" in clauses["durchfuehrung"]["filled"]  # the event's speaker
    assert "01.01.2027" in clauses["laufzeit"]["filled"]
    assert first["digest"] == AgreementVersion.objects.get(pk=first["id"]).digest
    assert first["documents"] == {
        "pdf": f"/api/v1/exports/agreement-version.pdf?version={first['id']}",
        "docx": f"/api/v1/exports/agreement-version.docx?version={first['id']}",
    }

    # a changed clause: a new version; the change is in the filled text
    text = "Die Leistungen in {{region}} werden gemeinsam geplant."
    changed = post(client, f"{url}/versions", {"texts": {"leistungen": text}, "note": "§"}, headers)
    assert changed.status_code == 201, changed.content
    second = changed.json()
    assert second["number"] == 2 and second["current"] and second["note"] == "§"
    assert second["digest"] != first["digest"]
    [change] = second["changed_clauses"]
    assert change["key"] == "leistungen"
    assert change["before"] == clauses["leistungen"]["filled"]
    assert change["after"] == f"Die Leistungen in {wesel.name} werden gemeinsam geplant."
    # the same again: nothing to save
    again = post(client, f"{url}/versions", {"texts": {"leistungen": text}}, headers)
    assert again.status_code == 200 and again.json() == {"changed": False}
    assert AgreementVersion.objects.filter(agreement_id=agreement["id"]).count() == 2
    assert not get(client, f"/agreements/versions/{first['id']}", headers).json()["current"]

    sent = post(client, f"{url}/send-for-signature", {}, headers)
    assert sent.status_code == 200 and sent.json()["status"] == "signing"

    # the centre signs; a change voids the signature, kept with its time
    centre_headers = token_header(parties["centre_staff"])
    body = {"version_id": second["id"], "party_id": party_id(agreement, parties["centre"])}
    signed = post(client, f"{url}/signatures", body, centre_headers)
    assert signed.status_code == 201, signed.content
    assert signed.json()["signer_name"] == "Fatma Yılmaz"
    assert signed.json()["digest"] == second["digest"] and signed.json()["voided_at"] is None
    text = "Die Leistungen in {{region}} werden jährlich gemeinsam geplant."
    third = post(client, f"{url}/versions", {"texts": {"leistungen": text}}, headers).json()
    assert third["number"] == 3
    voided = get(client, f"/agreements/versions/{second['id']}", headers).json()["signatures"]
    assert len(voided) == 1 and voided[0]["voided_at"] is not None
    assert not any(p["signed"] for p in get(client, url, headers).json()["parties"])

    # the superseded version is not signed
    stale = post(client, f"{url}/signatures", body, centre_headers)
    assert "ersetzt" in assert_problem(stale, 422, "version_id")["detail"]
    # nobody signs for another institution
    body = {"version_id": third["id"], "party_id": party_id(agreement, parties["job_centre"])}
    assert_problem(post(client, f"{url}/signatures", body, centre_headers), 403)
    assert_problem(post(client, f"{url}/signatures", body, headers), 403)  # coordinator too
    # nor a person of that institution whose account has no right to sign (a case manager)
    case_manager = staff_of(parties["job_centre"], signs_agreements=False)
    refused = assert_problem(
        post(client, f"{url}/signatures", body, token_header(case_manager)), 403
    )
    assert "Jobcenter Kreis Wesel" in refused["detail"]
    assert Signature.objects.filter(voided_at__isnull=True).count() == 0

    # a person of each party signs the current version: in force
    for who, institution in (
        ("centre_staff", "centre"),
        ("job_centre_staff", "job_centre"),
        ("agency_staff", "agency"),
    ):
        body = {"version_id": third["id"], "party_id": party_id(agreement, parties[institution])}
        response = post(client, f"{url}/signatures", body, token_header(parties[who]))
        assert response.status_code == 201, response.content
    in_force = get(client, url, headers).json()
    assert in_force["status"] == "signed" and in_force["in_force_at"]  # by every party; begins 2027
    assert all(p["signed"] for p in in_force["parties"])
    assert in_force["parties"][1]["signature"]["signer_function"] == "Fallmanagement"
    final = get(client, f"/agreements/versions/{third['id']}", headers).json()
    assert [s["institution"] for s in final["signatures"]] == [
        p["name"] for p in in_force["parties"]
    ]
    assert {s["digest"] for s in final["signatures"]} == {final["digest"]}
    # in force, its text is not changed
    refused = post(client, f"{url}/versions", {"texts": {"leistungen": "Anders."}}, headers)
    assert_problem(refused, 422)

    # renewed for a new term: a new draft with the texts and parties
    renewal = post(
        client, f"{url}/renewal", {"starts_on": "2029-01-01", "ends_on": "2030-12-31"}, headers
    )
    assert renewal.status_code == 201, renewal.content
    successor = renewal.json()
    assert successor["predecessor_id"] == agreement["id"] and successor["status"] == "draft"
    assert [p["name"] for p in successor["parties"]] == [p["name"] for p in in_force["parties"]]
    snapshot = get(client, f"/agreements/versions/{successor['versions'][0]['id']}", headers)
    leistungen = next(c for c in snapshot.json()["snapshot"]["clauses"] if c["key"] == "leistungen")
    assert leistungen["text"] == text

    # terminated: not before the start, a date
    assert_problem(post(client, f"{url}/terminate", {"on": "2026-12-31"}, headers), 422, "on")
    assert_problem(post(client, f"{url}/terminate", {"on": 20270630}, headers), 422, "on")
    ended = post(client, f"{url}/terminate", {"on": "2027-06-30"}, headers)
    assert ended.status_code == 200, ended.content
    # a termination ahead: it ends that day, in force (signed, not yet begun) until then
    assert ended.json()["status"] == "signed" and ended.json()["terminated_on"] == "2027-06-30"
    assert ended.json()["ends_on"] == "2027-06-30"
    assert ended.json()["renews_automatically"] is False


def test_an_agreement_near_its_end_is_listed_as_expiring(client, headers, parties):
    today = timezone.localdate()
    agreement = create(
        client,
        parties,
        headers,
        starts_on=(today - timedelta(days=300)).isoformat(),
        ends_on=(today + timedelta(days=30)).isoformat(),
    )
    Agreement.objects.filter(pk=agreement["id"]).update(status=Agreement.Status.IN_FORCE)
    english = headers | {"HTTP_ACCEPT_LANGUAGE": "en"}
    [listed] = get(client, "/regions/05170/agreements", english).json()["items"]
    assert listed["status"] == "expiring" and listed["status_label"] == "Expiring"


def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(
    client, headers, parties, borken, youth_welfare_office
):
    other_region = InstitutionFactory(
        region=borken, kind=Institution.Kind.JOB_CENTRE, name="Jobcenter Borken"
    )
    url = "/regions/05170/agreements"
    cases = [
        (centre_agreement(parties, ends_on="2026-12-31"), "ends_on"),
        (centre_agreement(parties, starts_on=20270101), "starts_on"),
        (centre_agreement(parties, starts_on="1999-01-01"), "starts_on"),
        (centre_agreement(parties, party_ids=[youth_welfare_office.pk]), "party_ids"),
        (centre_agreement(parties, party_ids=[parties["agency"].pk]), "party_ids"),  # no JC
        (centre_agreement(parties, party_ids=[other_region.pk, parties["agency"].pk]), "party_ids"),
        (centre_agreement(parties, party_ids=[str(parties["agency"].pk)]), "party_ids.0"),
        (centre_agreement(parties, party_ids=[True]), "party_ids.0"),
        (centre_agreement(parties, family_centre_id=str(parties["centre"].pk)), "family_centre_id"),
        (centre_agreement(parties, family_centre_id=parties["job_centre"].pk), "family_centre_id"),
        (centre_agreement(parties, family_centre_id=None), "family_centre_id"),
        (centre_agreement(parties, kind="treaty"), "kind"),
        (centre_agreement(parties, renews_automatically="yes"), "renews_automatically"),
    ]
    for body, field in cases:
        assert_problem(post(client, url, body, headers), 422, field)
    # the other region's institution is not named
    body = centre_agreement(parties, party_ids=[other_region.pk, parties["agency"].pk])
    assert "Borken" not in post(client, url, body, headers).content.decode()
    assert Agreement.objects.count() == 0

    agreement = create(client, parties, headers)
    versions = f"/agreements/{agreement['id']}/versions"
    for body, field in [
        ({"texts": {"leistungen": "Für {{gemeinde}} gilt das."}}, "texts"),
        ({"texts": {"gibt-es-nicht": "Text"}}, "texts"),
        ({"texts": {"leistungen": "   "}}, "texts"),
        ({"texts": {"leistungen": 5}}, "texts.leistungen"),
        ({"ends_on": "2026-06-01"}, "ends_on"),
        ({"starts_on": None}, "starts_on"),
        ({"renewal_months": 0}, "renewal_months"),
        ({"renewal_months": "12"}, "renewal_months"),
    ]:
        assert_problem(post(client, versions, body, headers), 422, field)
    unknown = post(
        client, versions, {"texts": {"leistungen": "Für {{gemeinde}} gilt das."}}, headers
    )
    assert "{{gemeinde}}" in unknown.json()["detail"]
    assert AgreementVersion.objects.count() == 1
    assert Agreement.objects.get().ends_on.isoformat() == "2028-12-31"

    signatures = f"/agreements/{agreement['id']}/signatures"
    body = {
        "version_id": str(agreement["versions"][0]["id"]),
        "party_id": agreement["parties"][0]["id"],
    }
    assert_problem(post(client, signatures, body, headers), 422, "version_id")
    body = {"version_id": agreement["versions"][0]["id"], "party_id": 10**6}
    assert_problem(post(client, signatures, body, headers), 422, "party_id")
    assert_problem(get(client, "/agreements/0", headers), 422)


def test_the_clause_library_is_read_by_all_and_kept_by_the_state_and_the_coordinator(
    client, headers, coordinator, state_user, staff, wesel, borken
):
    templates = get(client, "/agreements/templates", token_header(staff)).json()
    assert [t["kind"] for t in templates["templates"]] == ["framework", "family_centre"]
    centre = templates["templates"][1]
    assert [k["kind"] for k in centre["party_kinds"]] == [
        "family_centre",
        "job_centre",
        "employment_agency",
    ]
    keys = [clause["key"] for clause in centre["clauses"]]
    assert keys[0] == "parteien" and "leistungen" in keys
    assert all(c["region"] is None and c["latest"]["number"] == 1 for c in centre["clauses"])
    placeholders = {p["name"]: p["label"] for p in templates["placeholders"]}
    assert list(placeholders) == list(PLACEHOLDERS) and all(placeholders.values())
    english = get(
        client, "/agreements/templates", token_header(staff) | {"HTTP_ACCEPT_LANGUAGE": "en"}
    )
    assert {
        "name": "veranstaltungen",
        "label": "the events planned or held at the family centre, with their rhythm",
    } in english.json()["placeholders"]
    leistungen = next(c for c in centre["clauses"] if c["key"] == "leistungen")

    # the state's clauses: the state level keeps them
    url = f"/agreements/clauses/{leistungen['id']}/versions"
    state = token_header(state_user)
    unknown = post(client, url, {"text": "Für {{gemeinde}}."}, state)
    assert "{{gemeinde}}" in assert_problem(unknown, 422, "text")["detail"]
    assert_problem(post(client, url, {"text": leistungen["latest"]["text"]}, state), 422, "text")
    assert_problem(post(client, url, {"text": "Neu.", "note": 3}, state), 422, "note")
    assert_problem(post(client, url, {"text": "Neu für {{region}}."}, headers), 403)
    assert ClauseVersion.objects.filter(clause_id=leistungen["id"]).count() == 1
    saved = post(client, url, {"text": "Neu für {{region}}.", "note": "kürzer"}, state)
    assert saved.status_code == 201, saved.content
    assert saved.json() | {"id": 0, "created_at": ""} == {
        "id": 0,
        "clause_id": leistungen["id"],
        "number": 2,
        "text": "Neu für {{region}}.",
        "note": "kürzer",
        "created_at": "",
    }

    # a region's variant: its coordinator
    variants = "/regions/05170/agreements/clauses"
    body = {"clause_id": leistungen["id"], "text": "In {{region}} so."}
    assert_problem(post(client, variants, body, state), 403)
    assert_problem(post(client, variants, body, token_header(staff)), 403)
    outsider = token_header(UserFactory(role=User.Role.COORDINATOR, regions=[borken]))
    assert_problem(post(client, variants, body, outsider), 404)
    assert_problem(post(client, variants, body | {"clause_id": 10**6}, headers), 422, "clause_id")
    variant = post(client, variants, body, headers)
    assert variant.status_code == 201, variant.content
    assert (
        variant.json()["region"] == WESEL
        and variant.json()["latest"]["text"] == "In {{region}} so."
    )
    assert_problem(post(client, variants, body, headers), 422)  # one variant per clause
    # and its versions
    variant_url = f"/agreements/clauses/{variant.json()['id']}/versions"
    assert_problem(post(client, variant_url, {"text": "Anders."}, outsider), 404)
    assert post(client, variant_url, {"text": "Anders in {{region}}."}, headers).status_code == 201
    # a variant of a variant is none
    body = {"clause_id": variant.json()["id"], "text": "X"}
    assert_problem(post(client, variants, body, headers), 422, "clause_id")

    # the region's view shows its variant beside the state's clause
    shown = get(client, "/agreements/templates", headers, region=WESEL).json()
    clause = next(c for c in shown["templates"][1]["clauses"] if c["key"] == "leistungen")
    assert clause["latest"]["number"] == 2
    assert clause["region_variant"]["latest"]["text"] == "Anders in {{region}}."
    assert_problem(get(client, "/agreements/templates", outsider, region=WESEL), 422, "region")
    plain = get(client, "/agreements/templates", outsider).json()
    assert all(c["region_variant"] is None for t in plain["templates"] for c in t["clauses"])
    assert_problem(get(client, "/agreements/templates", headers, region="5170"), 422, "region")
    assert Clause.objects.filter(region=borken).count() == 0


def test_other_regions_agreements_do_not_exist_and_readers_do_not_write(
    client, headers, parties, borken
):
    agreement = create(client, parties, headers)
    version_id = agreement["versions"][0]["id"]
    url = f"/agreements/{agreement['id']}"
    outsider = token_header(UserFactory(role=User.Role.COORDINATOR, regions=[borken]))
    staff_b = token_header(
        staff_of(InstitutionFactory(region=borken, postcode="46325", town="Borken"))
    )
    body = {"version_id": version_id, "party_id": agreement["parties"][0]["id"]}
    for who in (outsider, staff_b):
        assert_problem(get(client, url, who), 404)
        assert_problem(get(client, f"/agreements/versions/{version_id}", who), 404)
        assert_problem(get(client, "/regions/05170/agreements", who), 404)
        assert_problem(
            post(client, "/regions/05170/agreements", centre_agreement(parties), who), 404
        )
        assert_problem(post(client, f"{url}/versions", {"texts": {}}, who), 404)
        assert_problem(post(client, f"{url}/send-for-signature", {}, who), 404)
        assert_problem(post(client, f"{url}/signatures", body, who), 404)
        assert_problem(post(client, f"{url}/terminate", {"on": "2027-06-30"}, who), 404)
        dates = {"starts_on": "2029-01-01", "ends_on": "2030-12-31"}
        assert_problem(post(client, f"{url}/renewal", dates, who), 404)
    assert get(client, "/regions/05554/agreements", outsider).json()["count"] == 0

    viewer = token_header(UserFactory(role=User.Role.VIEWER, regions=[parties["centre"].region]))
    assert get(client, url, viewer).status_code == 200
    assert get(client, "/regions/05170/agreements", viewer).json()["count"] == 1
    assert_problem(
        post(client, "/regions/05170/agreements", centre_agreement(parties), viewer), 403
    )
    text = {"texts": {"leistungen": "Anders für {{region}}."}}
    assert_problem(post(client, f"{url}/versions", text, viewer), 403)
    assert_problem(
        post(client, f"{url}/versions", text, token_header(parties["centre_staff"])), 403
    )
    assert_problem(post(client, f"{url}/send-for-signature", {}, viewer), 403)
    assert Agreement.objects.get().status == Agreement.Status.DRAFT
    assert AgreementVersion.objects.count() == 1
    # a draft is not signed
    response = post(client, f"{url}/signatures", body, token_header(parties["centre_staff"]))
    assert_problem(response, 422)
    assert Signature.objects.count() == 0
