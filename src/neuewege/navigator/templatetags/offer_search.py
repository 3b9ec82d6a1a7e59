"""What the directory's pages show of an offer: opening hours in words, language names, the
language of a translated text, a phone number to tap, a place on OpenStreetMap."""

import re
from urllib.parse import urlencode

from django import template
from django.utils.translation import get_language

from ..languages import language_label
from ..schedules import describe

register = template.Library()


@register.filter
def opening_hours(schedule) -> str:
    return describe(schedule)


@register.filter
def language_name(code: str) -> str:
    return str(language_label(code))


@register.filter
def content_lang(offer, field: str) -> str:
    """The language ``field`` of ``offer`` is shown in: the page's, or German where no
    translation was entered (so that screen readers pronounce it right)."""
    language = get_language()
    return language if getattr(offer, f"{field}_{language}", None) else "de"


@register.filter
def tel(phone: str) -> str:
    """A ``tel:`` address: the digits (and a leading +) of a phone number."""
    number = re.sub(r"[^\d+]", "", phone or "")
    return f"tel:{number[:1]}{number[1:].replace('+', '')}"


@register.filter
def map_url(location) -> str:
    """The place on openstreetmap.org (a link; no map is embedded)."""
    if location.latitude is not None and location.longitude is not None:
        lat, lon = f"{location.latitude:.5f}", f"{location.longitude:.5f}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    query = f"{location.street}, {location.postcode} {location.town}"
    return "https://www.openstreetmap.org/search?" + urlencode({"query": query})


@register.filter
def schedules_at(offer, location) -> list:
    """The offer's opening hours at ``location``: its own and those for all the offer's places."""
    return [s for s in offer.schedules.all() if s.location_id in (None, location.pk)]
