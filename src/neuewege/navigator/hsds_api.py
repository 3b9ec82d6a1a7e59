"""The HSDS 3.0 API profile of the directory (read-only, public data, no sign-in): the offers
that parents find (active, confirmed within a year) as full HSDS services, their organisations
and places, and the taxonomy of needs. Lists are HSDS *Page* objects (``page``, ``per_page``);
content is German. Filters: ``taxonomy_term_id`` (with its narrower terms), ``organization_id``,
``modified_after``, ``search`` (in the name) and ``region`` (our Kreisschlüssel)."""

import math
import uuid

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from neuewege.core.api_types import LocalTime, Text
from neuewege.core.errors import ValidationFailed
from neuewege.core.models import Region

from . import taxonomy
from .hsds import export
from .models import Location, Organization, ServiceAtLocation
from .selectors import named_like

router = Router(tags=["hsds"])
PUBLIC = {"auth": None}


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=100)


class ServiceFilters(PageQuery):
    taxonomy_term_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: LocalTime | None = None  # no offset: Europe/Berlin
    search: Text(200) = ""
    region: Text(5) = ""


class TermFilters(PageQuery):
    taxonomy_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None


def page(items, filters: PageQuery, convert) -> dict:
    """An HSDS Page of ``items`` (a queryset or a list)."""
    total = len(items) if isinstance(items, list) else items.count()
    pages = max(math.ceil(total / filters.per_page), 1)
    start = (filters.page - 1) * filters.per_page
    contents = [convert(item) for item in items[start : start + filters.per_page]]
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": filters.page,
        "size": len(contents),
        "first_page": filters.page == 1,
        "last_page": filters.page >= pages,
        "empty": not contents,
        "contents": contents,
    }


def _offers(filters: ServiceFilters):
    region = None
    if filters.region:
        region = Region.objects.filter(key=filters.region).first()
        if region is None:
            raise ValidationFailed({"region": _("No region has this key.")})
    offers = export.offers(region=region)
    if filters.taxonomy_term_id is not None:
        code = export.TERM_CODES.get(str(filters.taxonomy_term_id))
        if code is None:
            raise ValidationFailed(
                {"taxonomy_term_id": _("This is no term of the taxonomy of needs.")}
            )
        offers = offers.filter(needs__code__in=taxonomy.with_narrower(code)).distinct()
    if filters.organization_id is not None:
        offers = offers.filter(organization_id=filters.organization_id)
    if filters.modified_after is not None:
        offers = offers.filter(updated_at__gt=filters.modified_after)
    if filters.search:
        offers = named_like(offers, filters.search)
    return offers


@router.get("/hsds/", response=dict, **PUBLIC)
def hsds_root(request):
    """The API's version and profile."""
    return {
        "version": "3.0",
        "profile": "https://docs.openreferral.org/en/latest/hsds/",
        "openapi_url": request.build_absolute_uri(reverse("api:openapi-json")),
    }


@router.get("/hsds/services", response=dict, **PUBLIC)
def hsds_services(request, filters: Query[ServiceFilters]):
    """Full services, a page at a time."""
    return page(_offers(filters), filters, export.service_json)


@router.get("/hsds/services/{service_id}", response=dict, **PUBLIC)
def hsds_service(request, service_id: uuid.UUID):
    offer = export.offers().filter(pk=service_id).first()
    if offer is None:
        raise Http404
    return export.service_json(offer)


def _organizations():
    visible = export.offers().values("organization_id")
    return Organization.objects.filter(pk__in=visible).order_by("id")


def _organization_json(organization: Organization) -> dict:
    record = export.organization_json(organization)
    record["locations"] = [export.location_json(place) for place in organization.places]
    return record


def _with_places(organizations):
    places = Location.objects.filter(at_locations__offer__in=export.offers()).distinct()
    return organizations.prefetch_related(Prefetch("locations", places, to_attr="places"))


@router.get("/hsds/organizations", response=dict, **PUBLIC)
def hsds_organizations(request, filters: Query[PageQuery]):
    """Organisations with offers that parents find, with their places."""
    return page(_with_places(_organizations()), filters, _organization_json)


@router.get("/hsds/organizations/{organization_id}", response=dict, **PUBLIC)
def hsds_organization(request, organization_id: uuid.UUID):
    organization = _with_places(_organizations().filter(pk=organization_id)).first()
    if organization is None:
        raise Http404
    return _organization_json(organization)


def _service_at_locations(filters: ServiceFilters):
    return (
        ServiceAtLocation.objects.filter(offer__in=_offers(filters).values("pk"))
        .select_related("location")
        .order_by("id")
    )


@router.get("/hsds/service_at_locations", response=dict, **PUBLIC)
def hsds_service_at_locations(request, filters: Query[ServiceFilters]):
    """Where the services are offered, with the place."""
    return page(_service_at_locations(filters), filters, export.service_at_location_json)


@router.get("/hsds/service_at_locations/{service_at_location_id}", response=dict, **PUBLIC)
def hsds_service_at_location(request, service_at_location_id: uuid.UUID):
    found = (
        ServiceAtLocation.objects.filter(
            pk=service_at_location_id, offer__in=export.offers().values("pk")
        )
        .select_related("location")
        .first()
    )
    if found is None:
        raise Http404
    return export.service_at_location_json(found)


@router.get("/hsds/taxonomies", response=dict, **PUBLIC)
def hsds_taxonomies(request, filters: Query[PageQuery]):
    return page([export.taxonomy_json()], filters, lambda item: item)


@router.get("/hsds/taxonomies/{taxonomy_id}", response=dict, **PUBLIC)
def hsds_taxonomy(request, taxonomy_id: uuid.UUID):
    if str(taxonomy_id) != taxonomy.TAXONOMY_ID:
        raise Http404
    return export.taxonomy_json()


@router.get("/hsds/taxonomy_terms", response=dict, **PUBLIC)
def hsds_taxonomy_terms(request, filters: Query[TermFilters]):
    terms = export.terms_json()
    if filters.taxonomy_id is not None and str(filters.taxonomy_id) != taxonomy.TAXONOMY_ID:
        terms = []
    if filters.parent_id is not None:
        terms = [term for term in terms if term.get("parent_id") == str(filters.parent_id)]
    return page(terms, filters, lambda item: item)


@router.get("/hsds/taxonomy_terms/{taxonomy_term_id}", response=dict, **PUBLIC)
def hsds_taxonomy_term(request, taxonomy_term_id: uuid.UUID):
    code = export.TERM_CODES.get(str(taxonomy_term_id))
    if code is None:
        raise Http404
    return export.term_json(code)
