"""Reads of the directory: the offers that match a search (need, place and radius, language,
step-free access, open now), for parents (hidden when out of date for a year, no internal
contacts) or for staff of the region.

Distance: the point of a postcode (``events.search.locate``); the places inside a bounding box
around it come from SQL (an index on the coordinates), the exact distance is computed in
Python; an offer counts at its nearest place. Offers reachable by phone or online count in the
regions of the places found.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Prefetch, Q, UUIDField, Value
from django.utils import timezone
from django.utils.translation import get_language

from neuewege.events.search import KM_PER_DEGREE, Point, haversine_km

from .cards import card_offers
from .freshness import Freshness, aging_cutoff, freshness, hidden_cutoff
from .languages import in_list_order, language_label
from .models import Contact, Location, Offer, OfferLanguage, Schedule, ServiceAtLocation
from .schedules import is_open
from .taxonomy import with_narrower

RADII_KM = (2, 5, 10, 20, 50)
DEFAULT_RADIUS_KM = 10
ONLINE_REACH_KM = 25  # no place within the radius: offers by phone count in the regions this near


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

    @cached_property
    def schedules(self) -> list[Schedule]:
        """The offer's opening hours at the place shown (and those for all its places)."""
        here = self.location.pk if self.location else None
        return [
            schedule
            for schedule in self.offer.schedules.all()
            if here is None or schedule.location_id in (None, here)
        ]

    @cached_property
    def language_names(self) -> str:
        """The languages the offer is given in, by name in the active language."""
        return ", ".join(str(language_label(code)) for code in self.offer.language_codes)


def visible_offers(*, for_parents: bool, today: date | None = None, region_ids=None):
    """Active offers; for parents without those not confirmed for a year. ``region_ids``
    (None: every region) narrows to regions."""
    offers = Offer.objects.filter(status=Offer.Status.ACTIVE)
    if for_parents:
        offers = offers.filter(checked_on__gt=hidden_cutoff(today or timezone.localdate()))
    if region_ids is not None:
        offers = offers.filter(region_id__in=region_ids)
    return offers


def public_offer(offer_id) -> Offer | None:
    """An offer's page for parents: shown while active and confirmed within a year, with its
    public contacts only."""
    return (
        visible_offers(for_parents=True)
        .filter(pk=offer_id)
        .select_related("organization")
        .prefetch_related(
            "languages",
            "needs",
            "locations",
            "schedules",
            Prefetch("contacts", queryset=Contact.objects.filter(internal=False)),
        )
        .first()
    )


def bounding_box(point: Point, radius_km: float) -> Q:
    """The places inside the box around ``point`` that holds the circle of ``radius_km``
    (served by the index on the coordinates; the exact distance is for Python)."""
    latitude, longitude = point
    dlat = radius_km / KM_PER_DEGREE
    dlon = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))

    def box(value, delta):
        return (Decimal(f"{value - delta:.5f}"), Decimal(f"{value + delta:.5f}"))

    return Q(latitude__range=box(latitude, dlat), longitude__range=box(longitude, dlon))


def locations_within(point: Point, radius_km: float) -> dict:
    """Places within ``radius_km`` of ``point``: {location id: (distance, region id)}."""
    rows = (
        Location.objects.filter(bounding_box(point, radius_km))
        .order_by()
        .values_list("pk", "latitude", "longitude", "organization__region_id")
    )
    found = {}
    for pk, lat, lon, region_id in rows:
        distance = haversine_km(point, (float(lat), float(lon)))
        if distance <= radius_km:
            found[pk] = (distance, region_id)
    return found


@dataclass
class Found:
    """An offer that matches, before its details are loaded: its places (id → distance, nearest
    first) and what orders it."""

    offer_id: object
    name: str
    places: dict | None = None  # None: every place of the offer (searched without a place)

    @property
    def distance_km(self) -> float | None:
        return next(iter(self.places.values()), None) if self.places else None

    @property
    def nearest(self):
        return next(iter(self.places), None) if self.places else None

    def order(self):
        distance = self.distance_km
        # the id last: the same order on every page, also for offers of the same name
        return (distance is None, distance or 0, self.name.casefold(), str(self.offer_id))


class Results(Sequence):
    """The offers found, in order; a slice loads the details of its offers only (a page of
    results: a fixed number of queries however many offers match). A paginator takes it."""

    def __init__(self, found: list[Found], *, for_parents: bool, today: date, cards=False):
        self.found, self.for_parents, self.today = found, for_parents, today
        self.cards = cards  # what the result cards show, in one query (``cards.card_offers``)

    def __len__(self):
        return len(self.found)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.load(self.found[index])
        return self.load([self.found[index]])[0]

    def load(self, found: list[Found]) -> list[Hit]:
        if self.cards:
            return self.hits(
                found, card_offers([item.offer_id for item in found], self.for_parents)
            )
        contacts = Contact.objects.all()
        if self.for_parents:
            contacts = contacts.filter(internal=False)
        offers = Offer.objects.filter(pk__in=[item.offer_id for item in found])
        offers = offers.select_related("organization").prefetch_related(
            "languages",
            "needs",
            "schedules",
            "locations",
            Prefetch("contacts", queryset=contacts),
        )
        for offer in offers:  # the codes as the cards have them
            offer.language_codes = in_list_order(item.code for item in offer.languages.all())
        return self.hits(found, offers)

    def hits(self, found: list[Found], offers) -> list[Hit]:
        by_id = {offer.pk: offer for offer in offers}
        hits = []
        for item in found:
            offer = by_id.get(item.offer_id)
            if offer is None:  # removed since it was found
                continue
            places = {place.pk: place for place in offer.locations.all()}
            shown = [places[pk] for pk in item.places or places if pk in places]
            hits.append(
                Hit(
                    offer=offer,
                    location=shown[0] if shown else None,
                    distance_km=item.distance_km,
                    freshness=freshness(offer.checked_on, self.today),
                    locations=shown,
                )
            )
        return hits


def find_offers(
    search: OfferSearch,
    *,
    for_parents: bool,
    region_ids=None,
    now: datetime | None = None,
    cards: bool = False,
) -> Results:
    """The offers matching ``search``, nearest first (by phone or online and without a place:
    by name), for a paginator. Found with few columns first; details are loaded by page (with
    ``cards``: what the result cards show, in one query)."""
    now = timezone.localtime(now)
    offers = visible_offers(for_parents=for_parents, today=now.date(), region_ids=region_ids)
    if search.need:
        offers = offers.filter(
            Exists(
                Offer.needs.through.objects.filter(
                    offer_id=OuterRef("pk"), need__code__in=with_narrower(search.need)
                )
            )
        )
    if search.language:
        offers = offers.filter(
            Exists(OfferLanguage.objects.filter(offer_id=OuterRef("pk"), code=search.language))
        )
    if search.point is not None:
        found, offers = _found_near(search, offers)
    else:
        places = ServiceAtLocation.objects.all()
        if search.step_free:
            places = places.filter(location__step_free=True)
            offers = offers.filter(pk__in=places.values("offer_id"))
        found = {pk: Found(pk, name) for pk, name in offers.values_list("pk", "name")}
        if search.step_free:  # the step-free places of each, in no order (no distances)
            for item in found.values():
                item.places = {}
            pairs = places.filter(offer_id__in=list(found)).values_list("offer_id", "location_id")
            for offer_id, location_id in pairs:
                found[offer_id].places[location_id] = None
    if search.open_now:
        found = _open_now(found, offers, now)
    return Results(
        sorted(found.values(), key=Found.order),
        for_parents=for_parents,
        today=now.date(),
        cards=cards,
    )


def _found_near(search: OfferSearch, offers) -> tuple[dict, object]:
    """The offers of ``offers`` at a place within the radius (step-free, if asked) and, unless
    step-free access is asked, those by phone or online in the regions of the places near;
    each with its places within the radius, nearest first. Two queries: the places in the box
    around the point (by the index on the coordinates), then the offers with their places in
    the box or reachable by phone — no list of ids is sent."""
    distances = locations_within(search.point, search.radius_km)
    box = bounding_box(search.point, search.radius_km)
    near = offers.filter(
        *[Q((f"at_locations__location__{lookup}", value)) for lookup, value in box.children],
        **({"at_locations__location__step_free": True} if search.step_free else {}),
    )
    rows = (
        near.order_by()
        .annotate(place=F("at_locations__location_id"))
        .values_list("pk", "name", "place")
    )
    matching = near
    if not search.step_free:  # by phone or online: found in the regions of the places near
        reach = distances or locations_within(search.point, ONLINE_REACH_KM)
        regions = {region_id for _distance, region_id in reach.values()}
        by_phone = offers.filter(online=True, region_id__in=regions).order_by()
        rows = rows.union(
            by_phone.annotate(place=Value(None, output_field=UUIDField())).values_list(
                "pk", "name", "place"
            ),
            all=True,
        )
        matching = near | by_phone
    found = {}
    for pk, name, location_id in rows:
        place = distances.get(location_id)
        if place is None and location_id is not None:
            continue  # in the box, but farther than the radius
        item = found.setdefault(pk, Found(pk, name, places={}))
        if place is not None:
            item.places[location_id] = place[0]
    for item in found.values():
        item.places = dict(sorted(item.places.items(), key=lambda place: place[1]))
    return found, matching


def search_offers(
    search: OfferSearch,
    *,
    for_parents: bool,
    region_ids=None,
    now: datetime | None = None,
    limit: int | None = None,
) -> list[Hit]:
    """The offers matching ``search`` with their details, nearest first (without a place: by
    name); at most ``limit``."""
    results = find_offers(search, for_parents=for_parents, region_ids=region_ids, now=now)
    return results[:limit] if limit else results[:]


def _open_now(found: dict, offers, now: datetime) -> dict:
    """The offers of ``found`` open at ``now``: by a schedule for all its places or for one of
    the places found. The hours and dates are compared in SQL; only the rules of the schedules
    open at this hour are read."""
    moment = now.replace(tzinfo=None)
    day, clock = moment.date(), moment.time()
    schedules = (
        Schedule.objects.filter(
            offer__in=offers.values("pk"), opens_at__lte=clock, closes_at__gt=clock
        )
        .exclude(valid_from__gt=day)
        .exclude(valid_to__lt=day)
        .only("offer_id", "location_id", "rrule", "opens_at", "closes_at", "valid_from", "valid_to")
    )
    open_ = set()
    for schedule in schedules:
        item = found.get(schedule.offer_id)
        if item is None or item.offer_id in open_:
            continue
        if (
            schedule.location_id is not None
            and item.places
            and schedule.location_id not in item.places
        ):
            continue
        if is_open(schedule, moment):
            open_.add(item.offer_id)
    return {pk: item for pk, item in found.items() if pk in open_}


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
        offers = named_like(offers, query)
    return offers.select_related("keeper", "organization").prefetch_related("needs")


def named_like(offers, text: str):
    """Offers whose name holds ``text``: as entered (German) or in the active language.
    (modeltranslation turns ``name`` into the active language's column alone.)"""
    text = text.strip()
    languages = {settings.LANGUAGE_CODE, get_language() or settings.LANGUAGE_CODE}
    known = {code for code, _label in settings.LANGUAGES}
    match = Q()
    for code in languages & known:
        match |= Q(**{f"name_{code}__icontains": text})
    return offers.filter(match)


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
