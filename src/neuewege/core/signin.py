"""Signing in: how failed attempts are counted and what a locked-out person sees.

django-axes counts failures in the database (shared by every app server) per account and client
address; ``settings.py`` names the functions of this module:

- ``throttled_username``: the account, normalised the way signing in finds it
  (``User.normalize_username``), whatever form field the page posts it in.
- ``SignInAttempts``: one address gets ``AXES_FAILURE_LIMIT`` (8) failures at an account, then
  that address is locked out of that account for ``AXES_COOLOFF_TIME`` (15 minutes) whatever
  the password. Guessing one account from many addresses (credential stuffing, a botnet) is
  limited as well: after ``ACCOUNT_FAILURE_LIMIT`` failures from all addresses together the
  account is locked for every address. That second limit is five times the first on purpose:
  one address — a mistyping colleague, a stranger who knows the address — can never lock a
  person out, only a guessing run from at least five addresses can; and no lock is permanent:
  it ends 15 minutes after the last failure, with no administrator needed. So an account takes
  at most about 40 guesses per 15 minutes (< 4,000 a day) from anywhere, against passwords that
  the password policy keeps out of reach of such numbers (``core/passwords.py``) and, for
  coordinators and the state level, a second factor.
- ``locked_out``: the page for a locked-out attempt (status 429), saying when to try again.

The other secrets of an account — API tokens, set-password links, codes of the second factor —
are limited per client address by ``core.limits`` (``waiting``/``hit``); ``wait_page`` and
``retry_at`` say the same "try again after" there.
"""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

from .models import User

ACCOUNT_FAILURE_LIMIT = 40


def throttled_username(request, credentials) -> str:
    """AXES_USERNAME_CALLABLE: the account an attempt is about."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    return User.normalize_username(username or "")


class SignInAttempts(AxesDatabaseHandler):
    """AXES_HANDLER. With AXES_LOCKOUT_PARAMETERS ``[["username", "ip_address"], "username"]``
    axes finds the failures of this account from this address and from all addresses; the
    latter count against the higher limit (scaled onto AXES_FAILURE_LIMIT, the one limit axes
    compares with)."""

    def get_failures(self, request, credentials=None) -> int:
        from_here, from_anywhere = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        scaled = from_anywhere * settings.AXES_FAILURE_LIMIT // ACCOUNT_FAILURE_LIMIT
        return max(from_here, scaled)


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE. Every attempt while locked out starts the wait again, so the time
    to try again is the cool-off from now."""
    return wait_page(request, get_cool_off(request) or timedelta(minutes=15))


def wait_page(request, wait: timedelta, reason: str = ""):
    """The page for an attempt refused for a while (status 429), saying when to try again and
    why (``reason``; by default: signing in to this account failed too often)."""
    context = {
        "minutes": int(wait.total_seconds() // 60),
        "retry_at": retry_at(wait),
        "reason": reason,
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(int(wait.total_seconds()) + 60)
    return response


def retry_at(wait: timedelta):
    """The local time after which to try again, rounded up to the next full minute, so "after
    14:32" is never too early."""
    at = timezone.localtime(timezone.now() + wait) + timedelta(minutes=1)
    return at.replace(second=0, microsecond=0)
