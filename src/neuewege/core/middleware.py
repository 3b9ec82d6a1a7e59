import time
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from .access import PUBLIC


def parent_page(view):
    """Marks a view as a page for parents: shown in every language of LANGUAGES.
    Every other page is shown in the staff languages (German unless English is chosen)."""
    view.is_parent_page = True
    view.permission = getattr(view, "permission", None) or PUBLIC
    return view


class StaffLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "is_parent_page", False):
            return
        if translation.get_language() not in settings.STAFF_LANGUAGES:
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE


OWES_NOTHING = "neuewege.second_factor.owes_nothing"
OWES_NOTHING_SECONDS = 300
# Pages a session may open before its second factor is passed (besides the one step it owes).
BEFORE_SECOND_FACTOR = {"logout", "set_language", "healthz"}


def second_factor_step(user) -> str | None:
    """The step a signed-in session still owes: ``"verify"`` (a code from the account's app or
    a recovery code), ``"setup"`` (an account that must use a factor and has none) or None."""
    from .access import access_for
    from .services import confirmed_factors

    if not user.is_authenticated or user.is_verified():
        return None
    if confirmed_factors(user):
        return "verify"
    if access_for(user).must_use_second_factor:
        return "setup"
    return None


class SecondFactorMiddleware:
    """A password alone opens only the second-factor step: every other page (the admin's
    included) sends the session there first. The API refuses such sessions itself
    (``api.auth.StaffSessionAuth``); API tokens are a credential of their own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.url_name in BEFORE_SECOND_FACTOR:
            return None
        if match.namespace == "api":
            return None  # the API checks sessions itself
        user = request.user
        if not user.is_authenticated:
            return None
        # An account without a factor that needs none: remembered in the session for a few
        # minutes, so its pages do not look for devices on every request. A region that starts
        # to require the factor reaches its sessions within that time.
        remembered = request.session.get(OWES_NOTHING)
        if remembered and remembered[0] == user.pk and remembered[1] > time.time():
            return None
        step = second_factor_step(user)
        if step is None:
            if not user.is_verified():
                request.session[OWES_NOTHING] = (user.pk, time.time() + OWES_NOTHING_SECONDS)
            return None
        target = "second-factor-verify" if step == "verify" else "second-factor-setup"
        if match.url_name == target:
            request.owes_second_factor = True  # the page shell shows no menu
            return None
        url = reverse(target)
        next_url = request.get_full_path() if request.method == "GET" else ""
        if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts=None):
            url += "?" + urlencode({"next": next_url})
        return redirect(url)
