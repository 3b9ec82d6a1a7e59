"""The navigator's demo data: Kreis Wesel's directory of ~150 offers across every need of the
taxonomy (some out of date, a few direct numbers), and §4 childcare information for each
Jugendamt, with no postcode in two districts of a region."""

from collections import Counter

import pytest
from django.utils import timezone

from neuewege.core.demo.generate import generate
from neuewege.core.models import Institution
from neuewege.navigator import childcare
from neuewege.navigator.demo import generate_demo_directory
from neuewege.navigator.freshness import Freshness, freshness
from neuewege.navigator.models import ChildcareDistrict, Contact, Offer
from neuewege.navigator.taxonomy import TERMS, with_narrower

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(wesel):
    generate("demo")
    line = generate_demo_directory("demo", 2015)
    assert "offers" in line
    return wesel


def test_wesel_has_about_150_offers_across_every_top_need(demo):
    offers = Offer.objects.filter(region=demo)
    assert 140 <= offers.count() <= 170
    for term in TERMS:
        if term.parent is None:
            assert offers.filter(needs__code__in=with_narrower(term.code)).exists(), term.code
    towns = set(offers.values_list("locations__town", flat=True))
    assert {"Wesel", "Moers", "Dinslaken", "Xanten", "Schermbeck", "Sonsbeck"} <= towns
    assert offers.filter(languages__code="ar").exists()
    assert all(offer.schedules.exists() for offer in offers[:20])
    today = timezone.localdate()
    states = Counter(freshness(day, today) for day in offers.values_list("checked_on", flat=True))
    assert states[Freshness.AGING] >= 5 and states[Freshness.HIDDEN] >= 3
    assert Contact.objects.filter(offer__region=demo, internal=True).count() >= 5


def test_every_jugendamt_has_its_district_with_contacts_and_no_postcode_twice(demo):
    offices = Institution.objects.filter(kind=Institution.Kind.YOUTH_WELFARE_OFFICE)
    assert offices.exists()
    for office in offices:
        district = ChildcareDistrict.objects.get(youth_office=office)
        assert district.postcode_list and district.contacts.count() == 5
        assert all(contact.internal_phone for contact in district.contacts.all())
    seen = {}
    for district in ChildcareDistrict.objects.select_related("youth_office"):
        for postcode in district.postcode_list:
            key = (district.youth_office.region_id, postcode)
            assert key not in seen, (postcode, seen.get(key), district)
            seen[key] = district
    assert childcare.district_for("47443").district.youth_office.name == "Jugendamt Moers"
    assert childcare.district_for("47665").district.youth_office.name == "Jugendamt Kreis Wesel"


def test_the_demo_directory_is_generated_once(demo):
    count = Offer.objects.count()
    assert generate_demo_directory("demo", 2015) is None
    assert Offer.objects.count() == count
