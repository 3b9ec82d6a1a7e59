"""What every app's ``api.py`` builds on: the access of a request, the types of input and
output (ids, dates, texts, names, e-mail and web addresses), the pagination and the call of a
service whose field errors come back under the API's names. The API layer (``neuewege.api``: the
NinjaAPI instance, authentication, the problem responses) sits above the apps; they import these
from here, never from it."""

from datetime import date, datetime
from functools import cache
from operator import attrgetter
from types import NoneType
from typing import Annotated, get_args

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Schema
from ninja.pagination import PageNumberPagination
from pydantic import AfterValidator, BaseModel, field_validator, model_validator

from .access import VIEW, Access, access_for
from .errors import DomainError, ValidationFailed


def api_access(request) -> Access:
    """The access of the caller: the API token's account, or the signed-in session's."""
    return access_for(request.auth if request.auth is not None else request.user)


# Kreisschlüssel and postcode: five digits (0-9: a regex's \d may take other scripts' digits).
# Checked before any query, so odd input never reaches the database.
FIVE_DIGITS = r"^[0-9]{5}$"
KREISSCHLUESSEL = {
    "pattern": FIVE_DIGITS,
    "description": "Kreisschlüssel (5 digits)",
    "examples": ["05170"],  # Kreis Wesel
}
RegionKey = Annotated[str, Field(**KREISSCHLUESSEL)]
RegionKeyPath = Annotated[str, Path(**KREISSCHLUESSEL)]
# An id fits a 64-bit integer; larger numbers would overflow the database's integer.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
PathId = Annotated[int, Path(ge=1, le=2**63 - 1)]


# Dates outside these years are typing errors; they would also overflow when converted to UTC.
# JSON Schema has no minimum for dates: the pattern states the years.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
YEARS = r"^20\d\d-"
Day = Annotated[date, Field(ge=EARLIEST, le=LATEST, json_schema_extra={"pattern": YEARS})]

# Text. PostgreSQL stores no NUL character, and a name needs more than the characters Python's
# strip() removes (\x1c-\x1f among them, though not in every regex engine's \s).
NO_NUL = r"^[^\x00]*$"
BLANK = r"^[\s\x1c-\x1f]*$"


def Text(max_length: int):
    """Text of at most ``max_length`` characters (the model's), possibly empty."""
    return Annotated[str, Field(max_length=max_length, pattern=NO_NUL)]


def not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError(_("This field cannot be empty."))
    return value


def Name(max_length: int):
    """Text that says something: not empty, not only spaces."""
    return Annotated[
        str,
        Field(
            min_length=1,
            max_length=max_length,
            pattern=NO_NUL,
            json_schema_extra={"not": {"pattern": BLANK}},
        ),
        AfterValidator(not_blank),
    ]


def checked_by(validator):
    """A Django validator (the model's rule) as a pydantic one: refused before the service."""

    def check(value):
        try:
            validator(value)
        except DjangoValidationError as error:
            raise ValueError(error.messages[0]) from error
        return value

    return AfterValidator(check)


Email = Annotated[
    str,
    Field(max_length=254, json_schema_extra={"format": "email"}),
    checked_by(validate_email),
]
WEB_ADDRESS = r"^(?:[hH][tT][tT][pP][sS]?|[fF][tT][pP][sS]?)://[^\s\x00]+$"
WebAddress = Annotated[
    str,
    Field(max_length=200, pattern=WEB_ADDRESS),
    Field(json_schema_extra={"format": "uri"}),
    checked_by(URLValidator()),
]
Postcode = Annotated[str, Field(max_length=5, pattern=FIVE_DIGITS, description="Five digits")]


def local_time(value: datetime) -> datetime:
    """A time within the years above; without an offset, a local time (Europe/Berlin)."""
    if not EARLIEST <= value.date() <= LATEST:
        raise ValueError(_("Give a date between 2000 and 2099."))
    if timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_default_timezone())
    return value


LocalTime = Annotated[
    datetime, AfterValidator(local_time), Field(json_schema_extra={"pattern": YEARS})
]


def service_caller(api_field_names: dict[str, str]):
    """Calls a service; its field errors come back under the names the API uses."""

    def call(service, **kwargs):
        try:
            return service(**kwargs)
        except DomainError as error:
            error.errors = {
                api_field_names.get(name, name): messages for name, messages in error.errors.items()
            }
            raise

    return call


class Page(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=10**6)
        page_size: int = Field(50, ge=1, le=200)

    def __init__(self, **kwargs):
        super().__init__(page_size=50, max_page_size=200, **kwargs)


class Input(BaseModel):
    """Input is a JSON object or query string (a plain pydantic model: ninja's ``Schema`` would
    also read attributes of any value, taking ``42`` for an empty object). Text with NUL
    characters is refused: PostgreSQL cannot store or compare it."""

    @field_validator("*", mode="before")
    @classmethod
    def null_only_where_allowed(cls, value, info):
        """``null`` for a field that cannot be empty (a change may clear others)."""
        if value is None and NoneType not in get_args(cls.model_fields[info.field_name].annotation):
            raise ValueError(_("This field cannot be empty."))
        return value

    @field_validator("*")
    @classmethod
    def no_nul_characters(cls, value):
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError(_("Text must not contain NUL characters."))
        return value


class Output(Schema):
    """An answer read from a record. Ninja's ``Schema`` reads a record field by field through a
    wrapper (``DjangoGetter``: a dotted alias such as ``region.key`` parsed as a template
    variable for every record); this one reads the fields straight from the record into a dict
    — a dotted alias follows the relations, a manager or queryset becomes a list, a method is
    called, a file gives its address, as there — and validates that in one pass. A schema with
    ``resolve_…`` methods, or a value that is no record, is read as ninja reads it."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        if isinstance(values, models.Model) and not cls._ninja_resolvers:
            return handler(read_record(cls, values))
        return super()._run_root_validator(values, handler, info)


@cache
def field_readers(schema) -> tuple:
    """The schema's fields as (key, reader): the alias (or name) pydantic looks up."""
    return tuple(
        (key, attrgetter(key))
        for key in (field.alias or name for name, field in schema.model_fields.items())
    )


def read_record(schema, record) -> dict:
    values = {}
    for key, read in field_readers(schema):
        try:
            value = read(record)
        except AttributeError:
            continue  # missing: pydantic reports it, or takes the field's default
        if isinstance(value, models.Manager):
            value = list(value.all())
        elif isinstance(value, models.QuerySet):
            value = list(value)
        elif callable(value):
            value = value()
        elif isinstance(value, FieldFile):
            value = value.url if value else None
        values[key] = value
    return values


def visible_region(access, key):
    if key is None:
        return None
    region = access.regions_by_key.get(key)
    if region is None:
        raise ValidationFailed({"region": _("Unknown region or not yours: %(key)s") % {"key": key}})
    return region


def permitted_region(access: Access, key: str, permission: str = VIEW):
    """The API's one dependency on the access policy: the region named in the path, when the
    caller has ``permission`` (a name of the table in ``core.access``) there; otherwise 404 —
    the API does not tell what lies beyond the caller's reach."""
    region = access.regions_by_key.get(key)
    if region is None or not access.has(permission, region):
        raise Http404
    return region
