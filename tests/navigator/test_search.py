"""The directory's search: by need (with its narrower needs), place and radius, language,
step-free access and opening hours; parents never see internal contacts nor offers out of
date for a year."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from neuewege.events.search import postcode_point
from neuewege.navigator.freshness import Freshness
from neuewege.navigator.models import Contact, Location, Schedule, ServiceAtLocation
from neuewege.navigator.selectors import OfferSearch, find_offers, search_offers

from .conftest import make_offer

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


PLACE_FIELDS = ("pk", "name", "street", "postcode", "town", "step_free", "transportation")
SCHEDULE_FIELDS = ("pk", "location_id", "rrule", "opens_at", "closes_at", "valid_from")
SCHEDULE_FIELDS += ("valid_to", "description")


def fields(instance, names):
    return tuple(getattr(instance, name) for name in names)


def card(hit):
    """What a result card shows of a hit."""
    offer = hit.offer
    return {
        "offer": (offer.pk, offer.name, offer.organization.name, offer.phone, offer.online),
        "languages": hit.language_names,
        "place": hit.location and hit.location.pk,
        "places": [fields(place, PLACE_FIELDS) for place in hit.locations],
        "schedules": [fields(schedule, SCHEDULE_FIELDS) for schedule in hit.schedules],
        "contacts": [
            (c.pk, c.name, c.title, c.email, c.phone, c.internal) for c in offer.contacts.all()
        ],
        "distance": hit.distance_km,
        "freshness": hit.freshness,
    }


@pytest.mark.parametrize("for_parents", [True, False])
def test_the_cards_query_loads_what_the_full_load_does(directory, wesel, for_parents):
    """The search page loads a page of cards in one query (JSON arrays of the offers' hours,
    places, languages and contacts): the same as the prefetching load of the API and the
    brochure, in the same order."""
    offer = make_offer(
        wesel, "Familienzentrum Mitte", needs=("debt",), languages=("tr", "de", "ar")
    )
    second = Location.objects.create(
        organization=offer.organization,
        name="Außenstelle",
        street="Am Markt 2",
        postcode="46483",
        town="Wesel",
        latitude="51.66",
        longitude="6.62",
        step_free=True,
    )
    ServiceAtLocation.objects.create(offer=offer, location=second)
    Schedule.objects.create(
        offer=offer,
        location=second,
        rrule="FREQ=MONTHLY;BYDAY=1MO",
        opens_at=time(8),
        closes_at=time(9, 30),
        valid_from=date(2026, 1, 5),
        description="mit Termin",
    )
    Contact.objects.create(offer=offer, name="Zora", phone="0281 2", internal=True)
    Contact.objects.create(offer=offer, name="Anna", title="Leitung", email="a@example.org")
    for search in (
        OfferSearch(point=WESEL, radius_km=50),
        OfferSearch(point=WESEL, radius_km=50, need="debt", step_free=True),
        OfferSearch(need="debt"),
    ):
        full = find_offers(search, for_parents=for_parents)
        cards = find_offers(search, for_parents=for_parents, cards=True)
        with CaptureQueriesContext(connection) as queries:
            shown = [card(hit) for hit in cards[:]]
        assert len(queries) == 1
        expected = [card(hit) for hit in full[:]]
        for got, want in zip(shown, expected, strict=True):
            assert got == want
        assert shown  # the comparison compared something
