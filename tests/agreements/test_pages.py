"""The agreements' staff pages as a coordinator and the parties' people use them: the overview,
drawing up from the template, changing a clause (a new version, changed words marked),
signing, a scanned paper copy, the clause library, the figure on the dashboard and in goals."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from neuewege.agreements import services
from neuewege.agreements.models import Agreement, Clause, ClauseVersion, Signature
from neuewege.core.access import access_for
from neuewege.core.models import Institution, User
from neuewege.events.models import EventSession, Format, ParentEvent
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def parties(wesel, family_centre):
    return make_parties(wesel, family_centre)


def make_parties(wesel, family_centre):
    """A Jobcenter and an Agentur of the region, and a monthly Elterncafé at the centre with a
    BCA of the Agentur as its speaker."""
    job_centre = InstitutionFactory(
        region=wesel, kind=Institution.Kind.JOB_CENTRE, name="Jobcenter Kreis Wesel"
    )
    agency = InstitutionFactory(
        region=wesel, kind=Institution.Kind.EMPLOYMENT_AGENCY, name="Agentur für Arbeit Wesel"
    )
    speaker = PersonFactory(
        institution=agency, function="bca", first_name="Nicole", last_name="Brüggemann"
    )
    cafe = ParentEvent.objects.create(
        family_centre=family_centre,
        format=Format.objects.get(code="parent_cafe"),
        shape=ParentEvent.Shape.SERIES,
        title="Elterncafé",
        capacity=12,
        status=ParentEvent.Status.PUBLISHED,
    )
    cafe.speakers.add(speaker)
    start = timezone.now() + timedelta(days=10)
    for month in range(12):
        EventSession.objects.create(
            event=cafe,
            starts_at=start + timedelta(days=30 * month),
            ends_at=start + timedelta(days=30 * month, hours=2),
        )
    return {"centre": family_centre, "job_centre": job_centre, "agency": agency}


def signer(institution, email, *, signs_agreements=True):
    """A person of ``institution`` with a staff account, by default one that signs for it."""
    person = PersonFactory(institution=institution, first_name="Signa", last_name=institution.name)
    return UserFactory(
        role=User.Role.STAFF, person=person, email=email, signs_agreements=signs_agreements
    )


@pytest.fixture
def coordinating(client, coordinator):
    client.force_login(coordinator)
    return client


def draw_up(coordinator, wesel, parties, **changes):
    return services.create_agreement(
        access=access_for(coordinator),
        kind="family_centre",
        region=wesel,
        family_centre=parties["centre"],
        parties=[parties["job_centre"], parties["agency"]],
        starts_on=date(2027, 1, 1),
        ends_on=date(2028, 12, 31),
        **changes,
    )


def test_the_coordinator_draws_up_a_centre_agreement_filled_from_the_platform(
    coordinating, wesel, parties
):
    form = coordinating.get(
        reverse("agreement-create", args=[wesel.key]) + f"?centre={parties['centre'].pk}"
    )
    assert form.status_code == 200
    assert form.context["form"].initial["kind"] == "family_centre"
    answer = coordinating.post(
        reverse("agreement-create", args=[wesel.key]),
        {
            "kind": "family_centre",
            "family_centre": parties["centre"].pk,
            "parties": [parties["job_centre"].pk, parties["agency"].pk],
            "starts_on": "01.01.2027",
            "ends_on": "2028-12-31",
            "renewal_months": "12",
        },
    )
    agreement = Agreement.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "agreement-detail", args=[agreement.pk]
    )
    page = coordinating.get(answer["Location"]).content.decode()
    assert "Elterncafé: monatlich (12 Termine im Jahr)" in page
    assert "Nicole Brüggemann (Agentur für Arbeit Wesel)" in page
    assert [party.institution for party in agreement.parties.all()] == [
        parties["centre"],
        parties["job_centre"],
        parties["agency"],
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": "2026-12-31"}, "ends_on"),
        ({"parties": []}, "parties"),
        ({"family_centre": ""}, "family_centre"),
        ({"renewal_months": "0"}, "renewal_months"),
    ],
)
def test_a_bad_draft_is_refused_at_its_field_and_saves_nothing(
    coordinating, wesel, parties, changes, field
):
    data = {
        "kind": "family_centre",
        "family_centre": parties["centre"].pk,
        "parties": [parties["job_centre"].pk, parties["agency"].pk],
        "starts_on": "2027-01-01",
        "ends_on": "2028-12-31",
        "renewal_months": "12",
    } | changes
    answer = coordinating.post(reverse("agreement-create", args=[wesel.key]), data)
    assert answer.status_code == 200
    assert field in answer.context["form"].errors
    assert not Agreement.objects.exists()


def test_a_party_of_the_wrong_kind_is_named(coordinating, wesel, parties, youth_welfare_office):
    answer = coordinating.post(
        reverse("agreement-create", args=[wesel.key]),
        {
            "kind": "family_centre",
            "family_centre": parties["centre"].pk,
            "parties": [parties["job_centre"].pk, youth_welfare_office.pk],
            "starts_on": "2027-01-01",
            "ends_on": "2028-12-31",
            "renewal_months": "12",
        },
    )
    with translation.override("en"):
        errors = " ".join(answer.context["form"].errors["parties"])
    assert "Jugendamt Kreis Wesel" in errors
    assert not Agreement.objects.exists()


def test_a_changed_clause_is_a_new_version_with_the_words_marked(
    coordinating, coordinator, wesel, parties
):
    agreement = draw_up(coordinator, wesel, parties)
    first = agreement.versions.get()
    edit = coordinating.get(reverse("agreement-edit", args=[agreement.pk]))
    texts = {
        name: edit.context["form"].fields[name].initial
        for name in edit.context["form"].clause_fields
    }
    texts["clause_leistungen"] = texts["clause_leistungen"].replace("Räume", "Gruppenräume")
    answer = coordinating.post(
        reverse("agreement-edit", args=[agreement.pk]),
        texts
        | {
            "starts_on": "2027-01-01",
            "ends_on": "2028-12-31",
            "renewal_months": "12",
            "note": "Räume genauer",
            "based_on": "1",
        },
    )
    second = agreement.versions.first()
    assert second.number == 2 and second.digest != first.digest
    assert answer["Location"] == reverse("agreement-version-detail", args=[second.pk])
    page = coordinating.get(answer["Location"]).content.decode()
    assert "Gruppenräume</ins>" in page and "Räume</del>" in page
    first.refresh_from_db()
    assert "Gruppenräume" not in str(first.snapshot)  # the older version is kept as it was


def test_an_unknown_placeholder_is_refused_with_its_name(coordinating, coordinator, wesel, parties):
    agreement = draw_up(coordinator, wesel, parties)
    edit = coordinating.get(reverse("agreement-edit", args=[agreement.pk]))
    texts = {
        name: edit.context["form"].fields[name].initial
        for name in edit.context["form"].clause_fields
    }
    texts["clause_leistungen"] += " {{kita_name}}"
    answer = coordinating.post(
        reverse("agreement-edit", args=[agreement.pk]),
        texts
        | {
            "starts_on": "2027-01-01",
            "ends_on": "2028-12-31",
            "renewal_months": "12",
            "based_on": "1",
        },
    )
    assert answer.status_code == 200
    assert "{{kita_name}}" in str(answer.context["form"].errors)
    assert agreement.versions.count() == 1


def test_each_party_signs_on_its_page_and_the_agreement_comes_into_force(
    client, coordinator, wesel, parties
):
    agreement = draw_up(coordinator, wesel, parties)
    services.send_for_signature(access=access_for(coordinator), agreement=agreement)
    version = agreement.versions.get()
    for number, institution in enumerate(
        [parties["centre"], parties["job_centre"], parties["agency"]]
    ):
        client.force_login(signer(institution, f"signer{number}@example.org"))
        page = client.get(reverse("agreement-sign", args=[agreement.pk]))
        assert page.context["party"].institution == institution
        client.post(reverse("agreement-sign", args=[agreement.pk]), {"version": version.pk})
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.IN_FORCE
    signatures = Signature.objects.filter(version=version, voided_at__isnull=True)
    assert signatures.count() == 3 and {s.digest for s in signatures} == {version.digest}
    detail = client.get(reverse("agreement-detail", args=[agreement.pk])).content.decode()
    assert "Signa Jobcenter Kreis Wesel" in detail


def test_a_person_without_the_right_is_told_whom_to_ask_and_signs_once_given_it(
    client, coordinator, wesel, parties
):
    """A case manager of the Jobcenter is refused and told to ask the coordinator; the
    coordinator gives her account the right in the account form; then she signs."""
    agreement = draw_up(coordinator, wesel, parties)
    services.send_for_signature(access=access_for(coordinator), agreement=agreement)
    version = agreement.versions.get()
    case_manager = signer(parties["job_centre"], "fall@jobcenter.example", signs_agreements=False)
    sign_url = reverse("agreement-sign", args=[agreement.pk])
    client.force_login(case_manager)
    detail = client.get(reverse("agreement-detail", args=[agreement.pk]))
    (state,) = [state for state in detail.context["parties"] if state.refusal]
    assert state.party.institution == parties["job_centre"] and not state.can_sign
    html = detail.content.decode()
    assert escape(state.refusal) in html and f"mailto:{coordinator.email}" in html
    assert sign_url not in html
    page = client.get(sign_url)
    assert page.context["party"] is None and escape(state.refusal) in page.content.decode()
    client.post(sign_url, {"version": version.pk})
    assert not Signature.objects.exists()

    client.force_login(coordinator)
    account_url = reverse("account-update", kwargs={"region_key": wesel.key, "pk": case_manager.pk})
    assert client.get(account_url).context["form"]["signs_agreements"].value() is False
    answer = client.post(
        account_url,
        {
            "role": "staff",
            "person": case_manager.person.pk,
            "is_active": "on",
            "signs_agreements": "on",
        },
    )
    assert answer.status_code == 302
    case_manager.refresh_from_db()
    assert case_manager.signs_agreements

    client.force_login(case_manager)
    assert client.get(sign_url).context["party"].institution == parties["job_centre"]
    client.post(sign_url, {"version": version.pk})
    assert Signature.objects.get(version=version).signed_by == case_manager


def test_a_signature_of_a_superseded_version_is_refused(client, coordinator, wesel, parties):
    agreement = draw_up(coordinator, wesel, parties)
    services.send_for_signature(access=access_for(coordinator), agreement=agreement)
    old = agreement.versions.get()
    services.save_version(
        access=access_for(coordinator), agreement=agreement, texts={"leistungen": "Neu."}
    )
    client.force_login(signer(parties["agency"], "agency@example.org"))
    client.post(reverse("agreement-sign", args=[agreement.pk]), {"version": old.pk})
    assert not Signature.objects.exists()


def test_a_scan_signed_on_paper_completes_the_signatures(coordinating, coordinator, wesel, parties):
    agreement = draw_up(coordinator, wesel, parties)
    services.send_for_signature(access=access_for(coordinator), agreement=agreement)
    url = reverse("agreement-paper", args=[agreement.pk])
    party_ids = list(agreement.parties.values_list("pk", flat=True))
    first = agreement.versions.get()
    today = timezone.localdate()
    signed = {"parties": party_ids, "signed_on": today.isoformat(), "version": first.pk}
    renamed = coordinating.post(
        url, signed | {"file": SimpleUploadedFile("scan.pdf", b"MZ\x90\x00program")}
    )
    assert "file" in renamed.context["form"].errors and not Signature.objects.exists()
    services.save_version(
        access=access_for(coordinator), agreement=agreement, texts={"leistungen": "Neu."}
    )
    stale = coordinating.post(url, signed | {"file": SimpleUploadedFile("scan.pdf", PDF)})
    assert "version" in stale.context["form"].errors
    assert not Signature.objects.exists()  # the paper signed version 1, the text is version 2
    current = signed | {"version": agreement.versions.first().pk}
    coordinating.post(url, current | {"file": SimpleUploadedFile("scan.pdf", PDF)})
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.IN_FORCE
    assert set(Signature.objects.values_list("method", flat=True)) == {"paper"}
    assert {timezone.localtime(s.signed_at).date() for s in Signature.objects.all()} == {today}
    scan = Signature.objects.first().paper_copy
    download = coordinating.get(reverse("paper-copy-download", args=[scan.pk]))
    assert b"".join(download.streaming_content) == PDF
    version_page = coordinating.get(
        reverse("agreement-version-detail", args=[agreement.versions.first().pk])
    )
    assert reverse("paper-copy-download", args=[scan.pk]) in version_page.content.decode()


def test_the_overview_counts_each_centre_once_by_its_best_agreement(
    coordinating, coordinator, wesel, parties
):
    other = InstitutionFactory(region=wesel, name="Familienzentrum ohne Vereinbarung")
    agreement = draw_up(coordinator, wesel, parties)
    agreement.status = Agreement.Status.IN_FORCE
    agreement.starts_on = timezone.localdate() - timedelta(days=300)
    agreement.ends_on = timezone.localdate() + timedelta(days=30)
    agreement.save()
    draw_up(coordinator, wesel, parties)  # a second, draft one: the expiring one counts
    page = coordinating.get(reverse("agreement-list", args=[wesel.key]))
    rows = {row.centre: row.status for row in page.context["overview"].centres}
    assert rows == {parties["centre"]: "expiring", other: "none"}
    missing = coordinating.get(reverse("agreement-list", args=[wesel.key]) + "?status=none")
    assert [row.centre for row in missing.context["rows"]] == [other]
    assert page.context["in_force"] == 1


def test_the_figure_measures_goals_and_shows_on_the_dashboard(
    coordinating, coordinator, wesel, parties
):
    agreement = draw_up(coordinator, wesel, parties)
    Agreement.objects.filter(pk=agreement.pk).update(
        status=Agreement.Status.IN_FORCE,
        starts_on=timezone.localdate() - timedelta(days=10),
    )
    from neuewege.cooperation import indicators

    assert indicators.values("centres_with_agreement", [wesel.pk]) == {wesel.pk: 1}
    dashboard = coordinating.get(reverse("region-dashboard", args=[wesel.key]))
    assert dashboard.context["figures"].centres_with_agreement == 1


def test_a_region_keeps_its_own_variant_and_the_state_its_clause(
    client, coordinating, wesel, state_user
):
    clause = Clause.objects.get(kind="family_centre", key="leistungen", region=None)
    coordinating.post(
        reverse("clause-variant", args=[wesel.key, clause.pk]),
        {"text": "Das Familienzentrum stellt Räume und Werbung.", "note": "kürzer"},
    )
    variant = Clause.objects.get(region=wesel, key="leistungen")
    assert variant.latest.text == "Das Familienzentrum stellt Räume und Werbung."
    assert coordinating.get(reverse("clause-edit", args=[clause.pk])).status_code == 403
    client.force_login(state_user)
    client.post(reverse("clause-edit", args=[clause.pk]), {"text": "Neuer Text {{region}}."})
    assert list(ClauseVersion.objects.filter(clause=clause).values_list("number", flat=True)) == [
        2,
        1,
    ]
    assert ClauseVersion.objects.get(clause=clause, number=1).text.startswith("Das Familienzentrum")


def test_the_family_centre_page_links_its_evidence_for_the_guetesiegel(
    client, staff, family_centre, wesel
):
    job_centre = InstitutionFactory(region=wesel, kind=Institution.Kind.JOB_CENTRE)
    client.force_login(staff)
    evidence = reverse("centre-evidence", args=[family_centre.pk])
    page = client.get(reverse("institution-detail", args=[family_centre.pk]))
    assert evidence in [link["url"] for link in page.context["institution_links"]]
    other = client.get(reverse("institution-detail", args=[job_centre.pk]))
    assert evidence not in [link["url"] for link in other.context["institution_links"]]


def test_a_renewed_agreement_counts_as_in_force_until_its_successor_begins(
    coordinator, wesel, parties
):
    from neuewege.agreements.selectors import centres_in_force, overview
    from neuewege.cooperation.indicators import window

    agreement = draw_up(coordinator, wesel, parties)
    today = timezone.localdate()
    Agreement.objects.filter(pk=agreement.pk).update(
        status=Agreement.Status.RENEWED,
        starts_on=today - timedelta(days=700),
        ends_on=today + timedelta(days=30),
    )
    assert [row.status for row in overview(wesel).centres] == ["in_force"]
    assert centres_in_force(*window(today)) == {wesel.pk: 1}
    Agreement.objects.filter(pk=agreement.pk).update(ends_on=today - timedelta(days=1))
    assert [row.status for row in overview(wesel).centres] == ["renewed"]


def test_the_clause_library_shows_both_templates_and_the_regions_variant(
    coordinating, coordinator, wesel
):
    state = Clause.objects.get(kind="family_centre", key="leistungen", region=None)
    services.add_region_variant(
        access=access_for(coordinator), clause=state, region=wesel, text="Eigene Leistungen."
    )
    page = coordinating.get(reverse("agreement-clauses", args=[wesel.key]))
    kinds = {template["kind"]: template["rows"] for template in page.context["templates"]}
    assert [row["clause"].key for row in kinds["framework"]][:2] == ["parteien", "ziel"]
    rows = {row["clause"].key: row for row in kinds["family_centre"]}
    assert rows["leistungen"]["variant"].latest.text == "Eigene Leistungen."
    assert rows["veranstaltungen"]["variant"] is None
    assert "§ 4 Kindertagesbetreuung und Vermittlung in Arbeit" in page.content.decode()


def test_a_change_made_to_an_older_version_does_not_undo_a_newer_one(
    coordinating, coordinator, wesel, parties
):
    agreement = draw_up(coordinator, wesel, parties)
    edit = coordinating.get(reverse("agreement-edit", args=[agreement.pk]))
    texts = {
        name: edit.context["form"].fields[name].initial
        for name in edit.context["form"].clause_fields
    }
    services.save_version(  # a colleague saves version 2 meanwhile
        access=access_for(coordinator), agreement=agreement, texts={"leistungen": "Neu."}
    )
    texts["clause_laufzeit"] += " Ergänzt."
    answer = coordinating.post(
        reverse("agreement-edit", args=[agreement.pk]),
        texts
        | {
            "starts_on": "2027-01-01",
            "ends_on": "2028-12-31",
            "renewal_months": "12",
            "based_on": edit.context["form"].initial["based_on"],
        },
    )
    assert answer.status_code == 200 and answer.context["form"].non_field_errors()
    assert agreement.versions.count() == 2
    assert agreement.versions.first().snapshot["clauses"][3]["text"] == "Neu."


def test_a_second_click_on_draw_up_finds_the_first_draft(coordinating, wesel, parties):
    data = {
        "kind": "family_centre",
        "family_centre": parties["centre"].pk,
        "parties": [parties["job_centre"].pk, parties["agency"].pk],
        "starts_on": "2027-01-01",
        "ends_on": "2028-12-31",
        "renewal_months": "12",
    }
    first = coordinating.post(reverse("agreement-create", args=[wesel.key]), data)
    second = coordinating.post(reverse("agreement-create", args=[wesel.key]), data)
    assert first.status_code == 302 and second.status_code == 200
    assert second.context["form"].non_field_errors()
    assert Agreement.objects.count() == 1


def test_the_figure_for_a_day_in_the_past_counts_the_agreements_in_force_then(wesel, borken):
    """The dashboard's value "12 months before" and a goal's past value: an agreement in force
    then counts though it has expired or been terminated since; one signed or begun only later
    does not; the day of a termination is no longer in force."""
    from neuewege.agreements.selectors import centres_in_force
    from neuewege.cooperation.indicators import window

    today = timezone.localdate()
    year_ago = today - timedelta(days=365)

    def agreement(status, starts, ends, signed=None, terminated=None, region=wesel):
        return Agreement.objects.create(
            kind="family_centre",
            region=region,
            family_centre=InstitutionFactory(region=region),
            title="Kooperationsvereinbarung",
            status=status,
            starts_on=today - timedelta(days=starts),
            ends_on=today - timedelta(days=ends),
            in_force_at=None if signed is None else timezone.now() - timedelta(days=signed),
            terminated_on=None if terminated is None else today - timedelta(days=terminated),
        )

    expired = agreement(Agreement.Status.EXPIRED, 800, 60, signed=805)
    terminated = agreement(Agreement.Status.TERMINATED, 500, 20, signed=505, terminated=20)
    renewed = agreement(Agreement.Status.RENEWED, 700, -30, signed=705)
    begun_later = agreement(Agreement.Status.IN_FORCE, 100, -600, signed=105)
    signed_later = agreement(Agreement.Status.IN_FORCE, 500, -300, signed=30)
    ends_on_that_day = agreement(Agreement.Status.EXPIRED, 900, 365, signed=905)
    terminated_that_day = agreement(
        Agreement.Status.TERMINATED, 900, 365, signed=905, terminated=365
    )
    agreement(Agreement.Status.SIGNING, 500, -300)  # never in force
    agreement(Agreement.Status.DRAFT, 500, -300)
    agreement(Agreement.Status.EXPIRED, 800, 60, signed=805, region=borken)

    assert centres_in_force(*window(year_ago)) == {wesel.pk: 4, borken.pk: 1}
    assert centres_in_force(*window(today)) == {wesel.pk: 3}
    # the one rule, in Python and in the database, and as the pages show today's status
    for day in (year_ago, today, today - timedelta(days=20), today - timedelta(days=21)):
        in_force = set(
            Agreement.objects.filter(Agreement.in_force_filter(day), region=wesel).values_list(
                "pk", flat=True
            )
        )
        assert in_force == {
            a.pk for a in Agreement.objects.filter(region=wesel) if a.in_force_on(day)
        }
    assert {a.pk for a in Agreement.objects.all() if a.in_force_on(year_ago)} == {
        expired.pk,
        terminated.pk,
        renewed.pk,
        ends_on_that_day.pk,
        Agreement.objects.get(region=borken).pk,
    }
    assert terminated.in_force_on(today - timedelta(days=21))
    assert not terminated.in_force_on(today - timedelta(days=20))
    assert not terminated_that_day.in_force_on(year_ago)
    assert not signed_later.in_force_on(year_ago) and signed_later.in_force_on(today)
    assert not begun_later.in_force_on(year_ago)
    assert [a.status_on(today) for a in (renewed, begun_later, signed_later)] == ["in_force"] * 3


def test_the_overview_maps_each_family_centre_with_its_status_when_tiles_are_set(
    coordinating, coordinator, wesel, parties, settings
):
    """With map tiles configured the overview draws Leaflet's map from the centres' points:
    each centre with coordinates, named with its status, in the status's colour; a centre
    without coordinates is only in the table. Without tiles there is no map."""
    import json
    import re

    from neuewege.agreements.selectors import COLOURS, GREY

    agreement = draw_up(coordinator, wesel, parties)
    Agreement.objects.filter(pk=agreement.pk).update(
        status=Agreement.Status.IN_FORCE, starts_on=timezone.localdate() - timedelta(days=10)
    )
    centre = parties["centre"]
    centre.latitude, centre.longitude = "51.658000", "6.618000"
    centre.save()
    InstitutionFactory(
        region=wesel, name="Familienzentrum Ohne Vereinbarung", latitude="51.700", longitude="6.500"
    )
    InstitutionFactory(region=wesel, name="Familienzentrum Ohne Koordinaten")
    url = reverse("agreement-list", args=[wesel.key])
    assert "data-map" not in coordinating.get(url).content.decode()

    settings.MAP_TILES_URL = "https://tiles.example.de/{z}/{x}/{y}.png"
    body = coordinating.get(url).content.decode()
    assert "leaflet.js" in body and 'data-tiles="https://tiles.example.de/' in body
    assert 'data-points="agreement-points"' in body
    found = re.search(r'<script id="agreement-points" type="application/json">(.*?)</script>', body)
    points = {point["name"]: point for point in json.loads(found.group(1))}
    in_force = f"{centre.name}: In Kraft"  # the page in German
    assert points == {
        in_force: {
            "lat": 51.658,
            "lon": 6.618,
            "name": in_force,
            "colour": COLOURS[Agreement.Status.IN_FORCE],
        },
        "Familienzentrum Ohne Vereinbarung: –": {
            "lat": 51.7,
            "lon": 6.5,
            "name": "Familienzentrum Ohne Vereinbarung: –",
            "colour": GREY,
        },
    }
    assert "Familienzentrum Ohne Koordinaten" in body  # in the table, not on the map
