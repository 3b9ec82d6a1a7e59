"""Keeping offers through the services: the rules of an offer (a contact path, a need, a place
or "by phone or online", readable opening hours, known postcodes, ages), who keeps which offer,
and that every save and every confirmation counts as a check."""

from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from neuewege.core.access import access_for
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.events.search import postcode_point
from neuewege.navigator import services
from neuewege.navigator.models import Location, Offer, Organization
from neuewege.navigator.services import ContactData, OfferData, PlaceData, ScheduleData
from tests.factories import InstitutionFactory

from .conftest import make_offer

UNKNOWN_POSTCODE = "00000"


def offer_data(**changes) -> OfferData:
    values = {
        "name": "Schuldnerberatung Wesel",
        "description": "Hilfe bei Schulden, kostenlos und vertraulich.",
        "organization": "Diakonie Wesel",
        "needs": ["debt"],
        "languages": ["de", "tr"],
        "places": [PlaceData(street="Korbmacherstraße 14", postcode="46483", town="Wesel")],
        "schedules": [
            ScheduleData(rrule="FREQ=WEEKLY;BYDAY=MO,WE", opens_at=time(9), closes_at=time(12))
        ],
        "contacts": [ContactData(name="Frau Demir", phone="0281 1234-12", internal=True)],
        "phone": "0281 1234-0",
    }
    return OfferData(**values | changes)


def errors_of(call) -> dict:
    with pytest.raises(ValidationFailed) as error:
        call()
    return error.value.errors


def test_the_coordinator_enters_an_offer_located_at_its_postcode(coordinator, wesel):
    offer = services.create_offer(
        access=access_for(coordinator),
        region=wesel,
        data=offer_data(translations={"name_tr": "Borç danışmanlığı Wesel"}),
    )
    offer = Offer.objects.get(pk=offer.pk)
    assert offer.checked_on == timezone.localdate()
    assert offer.keeper is None and offer.organization.name == "Diakonie Wesel"
    assert sorted(offer.languages.values_list("code", flat=True)) == ["de", "tr"]
    assert list(offer.needs.values_list("code", flat=True)) == ["debt"]
    (place,) = offer.locations.all()
    latitude, longitude = postcode_point("46483")
    assert float(place.latitude) == pytest.approx(latitude, abs=1e-5)
    assert float(place.longitude) == pytest.approx(longitude, abs=1e-5)
    assert offer.schedules.get().rrule == "FREQ=WEEKLY;BYDAY=MO,WE"
    assert offer.contacts.get().internal
    assert offer.name_tr == "Borç danışmanlığı Wesel"
    assert offer.name_de == "Schuldnerberatung Wesel"


def test_given_coordinates_are_kept(coordinator, wesel):
    place = PlaceData(
        street="Am Markt 1", postcode="46483", town="Wesel", latitude=51.6, longitude=6.6
    )
    offer = services.create_offer(
        access=access_for(coordinator), region=wesel, data=offer_data(places=[place])
    )
    location = offer.locations.get()
    assert (float(location.latitude), float(location.longitude)) == (51.6, 6.6)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "", "contacts": []}, "phone"),
        ({"phone": "", "contacts": [ContactData(name="Frau Demir")]}, "phone"),
        ({"needs": []}, "needs"),
        ({"needs": ["no-such-need"]}, "needs"),
        ({"places": [], "online": False}, "places"),
        ({"languages": ["xx"]}, "languages"),
        (
            {"places": [PlaceData(street="Weg 1", postcode=UNKNOWN_POSTCODE, town="Nirgends")]},
            "place_0_postcode",
        ),
        (
            {
                "schedules": [
                    ScheduleData(rrule="every monday", opens_at=time(9), closes_at=time(12))
                ]
            },
            "schedule_0_rrule",
        ),
        (
            {
                "schedules": [
                    ScheduleData(rrule="FREQ=WEEKLY", opens_at=time(12), closes_at=time(9))
                ]
            },
            "schedule_0_closes_at",
        ),
        ({"minimum_age": 18, "maximum_age": 3}, "maximum_age"),
        ({"name": "  "}, "name"),
        ({"organization": ""}, "organization"),
        ({"translations": {"name_xx": "?"}}, "translations"),
        ({"email": "not an address"}, "email"),
    ],
)
def test_an_offer_breaking_a_rule_is_refused_at_its_field_and_nothing_is_saved(
    coordinator, wesel, changes, field
):
    assert postcode_point(UNKNOWN_POSTCODE) is None
    errors = errors_of(
        lambda: services.create_offer(
            access=access_for(coordinator), region=wesel, data=offer_data(**changes)
        )
    )
    assert field in errors
    assert not Offer.objects.exists()
    assert not Organization.objects.exists()
    assert not Location.objects.exists()


def test_an_offer_without_a_place_is_fine_by_phone_or_online(coordinator, wesel):
    offer = services.create_offer(
        access=access_for(coordinator), region=wesel, data=offer_data(places=[], online=True)
    )
    assert offer.online and not offer.locations.exists()


def test_the_contact_path_may_be_a_contact_with_phone_or_email(coordinator, wesel):
    data = offer_data(phone="", contacts=[ContactData(name="Beratung", email="b@example.org")])
    offer = services.create_offer(access=access_for(coordinator), region=wesel, data=data)
    assert offer.contacts.get().email == "b@example.org"


def test_an_institution_of_the_platform_becomes_the_organisation_once(
    coordinator, wesel, youth_welfare_office
):
    access = access_for(coordinator)
    first = services.create_offer(
        access=access, region=wesel, data=offer_data(organization=youth_welfare_office)
    )
    second = services.create_offer(
        access=access,
        region=wesel,
        data=offer_data(name="Elternberatung", organization=youth_welfare_office),
    )
    assert first.organization == second.organization
    assert first.organization.institution == youth_welfare_office


def test_an_organisation_of_another_region_is_refused(coordinator, wesel, borken):
    other = Organization.objects.create(region=borken, name="Caritas Borken")
    errors = errors_of(
        lambda: services.create_offer(
            access=access_for(coordinator), region=wesel, data=offer_data(organization=other)
        )
    )
    assert "organization" in errors


def test_every_save_is_a_check_and_rows_are_updated_in_place(coordinator, wesel):
    access = access_for(coordinator)
    long_ago = timezone.localdate() - timedelta(days=400)
    offer = services.create_offer(access=access, region=wesel, data=offer_data(), today=long_ago)
    assert offer.checked_on == long_ago
    place_id = offer.locations.get().pk
    schedule_id = offer.schedules.get().pk
    services.update_offer(
        access=access,
        offer=offer,
        data=offer_data(
            name="Schuldner- und Insolvenzberatung",
            places=[PlaceData(street="Korbmacherstraße 16", postcode="46483", town="Wesel")],
            languages=["de"],
            contacts=[],
        ),
    )
    offer = Offer.objects.get(pk=offer.pk)
    assert offer.checked_on == timezone.localdate()
    assert offer.name == "Schuldner- und Insolvenzberatung"
    assert offer.locations.get().pk == place_id
    assert offer.locations.get().street == "Korbmacherstraße 16"
    assert offer.schedules.get().pk == schedule_id
    assert list(offer.languages.values_list("code", flat=True)) == ["de"]
    assert not offer.contacts.exists()
    services.update_offer(access=access, offer=offer, data=offer_data(places=[], online=True))
    assert not Location.objects.filter(pk=place_id).exists()


def test_confirming_and_pausing_are_checks(coordinator, wesel):
    offer = make_offer(wesel, "Elterncafé", checked_on=date(2020, 1, 1))
    access = access_for(coordinator)
    services.confirm_offer(access=access, offer=offer)
    assert Offer.objects.get(pk=offer.pk).checked_on == timezone.localdate()
    services.set_status(
        access=access, offer=offer, status=Offer.Status.INACTIVE, today=date(2026, 1, 2)
    )
    offer.refresh_from_db()
    assert (offer.status, offer.checked_on) == (Offer.Status.INACTIVE, date(2026, 1, 2))
    with pytest.raises(ValidationFailed):
        services.set_status(access=access, offer=offer, status="gone")


def test_staff_keep_their_own_institutions_offers_only(staff, family_centre, wesel):
    access = access_for(staff)
    own = services.create_offer(access=access, region=wesel, data=offer_data(keeper=family_centre))
    services.confirm_offer(access=access, offer=own)
    services.update_offer(access=access, offer=own, data=offer_data(keeper=family_centre))
    other = InstitutionFactory(region=wesel, name="Caritas Wesel")
    with pytest.raises(PermissionDenied):
        services.create_offer(access=access, region=wesel, data=offer_data(keeper=other))
    with pytest.raises(PermissionDenied):  # only the coordinator keeps offers without a keeper
        services.create_offer(access=access, region=wesel, data=offer_data(keeper=None))
    for offer in (make_offer(wesel, "Caritas", keeper=other), make_offer(wesel, "Region")):
        with pytest.raises(PermissionDenied):
            services.update_offer(access=access, offer=offer, data=offer_data(keeper=family_centre))
        with pytest.raises(PermissionDenied):
            services.confirm_offer(access=access, offer=offer)
    with pytest.raises(PermissionDenied):  # nor hand their own offer over
        services.update_offer(access=access, offer=own, data=offer_data(keeper=other))


def test_the_coordinator_may_assign_a_keeper_of_the_region(
    coordinator, wesel, borken, family_centre
):
    access = access_for(coordinator)
    offer = services.create_offer(access=access, region=wesel, data=offer_data())
    services.update_offer(access=access, offer=offer, data=offer_data(keeper=family_centre))
    assert Offer.objects.get(pk=offer.pk).keeper == family_centre
    elsewhere = InstitutionFactory(region=borken, name="Familienzentrum Borken")
    errors = errors_of(
        lambda: services.update_offer(access=access, offer=offer, data=offer_data(keeper=elsewhere))
    )
    assert "keeper" in errors


def test_a_place_other_offers_share_is_not_changed_through_one_of_them(coordinator, wesel):
    """Places an import shares between offers: changing one offer's place gives it a new one;
    the other offer's place stays as it was."""
    from neuewege.navigator.models import ServiceAtLocation

    first = make_offer(wesel, "Beratung A")
    second = make_offer(wesel, "Beratung B", place=None)
    shared = first.locations.get()
    ServiceAtLocation.objects.create(offer=second, location=shared)
    moved = PlaceData(street="Neue Straße 2", postcode="46535", town="Dinslaken")
    services.update_offer(
        access=access_for(coordinator), offer=first, data=offer_data(places=[moved])
    )
    shared.refresh_from_db()
    assert (shared.street, shared.town) == ("Hauptstraße 1", "Wesel")
    assert second.locations.get() == shared
    assert first.locations.get().town == "Dinslaken"


def test_more_places_than_the_form_can_show_are_refused(coordinator, wesel):
    place = PlaceData(street="Korbmacherstraße 14", postcode="46483", town="Wesel")
    errors = errors_of(
        lambda: services.create_offer(
            access=access_for(coordinator),
            region=wesel,
            data=offer_data(places=[place] * (services.MAX_ROWS + 1)),
        )
    )
    assert "places" in errors
    assert not Offer.objects.exists()
