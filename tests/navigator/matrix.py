"""The navigator's part of the permission matrix (tests/test_permission_matrix.py): the
records of region A its URLs point at. ``offer_id``: an offer of region A kept by family centre
A, its contact for professionals holds the secret (parents' pages and the public HSDS API must
not show it); ``childcare-edit``: region A's Jugendamt with its district (its direct number the
secret); ``import_id``: an HSDS import of region A uploaded by coordinator A (who imports in
the region opens it; another coordinator would get 404: tests/navigator/test_hsds_exchange.py).

The API: the HSDS profile, the needs and the parents' search are public (the offers parents
find, without the contacts for professionals); the region's offers are read by who sees the
region; the coordinator and family centre A's staff (its keeper) write them."""

from tests.matrix_roles import READ_A, Writers

KEEPERS_A = Writers({"coordinator_a", "staff_a"})
OFFER_BODY = {
    "name": "Beratung aus der Matrix",
    "description": "Beratung und Hilfe.",
    "needs": ["debt"],
    "organization_name": "Beratungsverein Matrix",
    "phone": "0281 1",
    "online": True,
}

PAGE_ROLES = {
    # a Jugendamt keeps its own district: family centre A's staff are not the Jugendamt's
    "childcare-edit": {"coordinator_a"},
}

NAVIGATOR_API = {
    ("GET", "/api/v1/public/navigator/needs"): "public",
    ("GET", "/api/v1/public/navigator/offers/search"): "public",
    ("GET", "/api/v1/regions/{key}/offers"): READ_A,
    ("GET", "/api/v1/offers/{offer_id}"): READ_A,
    ("GET", "/api/v1/hsds/"): "public",
    ("GET", "/api/v1/hsds/services"): "public",
    ("GET", "/api/v1/hsds/services/{service_id}"): "public",
    ("GET", "/api/v1/hsds/organizations"): "public",
    ("GET", "/api/v1/hsds/organizations/{organization_id}"): "public",
    ("GET", "/api/v1/hsds/service_at_locations"): "public",
    ("GET", "/api/v1/hsds/service_at_locations/{service_at_location_id}"): "public",
    ("GET", "/api/v1/hsds/taxonomies"): "public",
    ("GET", "/api/v1/hsds/taxonomies/{taxonomy_id}"): "public",
    ("GET", "/api/v1/hsds/taxonomy_terms"): "public",
    ("GET", "/api/v1/hsds/taxonomy_terms/{taxonomy_term_id}"): "public",
    # last: the writes change the offer the reads above find
    ("POST", "/api/v1/regions/{key}/offers"): KEEPERS_A,
    ("PUT", "/api/v1/offers/{offer_id}"): KEEPERS_A,
    ("POST", "/api/v1/offers/{offer_id}/confirm"): KEEPERS_A,
}
NAVIGATOR_API_BODIES = {
    ("POST", "/api/v1/regions/{key}/offers"): OFFER_BODY,
    ("PUT", "/api/v1/offers/{offer_id}"): OFFER_BODY,
    ("POST", "/api/v1/offers/{offer_id}/confirm"): {},
}


def navigator_records():
    """What a refused write must leave as it was."""
    from neuewege.navigator.models import ChildcareDistrict, Offer

    return {
        "offers": list(Offer.objects.order_by("pk").values_list("pk", "name", "checked_on")),
        "districts": list(ChildcareDistrict.objects.values_list("pk", "postcodes")),
    }


def add_navigator_world(world, *, region, centre_a, secret, coordinator):
    from datetime import date

    from neuewege.core.models import Institution
    from neuewege.navigator.hsds.export import term_id
    from neuewege.navigator.models import ChildcareContact, ChildcareDistrict, HsdsImport
    from neuewege.navigator.taxonomy import TAXONOMY_ID
    from tests.factories import InstitutionFactory
    from tests.navigator.conftest import make_offer

    offer = make_offer(region, "Schuldnerberatung A", keeper=centre_a, internal_phone=secret[:40])
    youth_office = InstitutionFactory(
        region=region, kind=Institution.Kind.YOUTH_WELFARE_OFFICE, name="Jugendamt A"
    )
    district = ChildcareDistrict.objects.create(
        youth_office=youth_office, postcodes="46483", checked_on=date.today()
    )
    ChildcareContact.objects.create(
        district=district,
        topic=ChildcareContact.Topic.KITA,
        name="Kita-Platzvergabe A",
        phone="0281 1",
        internal_phone=secret[:40],
    )
    upload = HsdsImport.objects.create(
        region=region, filename="a.json", content=b"[]", uploaded_by=coordinator
    )
    world["kwargs"].update({"offer_id": offer.pk, "import_id": upload.pk})
    world["pk_for"]["childcare-edit"] = youth_office.pk
    world.setdefault("api_ids", {}).update(
        {
            "{offer_id}": str(offer.pk),
            "{service_id}": str(offer.pk),
            "{organization_id}": str(offer.organization_id),
            "{service_at_location_id}": str(offer.at_locations.get().pk),
            "{taxonomy_id}": TAXONOMY_ID,
            "{taxonomy_term_id}": term_id("debt"),
        }
    )
    return {"offer": offer, "district": district}
