"""§4 of the framework agreement: the Jugendamt's childcare information, kept per district, and
the one search of a case manager — for a client's postcode the responsible Jugendamt (the
district holding the postcode; else the nearest district, marked as such) with its contacts, the
family centres with free places nearby and the childcare offers nearby.

The reads; the one write is ``services.keep_childcare``.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.utils.translation import gettext as _

from neuewege.core.errors import ValidationFailed
from neuewege.core.models import Institution
from neuewege.events.search import Point, centres_within, haversine_km, locate, postcode_point

from .models import ChildcareContact, ChildcareDistrict, ChildcareVacancy
from .selectors import Hit, OfferSearch, search_offers

NEARBY_KM = 10
POSTCODE = re.compile(r"[0-9]{5}")  # fullmatch: five ASCII digits


# Reads


def client_point(postcode: str) -> Point:
    """The point of a client's postcode; an unknown one is an error at the field ``postcode``."""
    postcode = (postcode or "").strip()
    if not POSTCODE.fullmatch(postcode):
        raise ValidationFailed({"postcode": _("Enter a postcode of five digits.")})
    try:
        return locate(postcode=postcode)
    except ValidationFailed:
        raise ValidationFailed({"postcode": _("We do not know this postcode.")}) from None


def districts():
    """The districts with their Jugendamt and their contacts in the order of the topics."""
    order = Case(
        *[When(topic=topic, then=Value(i)) for i, topic in enumerate(ChildcareContact.Topic)],
        output_field=IntegerField(),
    )
    contacts = ChildcareContact.objects.order_by(order, "name")
    return ChildcareDistrict.objects.select_related("youth_office__region").prefetch_related(
        Prefetch("contacts", queryset=contacts)
    )


@dataclass
class Responsible:
    district: ChildcareDistrict
    nearest: bool = False  # no district holds the postcode: the nearest one
    distance_km: float | None = None


def district_for(postcode: str, point: Point | None = None, region=None) -> Responsible | None:
    """The district holding ``postcode`` (one of ``region``'s first); else the nearest district
    (by the distance to the centroids of its postcodes); None when no district is kept at
    all."""
    candidates = districts().filter(postcodes__contains=postcode)
    if region is not None:
        ours = Case(When(youth_office__region=region, then=Value(0)), default=Value(1))
        candidates = candidates.order_by(ours, "pk")
    for district in candidates:
        if postcode in district.postcode_list:
            return Responsible(district)
    point = point or postcode_point(postcode)
    if point is None:
        return None
    best = None
    for district in districts():
        for code in district.postcode_list:
            other = postcode_point(code)
            if other is None:
                continue
            distance = haversine_km(point, other)
            if best is None or distance < best.distance_km:
                best = Responsible(district, nearest=True, distance_km=distance)
    return best


@dataclass
class Vacancy:
    centre: Institution
    places: int
    ages: str
    reported_on: date
    distance_km: float | None


@dataclass
class ChildcareResult:
    postcode: str
    responsible: Responsible | None
    vacancies: list[Vacancy] = field(default_factory=list)
    offers: list[Hit] = field(default_factory=list)

    internal: bool = False  # the direct numbers of the district may be shown

    @property
    def district(self):
        return self.responsible.district if self.responsible else None


def vacancies_near(point: Point, district: ChildcareDistrict | None) -> list[Vacancy]:
    """Family centres with free places within ``NEARBY_KM`` or in the responsible district,
    nearest first."""
    distances = centres_within(point, NEARBY_KM)
    rows = ChildcareVacancy.objects.filter(places__gt=0).select_related("centre")
    if district is not None:
        rows = rows.filter(centre_id__in=list(distances)) | rows.filter(district=district)
    else:
        rows = rows.filter(centre_id__in=list(distances))
    found = {}
    for row in rows.distinct():
        found[row.centre_id] = Vacancy(
            row.centre, row.places, row.ages, row.reported_on, distances.get(row.centre_id)
        )
    return sorted(
        found.values(), key=lambda v: (v.distance_km is None, v.distance_km or 0, v.centre.name)
    )


def childcare_search(postcode: str, *, region=None, for_parents: bool = False) -> ChildcareResult:
    """The one search of §4 for a client's postcode (a ``ValidationFailed`` at ``postcode``
    when it is not one we know). Staff search from ``region``: its offers with their direct
    numbers and the direct numbers of its districts; a district of another region with its
    public numbers only. For parents (the sheet): public numbers only, offers anywhere."""
    postcode = (postcode or "").strip()
    point = client_point(postcode)
    responsible = district_for(postcode, point, region)
    district = responsible.district if responsible else None
    offers = search_offers(
        OfferSearch(point=point, radius_km=NEARBY_KM, need="childcare"),
        for_parents=for_parents or region is None,
        region_ids=None if for_parents or region is None else [region.pk],
    )
    internal = (
        not for_parents
        and region is not None
        and district is not None
        and district.youth_office.region_id == region.pk
    )
    return ChildcareResult(
        postcode, responsible, vacancies_near(point, district), offers, internal=internal
    )


def district_of_youth_office(youth_office: Institution) -> ChildcareDistrict | None:
    return districts().filter(youth_office=youth_office).first()
