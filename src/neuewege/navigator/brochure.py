"""The Lotsenbroschüre of a family centre: the help around it for parents, made on demand from
the current directory (so it always shows what is current). For a radius, a parent language and
a page size (A4, or A5 to fold into a booklet): the centre, the offers within the radius grouped
by the top needs of the taxonomy (name, what, where, when, phone, languages, a QR code to the
online entry), the centre's upcoming events and the §4 contacts of its Jugendamt district
(public numbers only). Offers out of date for a year are left out, as on the parents' pages."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from neuewege.core.models import Institution
from neuewege.events.search import postcode_point
from neuewege.events.selectors import upcoming_public_events

from . import childcare
from .languages import language_label
from .models import Offer
from .schedules import describe
from .selectors import RADII_KM, Hit, OfferSearch, find_offers
from .taxonomy import TERMS, label, with_narrower

SIZES = ("A4", "A5")
MAX_EVENTS = 12
PER_NEED = 6  # the nearest offers of each need; the others online (a QR code to the search)


def offer_url(offer_id) -> str:
    """The absolute address of an offer's online entry (the parents' page ``/hilfe/<id>/``)."""
    return settings.BASE_URL + reverse("public-offer-detail", args=[offer_id])


def qr_svg(url: str) -> str:
    """A QR code to ``url`` as inline SVG (the PDF fetches nothing, not even a data: URL)."""
    return segno.make(url, error="m").svg_inline(
        scale=2, border=2, title=_("QR code to %(url)s") % {"url": url}
    )


@dataclass
class Entry:
    hit: Hit
    url: str
    qr: str
    hours: list[str]
    languages: list[str]


@dataclass
class Group:
    code: str
    label: str
    entries: list[Entry] = field(default_factory=list)
    more: int = 0  # offers of this need within the radius beyond the printed ones
    more_url: str = ""
    more_qr: str = ""


@dataclass
class Brochure:
    centre: Institution
    radius_km: int
    language: str
    size: str
    groups: list[Group]
    events: list
    district: object  # ChildcareDistrict or None
    made_on: object

    @property
    def filename(self) -> str:
        return f"lotsenbroschuere-{self.centre.pk}-{self.language}-{self.size.lower()}.pdf"


def centre_point(centre: Institution):
    if centre.latitude is not None and centre.longitude is not None:
        return float(centre.latitude), float(centre.longitude)
    return postcode_point(centre.postcode)


def collect(centre: Institution, *, radius_km: int, language: str, size: str) -> Brochure:
    """The brochure's content, with its texts in ``language``."""
    if radius_km not in RADII_KM:
        raise ValueError(radius_km)
    with translation.override(language):
        point = centre_point(centre)
        found = (
            find_offers(OfferSearch(point=point, radius_km=radius_km), for_parents=True)
            if point
            else None
        )
        items = found.found if found is not None else []  # nearest first
        tops = [term for term in TERMS if term.parent is None]
        groups = {term.code: Group(term.code, str(label(term.code))) for term in tops}
        top_of = {code: term.code for term in tops for code in with_narrower(term.code)}
        needs = {}  # offer → its top needs, in the order of the taxonomy
        for offer_id, code in Offer.needs.through.objects.filter(
            offer_id__in=[item.offer_id for item in items]
        ).values_list("offer_id", "need__code"):
            if code in top_of:
                needs.setdefault(offer_id, set()).add(top_of[code])
        chosen = {}  # offer → its group: the nearest PER_NEED of each need, under its first need
        for item in items:
            top = next(
                (term.code for term in tops if term.code in needs.get(item.offer_id, ())), None
            )
            if top is None:
                continue
            if sum(1 for group in chosen.values() if group == top) < PER_NEED:
                chosen[item.offer_id] = top
            else:
                groups[top].more += 1
        for hit in (
            found.load([item for item in items if item.offer_id in chosen]) if chosen else []
        ):
            top = chosen[hit.offer.pk]
            url = offer_url(hit.offer.pk)
            groups[top].entries.append(
                Entry(
                    hit,
                    url,
                    qr_svg(url),
                    [describe(schedule) for schedule in hit.offer.schedules.all()],
                    [str(language_label(code)) for code in hit.offer.language_codes],
                )
            )
        for group in groups.values():
            if group.more:
                query = urlencode(
                    {"bedarf": group.code, "plz": centre.postcode, "radius": radius_km}
                )
                group.more_url = f"{settings.BASE_URL}{reverse('public-offer-search')}?{query}"
                group.more_qr = qr_svg(group.more_url)
        events = list(
            upcoming_public_events(region=centre.region).filter(family_centre=centre)[:MAX_EVENTS]
        )
        district = None
        if centre.youth_welfare_office_id:
            district = childcare.district_of_youth_office(centre.youth_welfare_office)
        if district is None:
            responsible = childcare.district_for(centre.postcode)
            district = responsible.district if responsible else None
    return Brochure(
        centre=centre,
        radius_km=radius_km,
        language=language,
        size=size,
        groups=[group for group in groups.values() if group.entries],
        events=events,
        district=district,
        made_on=timezone.localdate(),
    )
