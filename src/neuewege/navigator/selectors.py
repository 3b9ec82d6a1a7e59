"""Reads of the directory: the offers that match a search (need, place and radius, language,
step-free access, open now), for parents (hidden when out of date for a year, no internal
contacts) or for staff of the region.

Distance: the point of a postcode (``events.search.locate``); the places inside a bounding box
around it come from SQL (an index on the coordinates), the exact distance is computed in
Python; an offer counts at its nearest place. Offers reachable by phone or online count in the
regions of the places found.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone

from neuewege.events.search import KM_PER_DEGREE, Point, haversine_km

from .freshness import Freshness, aging_cutoff, freshness, hidden_cutoff
from .models import Contact, Location, Offer, Schedule
from .schedules import is_open
from .taxonomy import with_narrower

RADII_KM = (2, 5, 10, 20, 50)
DEFAULT_RADIUS_KM = 10


@dataclass
class OfferSearch:
    """What someone searches for; empty values do not filter."""

    point: Point | None = None
    radius_km: int = DEFAULT_RADIUS_KM
    need: str = ""
    language: str = ""
    step_free: bool = False
    open_now: bool = False


@dataclass
class Hit:
    offer: Offer
    location: Location | None  # the nearest place (None: by phone or online only)
    distance_km: float | None
    freshness: Freshness
    locations: list = field(default_factory=list)


def visible_offers(*, for_parents: bool, today: date | None = None, region_ids=None):
    """Active offers; for parents without those not confirmed for a year. ``region_ids``
    (None: every region) narrows to regions."""
    offers = Offer.objects.filter(status=Offer.Status.ACTIVE)
    if for_parents:
        offers = offers.filter(checked_on__gt=hidden_cutoff(today or timezone.localdate()))
    if region_ids is not None:
        offers = offers.filter(region_id__in=region_ids)
    return offers


def locations_within(point: Point, radius_km: float) -> dict:
    """Places within ``radius_km`` of ``point``: {location id: (distance, region id)}."""
    latitude, longitude = point
    dlat = radius_km / KM_PER_DEGREE
    dlon = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))

    def box(value, delta):
        return (Decimal(f"{value - delta:.5f}"), Decimal(f"{value + delta:.5f}"))

    rows = Location.objects.filter(
        latitude__range=box(latitude, dlat), longitude__range=box(longitude, dlon)
    ).values_list("pk", "latitude", "longitude", "organization__region_id")
    found = {}
    for pk, lat, lon, region_id in rows:
        distance = haversine_km(point, (float(lat), float(lon)))
        if distance <= radius_km:
            found[pk] = (distance, region_id)
    return found


def search_offers(
    search: OfferSearch,
    *,
    for_parents: bool,
    region_ids=None,
    now: datetime | None = None,
    limit: int | None = None,
) -> list[Hit]:
    """The offers matching ``search``, nearest first (without a place: by name)."""
    now = timezone.localtime(now)
    offers = visible_offers(for_parents=for_parents, today=now.date(), region_ids=region_ids)
    if search.need:
        offers = offers.filter(needs__code__in=with_narrower(search.need))
    if search.language:
        offers = offers.filter(languages__code=search.language)
    nearby = {}
    if search.point is not None:
        nearby = locations_within(search.point, search.radius_km)
        regions = {region_id for _distance, region_id in nearby.values()}
        reachable = Q(at_locations__location_id__in=list(nearby))
        if not search.step_free:
            reachable |= Q(online=True, region_id__in=regions)
        offers = offers.filter(reachable)
    elif search.step_free:
        offers = offers.filter(locations__step_free=True)
    contacts = Contact.objects.filter(internal=False) if for_parents else Contact.objects.all()
    offers = (
        offers.distinct()
        .prefetch_related(
            "languages",
            "needs",
            "schedules",
            "locations",
            Prefetch("contacts", queryset=contacts),
        )
        .select_related("organization", "region")
    )
    hits = []
    for offer in offers:
        places = [
            place
            for place in offer.locations.all()
            if (not nearby or place.pk in nearby) and (place.step_free or not search.step_free)
        ]
        if search.point is not None and not places and not offer.online:
            continue
        if search.step_free and not places:
            continue
        places.sort(key=lambda place: nearby.get(place.pk, (0,))[0])
        nearest = places[0] if places else None
        if search.open_now and not _open_at(offer.schedules.all(), nearest, now):
            continue
        hits.append(
            Hit(
                offer=offer,
                location=nearest,
                distance_km=nearby[nearest.pk][0] if nearest and nearby else None,
                freshness=freshness(offer.checked_on, now.date()),
                locations=places,
            )
        )
    hits.sort(key=lambda hit: (hit.distance_km is None, hit.distance_km or 0, hit.offer.name))
    return hits[:limit] if limit else hits


def _open_at(schedules: list[Schedule], location: Location | None, now: datetime) -> bool:
    moment = now.replace(tzinfo=None)
    return any(
        is_open(schedule, moment)
        for schedule in schedules
        if schedule.location_id is None or location is None or schedule.location_id == location.pk
    )


FRESHNESS_FILTERS = {
    Freshness.CURRENT.value: lambda today: Q(checked_on__gt=aging_cutoff(today)),
    Freshness.AGING.value: lambda today: Q(
        checked_on__gt=hidden_cutoff(today), checked_on__lte=aging_cutoff(today)
    ),
    Freshness.HIDDEN.value: lambda today: Q(checked_on__lte=hidden_cutoff(today)),
}
NO_KEEPER = "none"


def region_offers(region, *, need="", keeper="", fresh="", query="", today: date | None = None):
    """The region's offers for its staff pages (every status, hidden ones too), filtered by
    need (with its narrower ones), keeper (an institution's id, ``NO_KEEPER``: the
    coordinator's), freshness and a part of the name."""
    today = today or timezone.localdate()
    offers = Offer.objects.filter(region=region)
    if need:
        offers = offers.filter(needs__code__in=with_narrower(need)).distinct()
    if keeper == NO_KEEPER:
        offers = offers.filter(keeper__isnull=True)
    elif keeper.isdigit() and len(keeper) < 19:
        offers = offers.filter(keeper_id=int(keeper))
    if fresh in FRESHNESS_FILTERS:
        offers = offers.filter(FRESHNESS_FILTERS[fresh](today))
    if query.strip():
        offers = offers.filter(name__icontains=query.strip())
    return offers.select_related("keeper", "organization").prefetch_related("needs")


def stale_offers(region, today: date | None = None):
    """Active offers out of date (aging or hidden), the oldest check first."""
    today = today or timezone.localdate()
    return (
        Offer.objects.filter(
            region=region, status=Offer.Status.ACTIVE, checked_on__lte=aging_cutoff(today)
        )
        .select_related("keeper", "organization")
        .order_by("checked_on", "name")
    )


def offer_detail(offer_id, *, access=None):
    """An offer with everything its page and the API show; with ``access``, one of its
    regions only (else ``Offer.DoesNotExist``)."""
    offers = Offer.objects.filter(region__in=access.regions()) if access else Offer.objects
    return (
        offers.select_related("region", "keeper", "organization__institution")
        .prefetch_related("needs", "languages", "locations", "schedules", "contacts")
        .get(pk=offer_id)
    )
