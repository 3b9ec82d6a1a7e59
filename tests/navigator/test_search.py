"""The directory's search: by need (with its narrower needs), place and radius, language,
step-free access and opening hours; parents never see internal contacts nor offers out of
date for a year."""

from datetime import datetime, timedelta

from django.utils import timezone

from neuewege.events.search import postcode_point
from neuewege.navigator.freshness import Freshness
from neuewege.navigator.selectors import OfferSearch, search_offers

WESEL = postcode_point("46483")


def names(hits):
    return [hit.offer.name for hit in hits]


def test_debt_counselling_in_turkish_near_46483(directory):
    hits = search_offers(
        OfferSearch(point=WESEL, radius_km=10, need="money", language="tr"), for_parents=True
    )
    assert names(hits) == ["Schuldnerberatung Wesel"]
    assert hits[0].distance_km < 1


def test_nearest_first_and_the_radius_counts(directory):
    near = search_offers(OfferSearch(point=WESEL, radius_km=5, need="debt"), for_parents=True)
    wide = search_offers(OfferSearch(point=WESEL, radius_km=20, need="debt"), for_parents=True)
    assert names(near) == ["Schuldnerberatung Wesel"]
    assert names(wide) == ["Schuldnerberatung Wesel", "Schuldnerberatung Dinslaken"]
    assert 10 < wide[1].distance_km < 20


def test_an_offer_by_phone_is_found_in_its_region(directory):
    hits = search_offers(OfferSearch(point=WESEL, need="family"), for_parents=True)
    assert names(hits) == ["Familientelefon Kreis Wesel"]
    assert hits[0].location is None


def test_step_free_and_open_now(directory):
    step_free = search_offers(
        OfferSearch(point=WESEL, radius_km=20, need="debt", step_free=True), for_parents=True
    )
    assert names(step_free) == ["Schuldnerberatung Wesel"]
    monday_ten = timezone.make_aware(datetime(2026, 12, 7, 10))
    sunday = monday_ten - timedelta(days=1)
    evening = monday_ten.replace(hour=18)
    search = OfferSearch(point=WESEL, radius_km=20, need="debt", open_now=True)
    assert len(search_offers(search, for_parents=True, now=monday_ten)) == 2
    assert search_offers(search, for_parents=True, now=sunday) == []
    assert search_offers(search, for_parents=True, now=evening) == []


def test_parents_see_no_internal_contacts_and_no_stale_offers(directory):
    debt = directory["debt_tr"]
    search = OfferSearch(point=WESEL, need="debt", language="tr")
    parent_hit = search_offers(search, for_parents=True)[0]
    staff_hit = search_offers(search, for_parents=False)[0]
    assert [c.internal for c in parent_hit.offer.contacts.all()] == []
    assert [c.phone for c in staff_hit.offer.contacts.all()] == ["0281 123459-12"]

    today = timezone.localdate()
    type(debt).objects.filter(pk=debt.pk).update(checked_on=today - timedelta(days=200))
    assert search_offers(search, for_parents=True)[0].freshness is Freshness.AGING
    type(debt).objects.filter(pk=debt.pk).update(checked_on=today - timedelta(days=400))
    assert search_offers(search, for_parents=True) == []
    assert search_offers(search, for_parents=False)[0].freshness is Freshness.HIDDEN
