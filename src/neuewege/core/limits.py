"""Limits on what anyone may send without an account: bookings, cancellations, survey answers,
barrier reports. One client address (core/clients.py) — and, for bookings, one contact — gets a
number of attempts per window; beyond that the page says "too many attempts" (429) and nothing
is done. Staff who register parents by phone are signed in and never limited. Public forms also
carry a field that only scripts fill in (``TrapMixin``).

The same counters limit guessing of the secrets besides the password (the password itself is
counted by the sign-in throttling, core/signin.py): API tokens, set-password links and codes of
the second factor. There only wrong secrets are counted (``hit`` after the check failed), and
once an address has used up its rate, ``waiting`` refuses every attempt from it — the right
secret too, so that a refusal tells nothing — until the window ends.

Counters live in the cache (with NEUEWEGE_CACHE_URL in the Redis all app servers share, so a
client cannot spread its attempts over workers) under a keyed hash: the cache holds no address
and no contact in clear. Fixed windows: a counter starts with the first attempt and ends after
the window.
"""

from dataclasses import dataclass
from functools import wraps

from django import forms
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .clients import client_ip


@dataclass(frozen=True)
class Rate:
    attempts: int
    seconds: int


# Generous for people (a family booking three events, a parent correcting a typo, several
# parents behind one shelter's or family centre's connection), far too few for a script.
RATES = {
    "booking": (Rate(10, 600), Rate(40, 86400)),  # per address
    "booking-contact": (Rate(5, 3600),),  # per e-mail address or phone number
    # the booking form's step, which says whether a contact is booked already: per address
    "booking-form": (Rate(20, 600), Rate(80, 86400)),
    "cancel": (Rate(20, 600),),
    "survey": (Rate(20, 600),),
    "barrier-report": (Rate(5, 600), Rate(20, 86400)),
    # Wrong secrets per client address: a person mistypes a few times, a script thousands.
    "api-token": (Rate(20, 300),),  # wrong, revoked or unknown bearer tokens
    "set-password-link": (Rate(20, 900),),  # wrong, used or expired invitation links
    "second-factor-code": (Rate(10, 900),),  # wrong codes, at whichever account
}


def _counters(name: str, who: str) -> dict[str, Rate]:
    subject = salted_hmac("neuewege.limits", f"{name}\n{who}").hexdigest()[:32]
    return {f"limit:{name}:{rate.seconds}:{subject}": rate for rate in RATES[name]}


def hit(name: str, who: str) -> int | None:
    """Count one attempt of ``who`` at ``name``. Returns the seconds to wait when one of the
    rates is exceeded, else None."""
    counters = _counters(name, who)
    wait = None
    for count, rate in zip(_count(counters), counters.values(), strict=True):
        if count > rate.attempts:
            wait = max(wait or 0, rate.seconds)
    return wait


def _count(counters: dict[str, Rate]) -> list[int]:
    """One more on each counter (a new one starts with its window); the new values. With Redis
    all counters of a name in one round trip and atomically: ``SET key 0 EX window NX`` and
    ``INCR`` in one transaction, so a counter never outlives its window. (This is on the path
    of every public write: a booking rush counts 300 of them at the same moment.)"""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):
        pipeline = backend._cache.get_client(write=True).pipeline(transaction=True)
        for key, rate in counters.items():
            stored = backend.make_and_validate_key(key)
            pipeline.set(stored, 0, ex=rate.seconds, nx=True)
            pipeline.incr(stored)
        return pipeline.execute()[1::2]
    counts = []
    for key, rate in counters.items():
        backend.add(key, 0, timeout=rate.seconds)
        try:
            counts.append(backend.incr(key))
        except ValueError:  # expired between add and incr: a new window
            backend.add(key, 1, timeout=rate.seconds)
            counts.append(1)
    return counts


def waiting(name: str, who: str) -> int | None:
    """Without counting: the seconds to wait when ``who`` has used up one of the rates of
    ``name`` (for checks that count only failures with ``hit``), else None. Requests that
    arrive together may all pass before their failures are counted: a burst gets at most as
    many extra attempts as the servers handle at once, once per window."""
    counters = _counters(name, who)
    counts = cache.get_many(list(counters))
    wait = None
    for key, rate in counters.items():
        if counts.get(key, 0) >= rate.attempts:
            wait = max(wait or 0, rate.seconds)
    return wait


def too_many(request, wait: int, template: str):
    """The friendly answer beyond a limit, in the page's language (``template`` shows a title
    and a text, like the parents' message pages)."""
    response = render(
        request,
        template,
        {
            "title": _("Too many attempts"),
            "text": _(
                "This form was sent too often from your connection. Nothing was changed. "
                "Please try again later. If you need help now, call the family centre."
            ),
            "alert": "warning",
        },
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


def limit_posts(name: str, template: str):
    """A view whose POSTs count against ``name`` per client address; beyond the limit the
    page ``template`` says so instead of the view."""

    def decorate(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            if request.method == "POST":
                wait = hit(name, client_ip(request))
                if wait:
                    return too_many(request, wait, template)
            return view(request, *args, **kwargs)

        return limited

    return decorate


TRAP = "homepage"


class TrapInput(forms.TextInput):
    """Never shows a value again: a person who was refused sends the form once more."""

    def __init__(self):
        super().__init__(attrs={"autocomplete": "off", "tabindex": "-1"})

    def format_value(self, value):
        return None


class TrapMixin:
    """Forms anyone may send without an account: a field that people never see (the style sheet
    hides it; it is out of the tab order) and that form-filling scripts fill in. A form with it
    filled in is refused as a whole."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        trap = forms.CharField(
            label=_("Leave this field empty"), required=False, widget=TrapInput()
        )
        trap.template_name = "forms/trap_field.html"
        self.fields[TRAP] = trap

    def clean(self):
        data = super().clean()
        if data.get(TRAP):
            raise forms.ValidationError(
                _("Your answers could not be sent. Please check them and send them again.")
            )
        return data
