"""API routes for regions, institutions and people. Handlers parse input, call a selector or a
service and return; every rule lives in the access policy, the selectors and the services."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from . import filters as list_filters
from . import selectors, services
from .api_types import (
    Day,
    Email,
    Id,
    Input,
    Name,
    Output,
    Page,
    PathId,
    Postcode,
    RegionKey,
    RegionKeyPath,
    Text,
    WebAddress,
    api_access,
    service_caller,
    visible_region,
)
from .errors import ValidationFailed
from .models import AdministrativeDistrict, EventFormat, Institution, Person, Region
from .validators import LATITUDE_RANGE, LONGITUDE_RANGE

router = Router()


class RegionOut(Schema):
    key: str = Field(..., description="Kreisschlüssel (5 digits)")
    name: str
    kind: Region.Kind
    administrative_district: AdministrativeDistrict
    phase: Region.Phase = Field(..., description="Empty: not yet in the programme")
    phase_start: date | None
    phase_end: date | None


class InstitutionOut(Output):
    id: int
    region: str = Field(..., alias="region.key")
    kind: Institution.Kind
    name: str
    external_id: str | None
    street: str
    postcode: str
    town: str
    latitude: Decimal | None
    longitude: Decimal | None
    email: str = Field(..., description="Empty: none")
    phone: str
    website: str = Field(..., description="Empty: none")
    job_centre_type: Institution.JobCentreType | Literal[""] = Field(
        ..., description="Job centres only; empty otherwise"
    )
    provider: str
    provider_type: Institution.ProviderType | Literal[""] = Field(..., description="Empty: unknown")
    youth_welfare_office_id: int | None
    district: str
    certified_from: date | None
    certified_until: date | None
    childcare_places: int | None


# Within Germany (the models' validators)
Latitude = Annotated[float, Field(ge=float(LATITUDE_RANGE[0]), le=float(LATITUDE_RANGE[1]))]
Longitude = Annotated[float, Field(ge=float(LONGITUDE_RANGE[0]), le=float(LONGITUDE_RANGE[1]))]


class InstitutionChangeIn(Input):
    """The fields to change; ``null`` clears a field that may be empty. Fields every institution
    has (kind, name, postcode, town) can be changed but not cleared."""

    region: RegionKey = Field(None, description="Kreisschlüssel; an institution cannot move")
    kind: Institution.Kind = None
    name: Name(200) = None
    external_id: Text(64) | None = Field(None, description="Unique; empty or null: none")
    street: Text(200) | None = None
    postcode: Postcode = None
    town: Name(100) = None
    latitude: Latitude | None = Field(None, description="Stored to 5 decimal places")
    longitude: Longitude | None = Field(None, description="Stored to 5 decimal places")
    email: Email | None = None
    phone: Text(40) | None = None
    website: WebAddress | None = None
    job_centre_type: Institution.JobCentreType | None = Field(
        None, description="Required for a job centre, refused for other kinds"
    )
    provider: Text(200) | None = None
    provider_type: Institution.ProviderType | None = None
    youth_welfare_office_id: Id | None = Field(
        None, description="A youth welfare office of the same region; family centres only"
    )
    district: Text(300) | None = None
    certified_from: Day | None = Field(None, description="Gütesiegel; family centres only")
    certified_until: Day | None = Field(None, description="Not before certified_from")
    childcare_places: int | None = Field(None, ge=0, le=200)


class InstitutionIn(InstitutionChangeIn):
    region: RegionKey = Field(..., description="Kreisschlüssel of one of your regions")
    kind: Institution.Kind
    name: Name(200)
    postcode: Postcode
    town: Name(100)


class PersonOut(Schema):
    id: int
    institution_id: int
    external_id: str | None
    first_name: str
    last_name: str
    function: Person.Function
    email: str | None
    phone: str
    moderated_formats: list[EventFormat]


class PersonChangeIn(Input):
    """The fields to change; ``null`` clears a field that may be empty."""

    institution_id: Id = Field(None, description="An institution of your regions")
    external_id: Text(64) | None = Field(None, description="Unique; empty or null: none")
    first_name: Name(100) = None
    last_name: Name(100) = None
    function: Person.Function = None
    email: Email | None = Field(None, description="Unique; null: none")
    phone: Text(40) | None = None
    moderated_formats: list[EventFormat] | None = Field(
        None, max_length=len(EventFormat), description="null: none"
    )


class PersonIn(PersonChangeIn):
    institution_id: Id = Field(..., description="An institution of your regions")
    first_name: Name(100)
    last_name: Name(100)
    function: Person.Function


class InstitutionFilters(Input):
    region: RegionKey | None = None
    kind: Institution.Kind | None = None
    q: Text(100) | None = Field(None, description="Name, town or postcode (prefix)")


class PersonFilters(Input):
    region: RegionKey | None = None
    function: Person.Function | None = None
    institution_id: Id | None = None
    q: Text(100) | None = Field(None, description="Name, e-mail or institution")


def given(payload: Input, model):
    """The fields the client sent. ``null`` clears: text fields become "" where the model
    stores no NULL, and "" becomes NULL where it does (e.g. ``external_id``, which is unique)."""
    data = payload.model_dump(exclude_unset=True)
    for name, value in data.items():
        field = model._meta.get_field(name) if name in FIELD_NAMES[model] else None
        if field is not None and field.get_internal_type() in TEXT_TYPES:
            if value is None and not field.null:
                data[name] = ""
            elif value == "" and field.null:
                data[name] = None
    return data


TEXT_TYPES = {"CharField", "EmailField", "URLField", "TextField"}
FIELD_NAMES = {
    model: {field.name for field in model._meta.concrete_fields} for model in (Institution, Person)
}
# The services name fields as the models do; the API names foreign keys by their id.
save = service_caller(
    {"institution": "institution_id", "youth_welfare_office": "youth_welfare_office_id"}
)


# Regions


@router.get("/regions", response=list[RegionOut], tags=["regions"])
def list_regions(request):
    return api_access(request).regions()


@router.get("/regions/{key}", response=RegionOut, tags=["regions"])
def get_region(request, key: RegionKeyPath):
    return get_object_or_404(api_access(request).regions(), key=key)


# Institutions


@router.get("/institutions", response=list[InstitutionOut], tags=["institutions"])
@paginate(Page)
def list_institutions(request, filters: Query[InstitutionFilters]):
    access = api_access(request)
    region = visible_region(access, filters.region)
    return list_filters.InstitutionFilter(
        filters.model_dump(mode="json", include={"kind", "q"}, exclude_none=True),
        selectors.institutions(access, region=region),
        access=access,
        region=region,
    ).qs


@router.get("/institutions/{institution_id}", response=InstitutionOut, tags=["institutions"])
def get_institution(request, institution_id: PathId):
    return get_object_or_404(
        api_access(request).institutions().select_related("region"), pk=institution_id
    )


def institution_data(access, payload: InstitutionChangeIn):
    data = given(payload, Institution)
    for name in ("latitude", "longitude"):
        if data.get(name) is not None:
            data[name] = Decimal(str(data[name])).quantize(Decimal("0.00001"))
    if "region" in data:
        data["region"] = visible_region(access, data["region"])
    if "youth_welfare_office_id" in data:
        office_id = data.pop("youth_welfare_office_id")
        data["youth_welfare_office"] = (
            access.institutions().filter(pk=office_id).first() if office_id else None
        )
        if office_id and data["youth_welfare_office"] is None:
            raise ValidationFailed({"youth_welfare_office_id": _("Unknown youth welfare office.")})
    return data


@router.post("/institutions", response={201: InstitutionOut}, tags=["institutions"])
def create_institution(request, payload: InstitutionIn):
    access = api_access(request)
    data = institution_data(access, payload)
    return Status(201, save(services.save_institution, access=access, data=data))


@router.patch("/institutions/{institution_id}", response=InstitutionOut, tags=["institutions"])
def update_institution(request, institution_id: PathId, payload: InstitutionChangeIn):
    access = api_access(request)
    institution = get_object_or_404(access.institutions(), pk=institution_id)
    data = institution_data(access, payload)
    if "region" in data and data["region"] != institution.region:
        raise ValidationFailed({"region": _("An institution cannot move to another region.")})
    return save(services.save_institution, access=access, data=data, institution=institution)


# People


@router.get("/people", response=list[PersonOut], tags=["people"])
@paginate(Page)
def list_people(request, filters: Query[PersonFilters]):
    access = api_access(request)
    region = visible_region(access, filters.region)
    return list_filters.ApiPersonFilter(
        filters.model_dump(
            mode="json", include={"function", "q", "institution_id"}, exclude_none=True
        ),
        selectors.people(access, region=region),
        access=access,
        region=region,
    ).qs


@router.get("/people/{person_id}", response=PersonOut, tags=["people"])
def get_person(request, person_id: PathId):
    return get_object_or_404(api_access(request).people(), pk=person_id)


def person_data(access, payload: PersonChangeIn):
    data = given(payload, Person)
    if "institution_id" in data:
        institution = access.institutions().filter(pk=data.pop("institution_id")).first()
        if institution is None:
            raise ValidationFailed(
                {"institution_id": _("Unknown institution or not in your region.")}
            )
        data["institution"] = institution
    if "moderated_formats" in data and data["moderated_formats"] is None:
        data["moderated_formats"] = []
    return data


@router.post("/people", response={201: PersonOut}, tags=["people"])
def create_person(request, payload: PersonIn):
    access = api_access(request)
    return Status(201, save(services.save_person, access=access, data=person_data(access, payload)))


@router.patch("/people/{person_id}", response=PersonOut, tags=["people"])
def update_person(request, person_id: PathId, payload: PersonChangeIn):
    access = api_access(request)
    person = get_object_or_404(access.people(), pk=person_id)
    data = person_data(access, payload)
    return save(services.save_person, access=access, data=data, person=person)
