"""The NinjaAPI instance under /api/v1/. Every error is a JSON problem of one shape:
``{"detail": str, "errors": [{"field": str | None, "message": str}]}``."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.signals import got_request_exception
from django.http import Http404
from django.utils.log import log_response
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from neuewege.core.api import router as core_router
from neuewege.core.errors import DomainError

from .auth import ApiTokenAuth, StaffSessionAuth


class SignedInSwagger(Swagger):
    """The docs page, served from the bundled static files (ninja is in INSTALLED_APPS), for
    signed-in users only; the OpenAPI document itself is public."""

    def render_page(self, request, api, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().render_page(request, api, **kwargs)


class Api(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """Declare the problem shape as every operation's 4XX response."""
        schema = super().get_openapi_schema(**kwargs)
        schema["components"].setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        response = {
            "description": "Problem",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["responses"].setdefault("4XX", response)
        return schema


PROBLEM_SCHEMA = {
    "title": "Problem",
    "type": "object",
    "required": ["detail", "errors"],
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    "message": {"type": "string"},
                },
            },
        },
    },
}

api = Api(
    title="Neue Wege API",
    version="1",
    description=(
        "Master data of the cooperation between labour-market services and youth welfare. "
        "Authenticate with a personal API token (`Authorization: Bearer nw_…`), created under "
        "“API tokens” in the application. Every list is scoped to the regions of the token's "
        "account, exactly as in the application. Errors are JSON objects with `detail` and "
        "`errors` (a list of `field` and `message`)."
    ),
    auth=[ApiTokenAuth(), StaffSessionAuth()],
    urls_namespace="api",
    docs=SignedInSwagger(settings={"validatorUrl": None}),
)


def problem(request, status, detail, errors=()):
    body = {"detail": str(detail), "errors": list(errors)}
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def domain_error(request, error: DomainError):
    errors = [
        {"field": None if field == NON_FIELD_ERRORS else field, "message": str(message)}
        for field, messages in error.errors.items()
        for message in messages
    ]
    return problem(request, error.status_code, errors[0]["message"] if errors else "", errors)


@api.exception_handler(ValidationError)
def validation_error(request, error: ValidationError):
    return problem(
        request, 422, _("The request is invalid."), [validation_item(item) for item in error.errors]
    )


def validation_item(item):
    """A pydantic error as a field error. Its location starts with the source (``body``,
    ``query``, ``path``); in the body follows the parameter name ``payload``."""
    location = [str(part) for part in item.get("loc", ())[1:]]
    if location[:1] == ["payload"]:
        location = location[1:]
    return {"field": ".".join(location) or None, "message": item.get("msg", "")}


@api.exception_handler(AuthenticationError)
def authentication_error(request, error):
    response = problem(request, 401, _("Authentication required: send a valid API token."))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def http_error(request, error: HttpError):
    """Unreadable bodies (400), CSRF failures of the session (403), throttling (429)."""
    response = problem(request, error.status_code, str(error))
    if getattr(error, "wait", None):
        response["Retry-After"] = str(error.wait)
    return response


@api.exception_handler(Http404)
def not_found(request, error):
    return problem(request, 404, _("Not found."))


@api.exception_handler(Exception)
def server_error(request, error):
    """A 500 is a bug: signalled and logged as Django does it, answered in the problem shape."""
    got_request_exception.send(sender=None, request=request)
    response = problem(request, 500, _("Internal server error."))
    log_response(
        "Internal Server Error: %s",
        request.path,
        response=response,
        request=request,
        exception=error,
    )
    return response


api.add_router("/", core_router)
api.add_router("/", "neuewege.events.api.router")
api.add_router("/", "neuewege.cooperation.api.router")
api.add_router("/", "neuewege.evaluation.api.router")
