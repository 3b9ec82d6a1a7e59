from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from neuewege.core.api import router as core_router
from neuewege.core.errors import DomainError

from .auth import ApiTokenAuth, StaffSessionAuth

api = NinjaAPI(
    title="Neue Wege API",
    version="1",
    description=(
        "Master data of the cooperation between labour-market services and youth welfare. "
        "Authenticate with a personal API token (`Authorization: Bearer nw_…`), created under "
        "“API tokens” in the application. Every list is scoped to the regions of the token's "
        "account, exactly as in the application."
    ),
    auth=[ApiTokenAuth(), StaffSessionAuth()],
    urls_namespace="api",
)


def problem(request, status, detail, errors=None):
    body = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def domain_error(request, error: DomainError):
    errors = [
        {"field": field, "message": message}
        for field, messages in error.errors.items()
        for message in messages
    ]
    return problem(request, error.status_code, error.messages()[0] if errors else "", errors)


@api.exception_handler(ValidationError)
def validation_error(request, error: ValidationError):
    errors = [
        {
            "field": ".".join(str(part) for part in item.get("loc", [])[1:]) or None,
            "message": item.get("msg", ""),
        }
        for item in error.errors
    ]
    return problem(request, 422, "The request is invalid.", errors)


@api.exception_handler(AuthenticationError)
def authentication_error(request, error):
    return problem(request, 401, "Authentication required: send a valid API token.")


@api.exception_handler(Http404)
def not_found(request, error):
    return problem(request, 404, "Not found.")


api.add_router("/", core_router)
