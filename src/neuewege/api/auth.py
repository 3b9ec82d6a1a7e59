"""The one API dependency: who calls, and with which access."""

from ninja.security import HttpBearer, SessionAuth

from neuewege.core.access import Access, access_for
from neuewege.core.services import user_for_api_token


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer nw_…`` with a personal API token."""

    def authenticate(self, request, token):
        user = user_for_api_token(token)
        if user is not None:
            request.user = user
        return user


class StaffSessionAuth(SessionAuth):
    """The signed-in browser session, e.g. on the API docs page."""


def api_access(request) -> Access:
    return access_for(request.auth if request.auth is not None else request.user)
