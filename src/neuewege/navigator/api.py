"""The navigator API: the taxonomy of needs and the search of the directory (public, as parents
see it: no hidden offers, no contacts for professionals), the region's offers and an offer with
every contact (``navigator.see_internal``), and keeping offers through the same services as the
staff pages (``navigator.keep``: the coordinator the region's, staff their own institution's).

Field errors of places, opening hours and contacts are named by their position:
``places.0.postcode``, ``schedules.1.rrule``, ``contacts.0.email``. Whatever lies outside the
caller's regions answers 404.
"""

import re
from collections.abc import Sequence
from datetime import date, time
from typing import Annotated, Literal
from uuid import UUID

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictBool, StrictInt

from neuewege.core.access import Access
from neuewege.core.api_types import (
    Email,
    Input,
    Page,
    Postcode,
    RegionKeyPath,
    Text,
    WebAddress,
    api_access,
    permitted_region,
)
from neuewege.core.errors import DomainError, ValidationFailed
from neuewege.core.models import Institution
from neuewege.events.search import postcode_point

from . import selectors, services
from .freshness import Freshness, freshness
from .languages import CODES as LANGUAGE_CODES
from .models import Offer, Organization
from .permissions import KEEP, SEE_INTERNAL
from .selectors import RADII_KM, OfferSearch, search_offers
from .taxonomy import BY_CODE, TERMS

router = Router(tags=["navigator"])

NeedCode = Literal[tuple(BY_CODE)]
LanguageCode = Literal[tuple(sorted(LANGUAGE_CODES))]
Radius = Annotated[int, Field(ge=1, le=max(RADII_KM), description="Kilometres")]
MAX_RESULTS = 200
ClockTime = Annotated[str, Field(pattern=r"^[0-2][0-9]:[0-5][0-9]$", description="Local time")]
ROW_ERROR = re.compile(r"^(place|schedule|contact)_(\d+)_(\w+)$")


# Output


class NeedOut(Schema):
    code: str
    label: str
    parent: str | None


class OfferPlaceOut(Schema):
    id: UUID
    name: str
    street: str
    postcode: str
    town: str
    latitude: float | None
    longitude: float | None
    transportation: str
    step_free: bool
    accessibility: str


class OfferScheduleOut(Schema):
    rrule: str = Field(..., description="RFC 5545 recurrence rule")
    opens_at: ClockTime
    closes_at: ClockTime
    description: str


class OfferContactOut(Schema):
    name: str
    title: str
    phone: str
    email: str
    internal: bool = Field(..., description="For professionals only")


class OfferOut(Schema):
    id: UUID
    region: str
    name: str
    description: str
    organization: str
    needs: list[str]
    languages: list[str]
    url: str
    email: str
    phone: str
    application_process: str
    required_documents: str
    eligibility: str
    minimum_age: int | None
    maximum_age: int | None
    free_of_charge: bool
    fees: str
    online: bool
    checked_on: date
    freshness: Literal[tuple(item.value for item in Freshness)]
    places: list[OfferPlaceOut]
    schedules: list[OfferScheduleOut]
    contacts: list[OfferContactOut]


class OfferHitOut(OfferOut):
    distance_km: float | None = Field(..., description="To the nearest place found")


class OfferDetailOut(OfferOut):
    status: Offer.Status
    keeper_id: int | None = Field(..., description="Empty: kept by the coordinator")
    organization_id: UUID
    translations: dict[str, str]


# Input


class OfferSearchFilter(Input):
    need: NeedCode | None = None
    postcode: Postcode | None = None
    radius_km: Radius = 10
    language: LanguageCode | None = None
    step_free: bool = False
    open_now: bool = False


class OfferPlaceIn(Input):
    name: Text(200) = ""
    street: Text(200)
    postcode: Postcode
    town: Text(100)
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    transportation: Text(2000) = ""
    step_free: StrictBool = False
    accessibility: Text(2000) = ""


class OfferScheduleIn(Input):
    rrule: Text(200) = Field(..., description="e.g. FREQ=WEEKLY;BYDAY=MO,WE")
    opens_at: time
    closes_at: time
    description: Text(200) = ""


class OfferContactIn(Input):
    name: Text(200) = ""
    title: Text(200) = ""
    phone: Text(40) = ""
    email: Email | Literal[""] = ""
    internal: StrictBool = False


class OfferIn(Input):
    name: Text(200)
    description: Text(5000)
    needs: list[NeedCode] = Field(..., max_length=len(TERMS))
    organization_id: UUID | None = Field(None, description="One of the region's organisations")
    institution_id: Annotated[StrictInt, Field(ge=1, le=2**63 - 1)] | None = Field(
        None, description="An institution of the platform as the organisation"
    )
    organization_name: Text(200) = Field("", description="Else: a new organisation's name")
    keeper_id: Annotated[StrictInt, Field(ge=1, le=2**63 - 1)] | None = Field(
        None, description="The keeping institution; empty: the coordinator (staff: their own)"
    )
    languages: list[LanguageCode] = Field(["de"], max_length=len(LANGUAGE_CODES))
    places: list[OfferPlaceIn] = Field([], max_length=services.MAX_ROWS)
    schedules: list[OfferScheduleIn] = Field([], max_length=services.MAX_ROWS)
    contacts: list[OfferContactIn] = Field([], max_length=services.MAX_ROWS)
    url: WebAddress | Literal[""] = ""
    email: Email | Literal[""] = ""
    phone: Text(40) = ""
    application_process: Text(2000) = ""
    required_documents: Text(2000) = ""
    eligibility: Text(2000) = ""
    minimum_age: Annotated[StrictInt, Field(ge=0, le=services.MAX_AGE)] | None = None
    maximum_age: Annotated[StrictInt, Field(ge=0, le=services.MAX_AGE)] | None = None
    free_of_charge: StrictBool = True
    fees: Text(200) = ""
    online: StrictBool = False
    translations: dict[str, Text(5000)] = Field(
        {}, description="name_en, description_tr, required_documents_ar …"
    )


# Helpers


def offer_out(offer: Offer, today: date, *, internal: bool) -> dict:
    return {
        "id": offer.pk,
        "region": offer.region.key,
        "name": offer.name,
        "description": offer.description,
        "organization": offer.organization.name,
        "needs": [need.code for need in offer.needs.all()],
        "languages": [language.code for language in offer.languages.all()],
        **{
            name: getattr(offer, name)
            for name in (
                "url",
                "email",
                "phone",
                "application_process",
                "required_documents",
                "eligibility",
                "minimum_age",
                "maximum_age",
                "free_of_charge",
                "fees",
                "online",
                "checked_on",
            )
        },
        "freshness": freshness(offer.checked_on, today).value,
        "places": list(offer.locations.all()),
        "schedules": [
            {
                "rrule": schedule.rrule,
                "opens_at": f"{schedule.opens_at:%H:%M}",
                "closes_at": f"{schedule.closes_at:%H:%M}",
                "description": schedule.description,
            }
            for schedule in offer.schedules.all()
        ],
        "contacts": [
            contact for contact in offer.contacts.all() if internal or not contact.internal
        ],
    }


def detail_out(offer: Offer) -> dict:
    return offer_out(offer, timezone.localdate(), internal=True) | {
        "status": offer.status,
        "keeper_id": offer.keeper_id,
        "organization_id": offer.organization_id,
        "translations": {
            key: getattr(offer, key)
            for key in sorted(services.TRANSLATION_KEYS)
            if getattr(offer, key)
        },
    }


def api_offer(access: Access, offer_id: UUID) -> Offer:
    try:
        offer = selectors.offer_detail(offer_id, access=access)
    except Offer.DoesNotExist:
        raise Http404 from None
    if not access.has(SEE_INTERNAL, offer):
        raise Http404
    return offer


def _api_fields(error: DomainError):
    """The service's field names (``place_0_postcode``) as the API's (``places.0.postcode``)."""
    renamed = {}
    for name, messages in error.errors.items():
        match = ROW_ERROR.match(name or "")
        renamed[f"{match[1]}s.{match[2]}.{match[3]}" if match else name] = messages
    error.errors = renamed


def offer_data(access: Access, region, payload: OfferIn) -> services.OfferData:
    organization = payload.organization_name
    if payload.organization_id is not None:
        organization = Organization.objects.filter(
            region=region, pk=payload.organization_id
        ).first()
        if organization is None:
            raise ValidationFailed({"organization_id": _("Unknown organisation of the region.")})
    elif payload.institution_id is not None:
        organization = Institution.objects.filter(region=region, pk=payload.institution_id).first()
        if organization is None:
            raise ValidationFailed({"institution_id": _("Unknown institution of the region.")})
    keeper = None
    if payload.keeper_id is not None:
        keeper = Institution.objects.filter(region=region, pk=payload.keeper_id).first()
        if keeper is None:
            raise ValidationFailed({"keeper_id": _("Unknown institution of the region.")})
    elif not services.keeps_region(access):
        keeper = access.own_institution
    fields = payload.model_dump(
        exclude={
            "organization_id",
            "institution_id",
            "organization_name",
            "keeper_id",
            "places",
            "schedules",
            "contacts",
        }
    )
    return services.OfferData(
        organization=organization,
        keeper=keeper,
        places=[services.PlaceData(**place.model_dump()) for place in payload.places],
        schedules=[services.ScheduleData(**row.model_dump()) for row in payload.schedules],
        contacts=[services.ContactData(**row.model_dump()) for row in payload.contacts],
        **fields,
    )


def keep(service, **kwargs):
    try:
        return service(**kwargs)
    except DomainError as error:
        if "keeper" in error.errors:
            error.errors["keeper_id"] = error.errors.pop("keeper")
        _api_fields(error)
        raise


# Public


class NeedFilter(Input):
    parent: NeedCode | None = Field(None, description="Only the narrower needs of this one")


@router.get("/public/navigator/needs", response=list[NeedOut], auth=None, tags=["public"])
def list_needs(request, filters: Query[NeedFilter]):
    """The taxonomy of needs in plain words (in the request's language), broader needs first;
    a search for a need finds the offers of its narrower needs too."""
    return [
        {"code": term.code, "label": str(term.label), "parent": term.parent}
        for term in TERMS
        if filters.parent is None or term.parent == filters.parent
    ]


@router.get(
    "/public/navigator/offers/search", response=list[OfferHitOut], auth=None, tags=["public"]
)
def search(request, filters: Query[OfferSearchFilter]):
    """The directory as parents see it: active offers confirmed within a year, without the
    contacts for professionals, nearest first. ``postcode`` with ``radius_km``: places within
    the radius, and offers by phone or online of the regions found. An unknown postcode: 422 at
    ``postcode``."""
    point = None
    if filters.postcode:
        point = postcode_point(filters.postcode)
        if point is None:
            raise ValidationFailed({"postcode": _("We do not know this postcode. Check it.")})
    hits = search_offers(
        OfferSearch(
            point=point,
            radius_km=filters.radius_km,
            need=filters.need or "",
            language=filters.language or "",
            step_free=filters.step_free,
            open_now=filters.open_now,
        ),
        for_parents=True,
        limit=MAX_RESULTS,
    )
    today = timezone.localdate()
    results = []
    for hit in hits:
        out = offer_out(hit.offer, today, internal=False)
        out["places"] = hit.locations or out["places"]
        results.append(out | {"distance_km": hit.distance_km})
    return results


# Staff


class Converted(Sequence):
    """A queryset whose records are converted for the answer once a page is sliced from it:
    the paginator counts in SQL and converts one page only."""

    def __init__(self, queryset, convert):
        self.queryset, self.convert = queryset, convert

    def __len__(self):
        return self.queryset.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.convert(record) for record in self.queryset[index]]
        return self.convert(self.queryset[index])


@router.get("/regions/{key}/offers", response=list[OfferDetailOut])
@paginate(Page)
def list_offers(request, key: RegionKeyPath):
    """The region's offers, every status, also those hidden from parents, with every contact."""
    region = permitted_region(api_access(request), key, SEE_INTERNAL)
    offers = (
        selectors.region_offers(region)
        .select_related("region")
        .prefetch_related("languages", "locations", "schedules", "contacts")
    )
    return Converted(offers.order_by("name", "pk"), detail_out)


@router.get("/offers/{offer_id}", response=OfferDetailOut)
def get_offer(request, offer_id: UUID):
    return detail_out(api_offer(api_access(request), offer_id))


@router.post("/regions/{key}/offers", response={201: OfferDetailOut})
def create_offer(request, key: RegionKeyPath, payload: OfferIn):
    """A new offer, checked today. The rules (422 at the field): at least one need; a place or
    ``online``; a way to reach it (phone, e-mail, web page or a contact with phone or e-mail,
    else at ``phone``); opening hours as readable RFC 5545 rules; a known postcode where a
    place has no coordinates; the minimum age not above the maximum. Staff enter offers kept
    by their own institution."""
    access = api_access(request)
    region = permitted_region(access, key, KEEP)
    offer = keep(
        services.create_offer,
        access=access,
        region=region,
        data=offer_data(access, region, payload),
    )
    return Status(201, detail_out(selectors.offer_detail(offer.pk)))


@router.put("/offers/{offer_id}", response=OfferDetailOut)
def update_offer(request, offer_id: UUID, payload: OfferIn):
    """The offer as a whole, replaced (places, opening hours and contacts in the order given);
    a check too: ``checked_on`` becomes today."""
    access = api_access(request)
    offer = api_offer(access, offer_id)
    offer = keep(
        services.update_offer,
        access=access,
        offer=offer,
        data=offer_data(access, offer.region, payload),
    )
    return detail_out(selectors.offer_detail(offer.pk))


@router.post("/offers/{offer_id}/confirm", response=OfferDetailOut)
def confirm_offer(request, offer_id: UUID):
    """Still correct: ``checked_on`` becomes today."""
    access = api_access(request)
    offer = keep(services.confirm_offer, access=access, offer=api_offer(access, offer_id))
    return detail_out(selectors.offer_detail(offer.pk))
