"""The overview of the trainings: figures of a small world counted by hand, the pages for the
region and for the state level, their files read back, and the state's cost in queries."""

import csv
import io
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from neuewege.core.models import Institution, Region, User
from neuewege.trainings import figures
from neuewege.trainings.figures import Share
from neuewege.trainings.models import Module, Qualification
from tests.factories import InstitutionFactory, PersonFactory, UserFactory, make_registrant
from tests.factories import make_training as _make_training

Kind = Institution.Kind
START = timezone.make_aware(datetime(2025, 3, 10, 8))


def make_training(region, module_code="basismodul", **values):
    return _make_training(region, module_code, start=values.pop("start", START), **values)


def attended(training, institution, **values):
    return make_registrant(training, institution, attended=True, **values)


@pytest.fixture
def small_world(wesel, borken):
    """Kreis Wesel: 3 family centres, 2 job centres, 1 employment agency, a youth welfare office.
    A cooperative training (2025) attended by family centre 1, job centre 1 and the youth
    welfare office (family centre 2 registered, did not come); an information event (2026)
    attended by family centre 3 — which makes no trained staff; an open training whose
    attendance does not count as held. Kreis Borken: one held training of its own."""
    centres = [InstitutionFactory(region=wesel, name=f"FZ {n}") for n in (1, 2, 3)]
    jobcentres = [
        InstitutionFactory(region=wesel, kind=Kind.JOB_CENTRE, name=f"Jobcenter {n}")
        for n in (1, 2)
    ]
    agency = InstitutionFactory(region=wesel, kind=Kind.EMPLOYMENT_AGENCY, name="Agentur Wesel")
    youth = InstitutionFactory(region=wesel, kind=Kind.YOUTH_WELFARE_OFFICE, name="Jugendamt")
    cooperative = make_training(wesel, status="held")
    attended(cooperative, centres[0])
    make_registrant(cooperative, centres[1], attended=False)
    attended(cooperative, jobcentres[0])
    attended(cooperative, youth)
    information = make_training(
        wesel,
        "informationsveranstaltung-familienzentren",
        status="closed",
        start=timezone.make_aware(datetime(2026, 2, 2, 9)),
        title="Infoveranstaltung",
    )
    attended(information, centres[2])
    make_training(wesel, status="open")  # not held
    borken_centre = InstitutionFactory(region=borken, name="FZ Borken", postcode="46325")
    attended(make_training(borken, status="held"), borken_centre)
    # speakers: one by moderated_formats, one by a qualification, one by both
    PersonFactory(institution=centres[0], moderated_formats=["parent_cafe"])
    qualified = PersonFactory(institution=jobcentres[0], moderated_formats=[])
    Qualification.objects.create(person=qualified, format="parent_course", qualified_on=START)
    both = PersonFactory(institution=centres[0], moderated_formats=["parent_cafe"])
    Qualification.objects.create(person=both, format="info_session", qualified_on=START)
    PersonFactory(institution=centres[1])  # not qualified
    return {"centres": centres, "jobcentres": jobcentres, "agency": agency}


def test_the_figures_of_a_region_are_counted_as_by_hand(small_world, wesel):
    result = figures.region_figures(wesel)
    titles = dict(Module.objects.values_list("code", "title"))
    assert [(row.module, row.year, row.trainings) for row in result.held] == [
        (titles["basismodul"], 2025, 1),
        (titles["informationsveranstaltung-familienzentren"], 2026, 1),
    ]
    assert result.held_total == 2
    assert result.participants == {"family_centre": 2, "job_centre": 1, "youth_welfare_office": 1}
    assert {item.kind: item.share for item in result.coverage} == {
        "family_centre": Share(1, 3),
        "job_centre": Share(1, 2),
        "employment_agency": Share(0, 1),
    }
    assert Share(1, 3).percent == 33 and Share(0, 0).percent is None
    speakers = {row.name: (row.by_format, row.people) for row in result.speakers}
    # formats in the order parent café, info session, parent course
    assert speakers == {"FZ 1": ((2, 1, 0), 2), "Jobcenter 1": ((0, 0, 1), 1)}
    assert result.speaker_totals == (2, 1, 1) and result.speakers_total == 3


def test_a_share_reads_x_of_y_with_its_percent(settings):
    from django.utils import translation

    with translation.override("en"):
        assert str(Share(1, 3)) == "1 of 3 (33 %)"
        assert str(Share(0, 0)) == "0 of 0"


def test_the_region_page_shows_the_figures_with_charts_and_tables(client, small_world, wesel):
    viewer = UserFactory(role=User.Role.VIEWER, regions=[wesel])
    client.force_login(viewer)
    response = client.get(reverse("training-overview", args=[wesel.key]))
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["figures"].coverage[0].share == Share(1, 3)
    assert str(Share(1, 3)) in page and "33 %" in page
    assert page.count('data-chart="') == 2  # trainings per year, participants per kind
    assert 'role="region" tabindex="0"' in page
    assert "kern-table__cell--numeric" in page
    assert "FZ Borken" not in page
    assert reverse("training-overview-export", args=[wesel.key, "xlsx"]) in page
    listing = client.get(reverse("training-list", args=[wesel.key]))
    assert reverse("training-overview", args=[wesel.key]) in listing.content.decode()


def test_the_region_page_without_trainings_says_so(client, coordinator, wesel):
    client.force_login(coordinator)
    response = client.get(reverse("training-overview", args=[wesel.key]))
    assert response.status_code == 200
    assert response.context["figures"].held == []


def test_region_b_and_the_unknown_get_nothing(client, small_world, wesel, borken):
    client.force_login(UserFactory(role=User.Role.COORDINATOR, regions=[borken]))
    assert client.get(reverse("training-overview", args=[wesel.key])).status_code == 404
    export = reverse("training-overview-export", args=[wesel.key, "xlsx"])
    assert client.get(export).status_code == 404
    assert client.get(reverse("training-state-overview")).status_code == 403
    assert client.get(reverse("training-state-overview-export", args=["csv"])).status_code == 403
    assert client.get(reverse("training-overview", args=["99999"])).status_code == 404


def test_the_state_page_shows_every_region_and_the_totals(client, small_world, state_user):
    client.force_login(state_user)
    response = client.get(reverse("training-state-overview"))
    assert response.status_code == 200
    state = response.context["state"]
    assert len(state.rows) == Region.objects.count() == 53
    rows = {row.region.key: row for row in state.rows}
    wesel, borken = rows["05170"], rows["05554"]
    assert (wesel.held, wesel.participants, wesel.speakers) == (2, 4, 3)
    assert wesel.coverage == (Share(1, 3), Share(1, 2), Share(0, 1))
    assert (borken.held, borken.participants, borken.coverage[0]) == (1, 1, Share(1, 1))
    assert state.total.held_total == 3 and state.total.participants_total == 5
    assert state.coverage_totals[0] == Share(2, 4)
    page = response.content.decode()
    assert str(Share(2, 4)) in page
    assert reverse("training-overview", args=["05170"]) in page


def test_a_training_of_the_state_level_counts_for_the_participants_region(small_world, borken):
    offer = make_training(None, "referentenschulung", status="held", title="Landesweit")
    attended(offer, small_world["agency"])  # Kreis Wesel's agency
    state = figures.state_figures()
    wesel_row = next(row for row in state.rows if row.region.key == "05170")
    assert wesel_row.participants == 5 and wesel_row.held == 2  # held: the region's own
    assert wesel_row.coverage[2] == Share(1, 1)  # a speaker training trains staff too
    assert state.total.held_total == 4


def populate(region, number):
    centre = InstitutionFactory(region=region, name=f"FZ {region.key}", postcode="40000")
    training = make_training(region, status="held", title=f"T {number}")
    attended(training, centre)
    PersonFactory(institution=centre, moderated_formats=["parent_cafe"])


def test_the_state_figures_cost_the_same_queries_for_any_number_of_regions(db):
    regions = list(Region.objects.order_by("key"))
    populate(regions[0], 0)
    with CaptureQueriesContext(connection) as few:
        one = figures.state_figures()
    for number, region in enumerate(regions[1:20], start=1):
        populate(region, number)
    with CaptureQueriesContext(connection) as many:
        twenty = figures.state_figures()
    assert len(few) == len(many) == 7
    assert one.total.held_total == 1 and twenty.total.held_total == 20
    assert sum(row.speakers for row in twenty.rows) == 20


def test_the_state_page_costs_the_same_queries_for_any_number_of_regions(client, state_user):
    regions = list(Region.objects.order_by("key"))
    client.force_login(state_user)
    url = reverse("training-state-overview")
    populate(regions[0], 0)
    client.get(url)  # the session and the account once
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for number, region in enumerate(regions[1:10], start=1):
        populate(region, number)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many)


def workbook_rows(content):
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_region_tables_are_read_back_from_xlsx_and_csv(client, small_world, coordinator):
    client.force_login(coordinator)
    url = reverse("training-overview-export", args=["05170", "xlsx"])
    rows = workbook_rows(client.get(url, {"table": "coverage"}).content)
    assert all(isinstance(cell, str) for cell in rows[0])
    assert [row[1:] for row in rows[1:]] == [[1, 3, 33], [1, 2, 50], [0, 1, 0]]
    held = workbook_rows(client.get(url).content)  # the first table unless told
    assert [(row[0], row[2]) for row in held[1:]] == [(2025, 1), (2026, 1)]
    speakers = workbook_rows(client.get(url, {"table": "speakers"}).content)
    assert [row[0] for row in speakers[1:]] == ["FZ 1", "Jobcenter 1"]
    assert speakers[1][2:] == [2, 1, 0, 2]
    response = client.get(
        reverse("training-overview-export", args=["05170", "csv"]), {"table": "participants"}
    )
    assert response["Content-Disposition"].endswith('.csv"')
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert sorted(int(line[1]) for line in lines[1:]) == [1, 1, 2]
    assert client.get(url, {"table": "nonsense"}).status_code == 404


def test_the_state_table_is_read_back_with_every_region_and_the_totals(
    client, small_world, state_user
):
    client.force_login(state_user)
    url = reverse("training-state-overview-export", args=["xlsx"])
    rows = workbook_rows(client.get(url).content)
    assert len(rows) == 1 + 53 + 1
    wesel = next(row for row in rows if row[1] == "05170")
    # region, key, held, participants, trained/all of FZ, JC and AA, speakers
    assert wesel[2:] == [2, 4, 1, 3, 1, 2, 0, 1, 3]
    assert rows[-1][2:] == [3, 5, 2, 4, 1, 2, 0, 1, 3]
    kinds = workbook_rows(client.get(url, {"table": "speakers"}).content)
    assert {row[0]: row[-1] for row in kinds[1:]} == {
        str(Kind.FAMILY_CENTRE.label): 2,
        str(Kind.JOB_CENTRE.label): 1,
    }


def test_the_figure_for_regional_goals_counts_family_centres_with_trained_staff(
    small_world, wesel, borken
):
    since, until = (
        timezone.make_aware(datetime(2024, 1, 1)),
        timezone.make_aware(datetime(2027, 1, 1)),
    )
    assert figures.centres_with_trained_staff(since, until) == {wesel.pk: 1, borken.pk: 1}
    before = timezone.make_aware(datetime(2025, 1, 1))  # before the training took place
    assert figures.centres_with_trained_staff(since, before) == {}
