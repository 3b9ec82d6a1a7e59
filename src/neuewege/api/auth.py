"""Who calls: a personal API token or the signed-in session. The access of the caller is
``neuewege.core.api_types.api_access``, which the apps' routers use."""

from contextlib import suppress

from auditlog.context import auditlog_value
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from neuewege.core import limits
from neuewege.core.clients import client_ip
from neuewege.core.middleware import second_factor_step
from neuewege.core.services import user_for_api_token


class TooManyWrongTokens(HttpError):
    def __init__(self, wait: int):
        super().__init__(
            429,
            _(
                "Too many wrong API tokens were sent from your address. No token is checked "
                "from it for a while: try again in %(minutes)d minutes."
            )
            % {"minutes": -(-wait // 60)},
        )
        self.wait = wait


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer nw_…`` with a personal API token. Wrong tokens count per client
    address ("api-token" in core/limits.py); beyond the limit every token from that address is
    answered 429 for a while, a valid one too. Other addresses are not affected."""

    def authenticate(self, request, token):
        address = client_ip(request)
        wait = limits.waiting("api-token", address)
        if wait:
            raise TooManyWrongTokens(wait)
        user = user_for_api_token(token)
        if user is None:
            limits.hit("api-token", address)
            return None
        request.user = user
        record_actor(user)
        return user


class StaffSessionAuth(SessionAuth):
    """The signed-in browser session, e.g. on the API docs page. Writes need the CSRF token."""

    def __call__(self, request):
        # Without a signed-in session there is nothing to check: the caller gets 401, not a
        # CSRF failure (403). A session that still owes its second factor is not signed in.
        if not request.user.is_authenticated or second_factor_step(request.user) is not None:
            return None
        return super().__call__(request)


def record_actor(user):
    """The audit log's middleware ran before the token was read: name the token's account as
    the actor of the changes this request makes."""
    with suppress(LookupError):
        auditlog_value.get()["actor"] = user
