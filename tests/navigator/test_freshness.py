"""The freshness rule over dates: the Python rule (``freshness.freshness``) and the SQL filters
built on the same cutoffs (the parents' ``visible_offers``, the staff list's filter, the list of
offers out of date) agree for every pair of a check and a day."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuewege.navigator.freshness import Freshness, freshness
from neuewege.navigator.models import Offer
from neuewege.navigator.selectors import region_offers, stale_offers, visible_offers

from .conftest import make_offer

DAYS = st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31))
# pairs near the cutoffs are the interesting ones: a day within about a year and a half
PAIRS = st.tuples(DAYS, st.integers(min_value=-3, max_value=560)).map(
    lambda pair: (pair[0], pair[0] + timedelta(days=pair[1]))
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pair=PAIRS)
def test_the_sql_filters_agree_with_the_rule(wesel, pair):
    checked_on, today = pair
    offer = Offer.objects.filter(name="Elterncafé").first() or make_offer(wesel, "Elterncafé")
    Offer.objects.filter(pk=offer.pk).update(checked_on=checked_on)
    rule = freshness(checked_on, today)
    shown = visible_offers(for_parents=True, today=today).filter(pk=offer.pk).exists()
    assert shown == (rule != Freshness.HIDDEN)
    assert visible_offers(for_parents=False, today=today).filter(pk=offer.pk).exists()
    for state in Freshness:
        listed = region_offers(wesel, fresh=state.value, today=today).filter(pk=offer.pk)
        assert listed.exists() == (rule == state)
    stale = stale_offers(wesel, today).filter(pk=offer.pk).exists()
    assert stale == (rule != Freshness.CURRENT)


@given(checked_on=DAYS, days=st.integers(min_value=0, max_value=800))
def test_an_offer_only_grows_older(checked_on, days):
    order = [Freshness.CURRENT, Freshness.AGING, Freshness.HIDDEN]
    today = checked_on + timedelta(days=days)
    assert order.index(freshness(checked_on, today)) <= order.index(
        freshness(checked_on, today + timedelta(days=1))
    )
    assert freshness(today, today) == Freshness.CURRENT


def test_month_ends_count_by_calendar_months():
    # six months before 28 February is 28 August: 31 August is out of date from 1 March
    assert freshness(date(2026, 8, 31), date(2027, 2, 28)) == Freshness.CURRENT
    assert freshness(date(2026, 8, 31), date(2027, 3, 1)) == Freshness.AGING
    assert freshness(date(2026, 3, 15), date(2027, 3, 14)) == Freshness.AGING
    assert freshness(date(2026, 3, 15), date(2027, 3, 15)) == Freshness.HIDDEN
