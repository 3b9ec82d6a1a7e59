from datetime import date
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from neuewege.api.auth import api_access

from . import selectors, services
from .errors import ValidationFailed
from .models import Institution, Person, Region

router = Router()


class Page(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1)
        page_size: int = Field(50, ge=1, le=200)

    def paginate_queryset(self, queryset, pagination: Input, **params):
        self.page_size = pagination.page_size
        return super().paginate_queryset(
            queryset, PageNumberPagination.Input(page=pagination.page), **params
        )


class RegionOut(Schema):
    key: str
    name: str
    kind: str
    administrative_district: str
    phase: str
    phase_start: date | None
    phase_end: date | None


class InstitutionOut(Schema):
    id: int
    region: str = Field(..., alias="region.key")
    kind: str
    name: str
    external_id: str | None
    street: str
    postcode: str
    town: str
    latitude: Decimal | None
    longitude: Decimal | None
    email: str
    phone: str
    website: str
    job_centre_type: str
    provider: str
    provider_type: str
    youth_welfare_office_id: int | None
    district: str
    certified_from: date | None
    certified_until: date | None
    childcare_places: int | None


class InstitutionIn(Schema):
    region: str | None = Field(None, description="Kreisschlüssel; required when creating")
    kind: str | None = None
    name: str | None = None
    external_id: str | None = None
    street: str | None = None
    postcode: str | None = None
    town: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    job_centre_type: str | None = None
    provider: str | None = None
    provider_type: str | None = None
    youth_welfare_office_id: int | None = None
    district: str | None = None
    certified_from: date | None = None
    certified_until: date | None = None
    childcare_places: int | None = None


class PersonOut(Schema):
    id: int
    institution_id: int
    external_id: str | None
    first_name: str
    last_name: str
    function: str
    email: str | None
    phone: str
    moderated_formats: list[str]


class PersonIn(Schema):
    institution_id: int | None = None
    external_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    function: str | None = None
    email: str | None = None
    phone: str | None = None
    moderated_formats: list[str] | None = None


class InstitutionFilters(Schema):
    region: str | None = Field(None, description="Kreisschlüssel")
    kind: Institution.Kind | None = None
    q: str | None = Field(None, description="Name, town or postcode", max_length=100)


class PersonFilters(Schema):
    region: str | None = Field(None, description="Kreisschlüssel")
    function: Person.Function | None = None
    institution_id: int | None = None
    q: str | None = Field(None, max_length=100)


def visible_region(access, key):
    if key is None:
        return None
    region = access.regions().filter(key=key).first()
    if region is None:
        raise ValidationFailed({"region": f"Unknown region or not yours: {key}"})
    return region


def given(schema: Schema):
    return schema.dict(exclude_unset=True)


# Regions


@router.get("/regions", response=list[RegionOut], tags=["regions"])
def list_regions(request):
    return api_access(request).regions()


@router.get("/regions/{key}", response=RegionOut, tags=["regions"])
def get_region(request, key: str):
    return get_object_or_404(api_access(request).regions(), key=key)


# Institutions


@router.get("/institutions", response=list[InstitutionOut], tags=["institutions"])
@paginate(Page)
def list_institutions(request, filters: Query[InstitutionFilters]):
    access = api_access(request)
    return selectors.search_institutions(
        access,
        region=visible_region(access, filters.region),
        kind=filters.kind or "",
        query=filters.q or "",
    )


@router.get("/institutions/{institution_id}", response=InstitutionOut, tags=["institutions"])
def get_institution(request, institution_id: int):
    return get_object_or_404(
        api_access(request).institutions().select_related("region"), pk=institution_id
    )


def institution_data(access, payload: InstitutionIn):
    data = given(payload)
    if "region" in data:
        data["region"] = visible_region(access, data["region"])
    if "youth_welfare_office_id" in data:
        office_id = data.pop("youth_welfare_office_id")
        data["youth_welfare_office"] = (
            access.institutions().filter(pk=office_id).first() if office_id else None
        )
        if office_id and data["youth_welfare_office"] is None:
            raise ValidationFailed({"youth_welfare_office_id": "Unknown youth welfare office."})
    return {
        name: ("" if value is None and name in TEXT_FIELDS else value)
        for name, value in data.items()
    }


TEXT_FIELDS = {
    field.name
    for field in Institution._meta.concrete_fields + Person._meta.concrete_fields
    if field.get_internal_type() in {"CharField", "EmailField", "URLField", "TextField"}
    and not field.null
}


@router.post("/institutions", response={201: InstitutionOut}, tags=["institutions"])
def create_institution(request, payload: InstitutionIn):
    access = api_access(request)
    data = institution_data(access, payload)
    if data.get("region") is None:
        raise ValidationFailed({"region": "Give the Kreisschlüssel of the region."})
    return 201, services.save_institution(access=access, data=data)


@router.patch("/institutions/{institution_id}", response=InstitutionOut, tags=["institutions"])
def update_institution(request, institution_id: int, payload: InstitutionIn):
    access = api_access(request)
    institution = get_object_or_404(access.institutions(), pk=institution_id)
    data = institution_data(access, payload)
    if "region" in data and data["region"] != institution.region:
        raise ValidationFailed({"region": "An institution cannot move to another region."})
    return services.save_institution(access=access, data=data, institution=institution)


# People


@router.get("/people", response=list[PersonOut], tags=["people"])
@paginate(Page)
def list_people(request, filters: Query[PersonFilters]):
    access = api_access(request)
    return selectors.search_people(
        access,
        region=visible_region(access, filters.region),
        function=filters.function or "",
        query=filters.q or "",
        institution_id=filters.institution_id,
    )


@router.get("/people/{person_id}", response=PersonOut, tags=["people"])
def get_person(request, person_id: int):
    return get_object_or_404(api_access(request).people(), pk=person_id)


def person_data(access, payload: PersonIn):
    data = given(payload)
    if "institution_id" in data:
        institution = access.institutions().filter(pk=data.pop("institution_id")).first()
        if institution is None:
            raise ValidationFailed({"institution_id": "Unknown institution or not in your region."})
        data["institution"] = institution
    return {
        name: ("" if value is None and name in TEXT_FIELDS else value)
        for name, value in data.items()
    }


@router.post("/people", response={201: PersonOut}, tags=["people"])
def create_person(request, payload: PersonIn):
    access = api_access(request)
    return 201, services.save_person(access=access, data=person_data(access, payload))


@router.patch("/people/{person_id}", response=PersonOut, tags=["people"])
def update_person(request, person_id: int, payload: PersonIn):
    access = api_access(request)
    person = get_object_or_404(access.people(), pk=person_id)
    return services.save_person(access=access, data=person_data(access, payload), person=person)


__all__ = ["Region", "router"]
