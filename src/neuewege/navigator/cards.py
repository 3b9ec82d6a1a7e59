"""What a result card of the directory's search shows, in one query: the offers of a page with
their organization and, as JSON arrays of the same rows, their languages, opening hours,
places and contacts (for parents the public ones only). The arrays are turned into the model
instances the cards and ``Hit`` read (``offer.schedules.all()`` and the like answer from them,
as after ``prefetch_related``), in the order of each model's ``Meta.ordering`` (sorted here: the
databases' collation is by code point, as Python's)."""

import uuid
from datetime import date, time
from functools import lru_cache

from django.db.models import Aggregate, JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject

from .languages import in_list_order
from .models import Contact, Location, Offer, OfferLanguage, Schedule, ServiceAtLocation


class JSONList(Aggregate):
    """The values of the group's rows as one JSON array (PostgreSQL ``JSONB_AGG``, SQLite
    ``JSON_GROUP_ARRAY``), in no particular order."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def _listed(rows, **fields):
    """The rows of ``rows`` (a queryset filtered to the outer offer) as a JSON array of
    objects with ``fields``."""
    array = rows.order_by().values("offer").annotate(items=JSONList(JSONObject(**fields)))
    return Subquery(array.values("items"), output_field=JSONField())


def card_offers(offer_ids, for_parents: bool) -> list[Offer]:
    """The offers of ``offer_ids`` with what their cards show (one query)."""
    loaded = list(_card_query(for_parents).filter(pk__in=list(offer_ids)))
    for offer in loaded:
        offer.language_codes = in_list_order(row["code"] for row in offer.card_languages or [])
        schedules = [_schedule(offer, row) for row in offer.card_schedules or []]
        _prefetched(offer, "schedules", Schedule, schedules, key=lambda item: item.opens_at)
        places = [_location(row) for row in offer.card_places or []]
        _prefetched(offer, "locations", Location, places, key=lambda item: (item.town, item.street))
        contacts = [_contact(offer, row) for row in offer.card_contacts or []]
        _prefetched(
            offer, "contacts", Contact, contacts, key=lambda item: (item.internal, item.name)
        )
        del offer.card_languages, offer.card_schedules, offer.card_places, offer.card_contacts
    return loaded


@lru_cache(maxsize=2)
def _card_query(for_parents: bool):
    """The query of the cards without the offers' ids, put together once (the annotations take
    longer to put together than to run); each use filters a copy."""
    contacts = Contact.objects.filter(offer=OuterRef("pk"))
    if for_parents:
        contacts = contacts.filter(internal=False)
    return (
        Offer.objects.select_related("organization")
        .order_by()
        .annotate(
            card_languages=_listed(OfferLanguage.objects.filter(offer=OuterRef("pk")), code="code"),
            card_schedules=_listed(
                Schedule.objects.filter(offer=OuterRef("pk")),
                id="id",
                location_id="location_id",
                rrule="rrule",
                opens_at="opens_at",
                closes_at="closes_at",
                valid_from="valid_from",
                valid_to="valid_to",
                description="description",
            ),
            card_places=_listed(
                ServiceAtLocation.objects.filter(offer=OuterRef("pk")),
                id="location_id",
                name="location__name",
                street="location__street",
                postcode="location__postcode",
                town="location__town",
                transportation="location__transportation",
                step_free="location__step_free",
            ),
            card_contacts=_listed(
                contacts,
                id="id",
                name="name",
                title="title",
                email="email",
                phone="phone",
                internal="internal",
            ),
        )
    )


def _prefetched(offer, name, model, items, *, key):
    """``offer.<name>.all()`` answers ``items`` (sorted by ``key``), as after a prefetch."""
    queryset = model._default_manager.none()
    queryset._result_cache = sorted(items, key=key)
    queryset._prefetch_done = True
    if not hasattr(offer, "_prefetched_objects_cache"):
        offer._prefetched_objects_cache = {}
    offer._prefetched_objects_cache[name] = queryset


def _schedule(offer, row) -> Schedule:
    return Schedule(
        id=_uuid(row["id"]),
        offer_id=offer.pk,
        location_id=_uuid(row["location_id"]),
        rrule=row["rrule"],
        opens_at=_time(row["opens_at"]),
        closes_at=_time(row["closes_at"]),
        valid_from=_date(row["valid_from"]),
        valid_to=_date(row["valid_to"]),
        description=row["description"],
    )


def _location(row) -> Location:
    """A place with what the cards show (not its coordinates nor its accessibility text)."""
    return Location(
        id=_uuid(row["id"]),
        name=row["name"],
        street=row["street"],
        postcode=row["postcode"],
        town=row["town"],
        transportation=row["transportation"],
        step_free=bool(row["step_free"]),
    )


def _contact(offer, row) -> Contact:
    return Contact(
        **row | {"id": _uuid(row["id"]), "internal": bool(row["internal"])}, offer_id=offer.pk
    )


def _uuid(value):
    return uuid.UUID(value) if value else None


def _time(value):
    return time.fromisoformat(value) if value else None


def _date(value):
    return date.fromisoformat(value) if value else None
