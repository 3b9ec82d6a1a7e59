"""Small numbers are not undone by subtraction: the results are asked for fixed periods only,
and no two selections that can both be shown differ by 1 to 4 responses — neither two periods
(a month and its quarter), nor a format and all formats, nor a family centre and its region,
nor a region and the state. A figure reads the same wherever it appears (a row of a table and
the selection of that row alone)."""

from datetime import date
from itertools import product

import pytest
from django.urls import reverse

from neuewege.core.models import Region
from neuewege.evaluation import results
from neuewege.evaluation.disclosure import MIN_RESPONSES, Counts, Period, offered_periods
from neuewege.evaluation.results import Filters
from tests.evaluation.test_results import NOW, build_results_world, step, survey

from .test_evaluation_api import get, token_header


@pytest.fixture
def results_world(wesel, borken, family_centre):
    return build_results_world(wesel, borken, family_centre)


def test_periods_are_a_month_a_quarter_or_a_year():
    assert Period.parse("2026") == Period.year(2026)
    assert Period.parse("2026-Q2") == Period(date(2026, 4, 1), 3)
    assert Period.parse("2026-05") == Period.month(2026, 5)
    for text in (
        "2026-5",
        "2026-13",
        "2026-Q5",
        "1999",
        "2026-05-01",
        "2025-04..2026-03",
        "２０２６",
    ):
        with pytest.raises(ValueError):
            Period.parse(text)
    may = Period.month(2026, 5)
    assert (may.since, may.until, may.end) == (date(2026, 5, 1), date(2026, 5, 1), date(2026, 6, 1))
    assert may.wider == [Period.quarter(2026, 2), Period.year(2026)]
    assert Period.quarter(2026, 2).wider == [Period.year(2026)]
    assert Period.year(2026).wider == []
    assert [str(part) for part in Period.quarter(2026, 2).parts] == [
        "2026-04",
        "2026-05",
        "2026-06",
    ]


def test_the_form_offers_the_periods_up_to_this_month():
    groups = offered_periods(date(2026, 5, 20))
    assert [year for year, _choices in groups] == ["2026", "2025", "2024", "2023", "2022"]
    this_year = [key for key, _label in groups[0][1]]
    assert this_year == [
        "2026",
        "2026-Q1",
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-Q2",
        "2026-04",
        "2026-05",
    ]
    assert len(groups[1][1]) == 1 + 4 + 12


def test_counts_add_up_over_periods_and_open_keys():
    counts = Counts()
    counts.add(("here", 1, "cafe"), date(2026, 1, 1), 5)
    counts.add(("here", 2, "course"), date(2026, 3, 1), 4)
    assert counts.total(("here", None, None), Period.quarter(2026, 1)) == 9
    assert counts.total(("here", 1, None), Period.month(2026, 1)) == 5
    assert counts.total(("here", None, "course"), Period.month(2026, 1)) == 0
    counts.add(("state", None, "cafe"), date(2026, 1, 1), 10)  # a part None already
    assert counts.total(("state", None, None), Period.year(2026)) == 10


def shown_responses(figures) -> dict:
    """The shown number of responses of a selection and of every row in its tables that is a
    selection of its own: {(period, region, format, centre): number or None}."""
    filters = figures.filters
    place = filters.region.pk if filters.region else None
    centre = filters.family_centre.pk if filters.family_centre else None
    code = filters.format or None
    cells = {(filters.period, place, code, centre): figures.total.response_count.shown}
    for each in figures.formats:
        cells[filters.period, place, each, centre] = figures.by_format[each].response_count.shown
    for part in figures.parts:
        cells[part, place, code, centre] = figures.by_part[part].response_count.shown
    if figures.regions is not None and centre is None:
        for region in figures.regions:
            cells[filters.period, region.pk, code, None] = figures.by_region[
                region.pk
            ].response_count.shown
    return cells


def within(inner, outer) -> bool:
    """Whether the selection ``inner`` is part of ``outer`` (and not the same)."""
    (period, region, code, centre), (wide_period, wide_region, wide_code, wide_centre) = (
        inner,
        outer,
    )
    return (
        inner != outer
        and period.first >= wide_period.first
        and period.end <= wide_period.end
        and (wide_code is None or wide_code == code)
        and (wide_region is None or wide_region == region)
        and (wide_centre is None or wide_centre == centre)
    )


def test_no_two_selections_differ_by_one_to_four_responses(results_world, wesel, borken):
    # more answers, so that much is shown: Kreis Wesel's course in February too, and Borken's
    # café in March
    survey(results_world["course"], date(2026, 2, 23), [step("counselling")] * 7)
    borken_cafe = results_world["cafe_a"].__class__.objects.get(family_centre__region=borken)
    survey(borken_cafe, date(2026, 3, 3), [step("application")] * 6)
    regions = list(Region.objects.filter(key__in=[wesel.key, borken.key]))
    periods = [Period.year(2026), Period.quarter(2026, 1), *Period.quarter(2026, 1).parts]
    places = [(None, None), (wesel, None), (borken, None)] + [
        (wesel, centre) for centre in (results_world["sonnenschein"], results_world["regenbogen"])
    ]
    formats = ["", "parent_cafe", "parent_course"]
    seen = {}
    for period, (region, centre), code in product(periods, places, formats):
        filters = Filters(period=period, region=region, format=code, family_centre=centre)
        figures = results.Results(
            filters, results.compute(filters, now=NOW), regions=regions if region is None else None
        )
        for cell, value in shown_responses(figures).items():
            # a figure reads the same wherever it appears
            assert seen.setdefault(cell, value) == value, cell
    compared = 0
    for inner, outer in product(seen, seen):
        if within(inner, outer) and seen[inner] is not None and seen[outer] is not None:
            compared += 1
            assert not 0 < seen[outer] - seen[inner] < MIN_RESPONSES, (inner, outer)
    assert compared > 50  # the check compared enough shown pairs to mean something
    # the example: January (5 of Wesel's café) and the quarter (9 without the extra
    # answers) — January is withheld when the quarter holds 1 to 4 more
    wesel_january = seen[Period.month(2026, 1), wesel.pk, None, None]
    wesel_quarter = seen[Period.quarter(2026, 1), wesel.pk, None, None]
    assert wesel_january is None or wesel_quarter - wesel_january >= MIN_RESPONSES


def test_the_page_and_the_api_take_fixed_periods_only(client, coordinator, results_world):
    client.force_login(coordinator)
    page = client.get(reverse("results-region", args=["05170"]), {"period": "2026-Q1"})
    assert page.status_code == 200
    assert "1. Quartal 2026" in page.content.decode()
    refused = client.get(reverse("results-region", args=["05170"]), {"period": "2026-02..03"})
    assert "Wählen Sie einen Monat, ein Quartal oder ein Jahr aus der Liste." in (
        refused.content.decode()
    )
    headers = token_header(coordinator)
    body = get(client, "/regions/05170/results", headers, period="2026-01").json()
    assert (body["period"], body["since"], body["until"]) == ("2026-01", "2026-01-01", "2026-01-01")
    bad = get(client, "/regions/05170/results", headers, period="2026-Q5")
    assert bad.status_code == 422 and "period" in str(bad.json())
