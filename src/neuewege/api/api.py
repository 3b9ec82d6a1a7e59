"""The NinjaAPI instance under /api/v1/. Every error is a JSON problem of one shape:
``{"detail": str, "errors": [{"field": str | None, "message": str}]}``."""

import re
import sys

import ninja.openapi.schema
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.signals import got_request_exception
from django.http import Http404
from django.utils.log import log_response
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.schema import NinjaGenerateJsonSchema

from neuewege.core.api import router as core_router
from neuewege.core.api_types import FIVE_DIGITS, NO_NUL, WEB_ADDRESS
from neuewege.core.errors import DomainError
from neuewege.events.services.booking import PHONE

from .auth import ApiTokenAuth, StaffSessionAuth


class ComponentNames(NinjaGenerateJsonSchema):
    """Names each component of the OpenAPI document by its class's qualified name without the
    module: ``Institution.Kind`` becomes ``InstitutionKind``, ``Registration.Status``
    ``RegistrationStatus``. Pydantic names them by the bare class name (``Kind``, ``Status``),
    and ninja builds every operation's schema on its own and merges the components by name, so
    the nested choices of different models overwrote one another (django-ninja #537, #1367)."""

    def get_defs_ref(self, core_mode_ref):
        core_ref, mode = core_mode_ref
        return super().get_defs_ref((QUALIFIED_TYPE.sub(without_module, core_ref), mode))


# A type in pydantic's reference: ``neuewege.core.models.Institution.Kind:140234…``
QUALIFIED_TYPE = re.compile(r"([\w.]+)(:\d+)")


def without_module(match: re.Match) -> str:
    """``neuewege.core.models.Institution.Kind:1`` → ``neuewege.core.models.InstitutionKind:1``
    (pydantic keeps what follows the last dot)."""
    parts = match[1].split(".")
    for cut in range(len(parts) - 1, 0, -1):
        if ".".join(parts[:cut]) in sys.modules:
            return ".".join(parts[:cut]) + "." + "".join(parts[cut:]) + match[2]
    return match[0]


# ninja's OpenAPI builder takes its schema generator from this module attribute.
ninja.openapi.schema.NinjaGenerateJsonSchema = ComponentNames


class SignedInSwagger(Swagger):
    """The docs page, served from the bundled static files (ninja is in INSTALLED_APPS), for
    signed-in users only; the OpenAPI document itself is public."""

    def render_page(self, request, api, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().render_page(request, api, **kwargs)


class Api(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """Name each component's title as the component, and declare the problem responses each
        operation can give, with the problem shape."""
        schema = super().get_openapi_schema(**kwargs)
        components = schema["components"].setdefault("schemas", {})
        for name, component in components.items():
            component["title"] = name  # some client generators name the type by its title
        components["Problem"] = PROBLEM_SCHEMA
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation["responses"]
                for status in problem_statuses(operation):
                    responses.setdefault(status, {"description": PROBLEMS[status]})
                for status, response in responses.items():
                    if int(status) >= 400:
                        response["content"] = {"application/json": {"schema": PROBLEM_REF}}
        return schema


PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEMS = {
    400: "The body is not readable JSON",
    401: "No valid API token: `Authorization: Bearer nw_…`",
    403: "Not allowed for your role, or (with the signed-in session) no CSRF token",
    404: "Not found, or not in your regions",
    422: "Invalid input: each problem named at its field. Rules the schema cannot state "
    "(dates in order, records of your regions, rules of the domain) are in the descriptions",
    429: "Too many wrong API tokens from your address: no token is checked from there for a "
    "while (`Retry-After` says how long)",
}


def problem_statuses(operation) -> list[int]:
    """The problems an operation can answer with, from what it takes."""
    statuses = [400] if "requestBody" in operation else []
    if "security" in operation:
        statuses += [401, 403, 429]
    parameters = {parameter["in"] for parameter in operation.get("parameters", [])}
    if "path" in parameters:
        statuses.append(404)
    if parameters or "requestBody" in operation:
        statuses.append(422)
    return statuses


PATTERN_MESSAGES = {
    NO_NUL: gettext_lazy("Text must not contain NUL characters."),
    FIVE_DIGITS: gettext_lazy("Give five digits."),
    WEB_ADDRESS: gettext_lazy("Enter a valid URL."),
    PHONE.pattern: gettext_lazy("Enter a phone number with digits only, like 0170 1234567."),
}

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
    errors = {}
    for item in error.errors:  # a union's members each report: the first one speaks for them
        field, message = validation_item(item)
        errors.setdefault(field, message)
    return problem(
        request,
        422,
        _("The request is invalid."),
        [{"field": field, "message": message} for field, message in errors.items()],
    )


def validation_item(item):
    """A pydantic error as a field and a message. Its location starts with the source
    (``body``, ``query``, ``path``); in the body follows the parameter name ``payload``. Names
    of a union's members (``literal['']``, ``function-after[…]``) are no fields."""
    location = [
        str(part)
        for part in item.get("loc", ())[1:]
        if isinstance(part, int) or str(part).isidentifier()
    ]
    if location[:1] == ["payload"]:
        location = location[1:]
    return ".".join(location) or None, validation_message(item)


def validation_message(item) -> str:
    """pydantic's message in words for people, in the request's language, for the errors the
    schema's rules give; others as pydantic words them."""
    kind, context = item.get("type", ""), item.get("ctx", {})
    if kind == "value_error" and "error" in context:
        return str(context["error"])  # our validators' own (translated) message
    if kind == "string_pattern_mismatch":
        message = PATTERN_MESSAGES.get(context.get("pattern"), _("This value has the wrong form."))
        return str(message)
    if kind == "string_too_short" and context.get("min_length") == 1:
        return _("This field cannot be empty.")
    messages = {
        "missing": _("This field is required."),
        "string_too_long": _("At most %(max_length)s characters."),
        "too_long": _("At most %(max_length)s entries."),
        "less_than_equal": _("At most %(le)s."),
        "greater_than_equal": _("At least %(ge)s."),
        "enum": _("Choose one of: %(expected)s."),
        "literal_error": _("Choose one of: %(expected)s."),
        "int_parsing": _("Give a whole number."),
        "int_type": _("Give a whole number."),
        "date_parsing": _("Give a date as YYYY-MM-DD."),
        "date_from_datetime_parsing": _("Give a date as YYYY-MM-DD."),
        "datetime_parsing": _("Give a time as in 2026-05-04T09:30."),
        "datetime_from_date_parsing": _("Give a time as in 2026-05-04T09:30."),
    }
    if kind in messages:
        try:
            return messages[kind] % context
        except (KeyError, TypeError, ValueError):
            pass
    return item.get("msg", "")


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
api.add_router("/", "neuewege.trainings.api.router")
api.add_router("/", "neuewege.coverage.api.router")
api.add_router("/", "neuewege.agreements.api.router")
api.add_router("/", "neuewege.navigator.api.router")
api.add_router("/", "neuewege.navigator.hsds_api.router")
api.add_router("/", "neuewege.api.exports.router")
