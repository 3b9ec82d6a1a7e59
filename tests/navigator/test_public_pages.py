"""The directory's search pages: parents search without an account (by need, postcode and
distance, language, step-free access, open now) and open an offer's page; staff of the region
search the same directory with the contacts for professionals. Parents never see a direct
number for professionals, nor an offer hidden or paused."""

import uuid
from datetime import time, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from neuewege.core.models import User
from neuewege.navigator.models import Contact, Location, Offer, Schedule, ServiceAtLocation
from tests.factories import UserFactory

from .conftest import make_offer

SEARCH = "/hilfe/"
INTERNAL = "0281 123459-12"


def results(response) -> str:
    return response.content.decode()


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def get(client, url, **params):
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")


def test_debt_counselling_in_turkish_near_46483(client, directory, english):
    response = get(client, SEARCH, bedarf="money", plz="46483", radius="10", sprache="tr")
    assert response.status_code == 200
    html = results(response)
    assert "1 offer within 10 km of 46483" in html
    assert "Schuldnerberatung Wesel" in html
    assert "Schuldnerberatung Dinslaken" not in html  # German only, and 13 km away
    assert 'href="tel:0281123456"' in html
    assert "Kontoauszüge, Briefe der Gläubiger" in html  # what to bring
    assert "Bus 81, Haltestelle Rathaus" in html  # how to get there
    assert "Mon–Fri" in html  # opening hours in words
    assert "Free of charge" in html
    assert INTERNAL not in html


def test_filters_distance_step_free_and_open_now(client, directory, english):
    wide = results(get(client, SEARCH, bedarf="debt", plz="46483", radius="20"))
    assert "2 offers within 20 km of 46483" in wide
    assert wide.index("Schuldnerberatung Wesel") < wide.index("Schuldnerberatung Dinslaken")
    step_free = results(
        get(client, SEARCH, bedarf="debt", plz="46483", radius="20", barrierefrei="on")
    )
    assert "Schuldnerberatung Wesel" in step_free
    assert "Schuldnerberatung Dinslaken" not in step_free
    Schedule.objects.filter(offer=directory["debt_de"]).update(
        rrule="FREQ=DAILY", opens_at=time(0), closes_at=time(23, 59, 59)
    )
    Schedule.objects.filter(offer=directory["debt_tr"]).update(
        rrule="FREQ=WEEKLY;BYDAY=MO", opens_at=time(0, 0), closes_at=time(0, 1)
    )
    open_now = results(get(client, SEARCH, bedarf="debt", plz="46483", radius="20", offen="on"))
    assert "1 offer within 20 km of 46483" in open_now
    assert "Schuldnerberatung Dinslaken" in open_now


def test_without_a_postcode_every_matching_offer_by_name(client, directory, english):
    html = results(get(client, SEARCH, bedarf="debt"))
    assert "3 offers" in html  # Borken, Dinslaken, Wesel: all regions, by name
    positions = [html.index(f"Schuldnerberatung {town}") for town in ("Borken", "Dinslaken")]
    assert positions == sorted(positions)
    assert "km away" not in html


def test_the_first_visit_offers_topics_to_start_from(client, directory, english):
    html = results(get(client, SEARCH))
    assert "Or start with a topic" in html
    assert 'href="?bedarf=money"' in html
    assert "Schuldnerberatung" not in html


def test_an_unknown_postcode_is_a_message_at_the_field(client, directory, english):
    response = get(client, SEARCH, bedarf="debt", plz="00000")
    assert response.status_code == 200
    html = results(response)
    assert "Please correct the following" in html
    assert 'href="#id_plz"' in html
    assert "We do not know this postcode" in html
    assert "Schuldnerberatung" not in html
    bad = results(get(client, SEARCH, plz="abc", radius="7", bedarf="nonsense", sprache="xx"))
    assert "A postcode has 5 digits" in bad
    assert "Choose one of the distances." in bad
    assert "Choose one of the topics." in bad
    assert "Choose one of the languages." in bad


def test_nothing_found_says_what_to_try(client, directory, english):
    html = results(get(client, SEARCH, bedarf="housing", plz="46483", radius="2"))
    assert "We found no offer for this search." in html
    assert "Choose a larger distance." in html
    assert "Choose another topic, or a broader one." in html


def test_results_come_by_page(client, wesel, english):
    for number in range(12):
        make_offer(wesel, f"Beratung {number:02}")
    first = results(get(client, SEARCH, bedarf="debt", plz="46483"))
    assert "12 offers within 10 km of 46483" in first
    assert "Page 1 of 2" in first
    assert "Beratung 09" in first and "Beratung 10" not in first
    second = results(get(client, SEARCH, bedarf="debt", plz="46483", page="2"))
    assert "Beratung 10" in second and "Beratung 11" in second


def test_the_queries_do_not_grow_with_the_results(client, wesel, english):
    def count(offers):
        for number in range(offers):
            offer = make_offer(wesel, f"Hilfe {offers}-{number}", languages=("de", "tr", "ar"))
            Contact.objects.create(offer=offer, name="Beratung", phone="0281 1")
        cache.clear()  # the parents' pages are shared from the cache for a minute
        with CaptureQueriesContext(connection) as queries:
            response = get(client, SEARCH, bedarf="debt", plz="46483")
        assert response.status_code == 200
        Offer.objects.all().delete()
        return len(queries)

    # the places near the postcode, the offers found there, the page's cards (one query)
    assert count(1) == count(8) == 3


def test_an_offer_in_the_parents_language(client, directory):
    offer = directory["debt_tr"]
    offer.name_tr = "Borç danışmanlığı Wesel"
    offer.required_documents_tr = "Banka hesap özetleri"
    offer.save()
    html = client.get(SEARCH, {"bedarf": "debt"}, HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    assert "Borç danışmanlığı Wesel" in html
    assert "Banka hesap özetleri" in html
    assert "Schuldnerberatung Dinslaken" in html  # no translation: the German text
    assert 'lang="de" dir="auto">Schuldnerberatung Dinslaken' in html


def test_an_offer_out_of_date_carries_a_note_and_after_a_year_is_hidden(client, directory, english):
    offer = directory["debt_tr"]
    today = timezone.localdate()
    Offer.objects.filter(pk=offer.pk).update(checked_on=today - timedelta(days=200))
    html = results(get(client, SEARCH, bedarf="debt", plz="46483"))
    assert "This information may be out of date" in html
    detail = results(get(client, reverse("public-offer-detail", args=[offer.pk])))
    assert "This information may be out of date" in detail
    Offer.objects.filter(pk=offer.pk).update(checked_on=today - timedelta(days=400))
    cache.clear()  # the parents' pages are shared from the cache for a minute
    assert "Schuldnerberatung Wesel" not in results(get(client, SEARCH, bedarf="debt"))
    assert get(client, reverse("public-offer-detail", args=[offer.pk])).status_code == 404


def test_the_offers_page(client, directory, english):
    offer = directory["debt_tr"]
    Contact.objects.create(offer=offer, name="Frau Demir", phone="0281 99", email="d@example.org")
    second = Location.objects.create(
        organization=offer.organization,
        name="Außenstelle",
        street="Kirchstraße 2",
        postcode="46485",
        town="Wesel",
    )
    ServiceAtLocation.objects.create(offer=offer, location=second)
    Schedule.objects.create(
        offer=offer,
        location=second,
        rrule="FREQ=MONTHLY;BYDAY=1TH",
        opens_at=time(14),
        closes_at=time(16),
    )
    url = reverse("public-offer-detail", args=[offer.pk])
    response = get(client, url + "?bedarf=money&plz=46483&radius=10&sprache=tr")
    assert response.status_code == 200
    html = results(response)
    assert "<h1" in html and "Schuldnerberatung Wesel" in html
    assert 'href="/hilfe/?bedarf=money&amp;plz=46483&amp;radius=10&amp;sprache=tr"' in html
    assert 'href="tel:0281123456"' in html
    assert "Frau Demir" in html and 'href="tel:028199"' in html
    assert "https://www.openstreetmap.org/?mlat=51.66179&amp;mlon=6.61375" in html
    assert "https://www.openstreetmap.org/search?query=Kirchstra%C3%9Fe+2" in html
    assert "every first Thursday of the month 2 p.m.–4 p.m." in html
    assert "Mon–Fri 9 a.m.–4 p.m." in html
    assert "Turkish" in html
    assert INTERNAL not in html
    assert "Durchwahl" not in html


@pytest.mark.parametrize("how", ["paused", "ended", "unknown"])
def test_an_offer_not_shown_to_parents_is_not_found(client, directory, how):
    offer = directory["debt_tr"]
    if how == "unknown":
        offer_id = uuid.uuid4()
    else:
        offer_id = offer.pk
        status = Offer.Status.INACTIVE if how == "paused" else Offer.Status.DEFUNCT
        Offer.objects.filter(pk=offer.pk).update(status=status)
    response = client.get(reverse("public-offer-detail", args=[offer_id]))
    assert response.status_code == 404
    assert "Schuldnerberatung Wesel" not in results(response)


def test_internal_numbers_are_never_on_the_parents_pages(client, directory):
    for language in ("de", "en", "tr", "ar"):
        for url in (
            SEARCH + "?bedarf=debt&plz=46483",
            SEARCH + "?bedarf=debt",
            reverse("public-offer-detail", args=[directory["debt_tr"].pk]),
        ):
            html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
            assert INTERNAL not in html
            assert "Durchwahl Beratung" not in html


def test_parents_find_the_search_from_their_pages(client, db, english):
    html = results(get(client, "/veranstaltungen/"))
    assert 'href="/hilfe/"' in html
    assert "Find help" in html


def test_the_arabic_page_reads_right_to_left(client, directory):
    html = client.get(SEARCH, {"bedarf": "debt"}, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in html


# Staff


def staff_url(region):
    return reverse("offer-search", args=[region.key])


def test_staff_see_the_direct_numbers_and_the_hidden_offers(client, staff, wesel, directory):
    offer = directory["debt_tr"]
    Offer.objects.filter(pk=directory["debt_de"].pk).update(
        checked_on=timezone.localdate() - timedelta(days=400)
    )
    client.force_login(staff)
    response = get(client, staff_url(wesel), bedarf="debt", plz="46483", radius="20")
    assert response.status_code == 200
    html = results(response)
    assert INTERNAL in html
    assert "For professionals only" in html
    assert "Hidden from parents:" in html  # Dinslaken, not confirmed for a year
    assert "Schuldnerberatung Dinslaken" in html
    assert "Schuldnerberatung Borken" not in html  # another region
    assert str(offer.pk) in html


def test_staff_search_only_their_regions(client, staff, borken, wesel):
    client.force_login(staff)
    assert client.get(staff_url(borken)).status_code in (403, 404)
    assert client.get(staff_url(wesel)).status_code == 200
    client.logout()
    response = client.get(staff_url(wesel))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_regions_menu_leads_to_the_navigator(client, staff, wesel):
    client.force_login(staff)
    html = results(client.get(reverse("region-home", args=[wesel.key])))
    assert f'href="{staff_url(wesel)}"' in html


def test_a_viewer_of_another_region_gets_no_numbers(client, borken, directory):
    viewer = UserFactory(role=User.Role.VIEWER, regions=[borken], email="view@borken.example")
    client.force_login(viewer)
    response = client.get(staff_url(borken), {"bedarf": "debt"})
    assert response.status_code == 200
    assert INTERNAL not in results(response)
    assert "Schuldnerberatung Borken" in results(response)
