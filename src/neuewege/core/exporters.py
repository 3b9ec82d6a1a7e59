"""Exporters: every file Neue Wege hands out (tables, reports, calendars, a parent's copy) is
declared here by the app that owns it, and served by one download path.

An app declares an ``Exporter`` in its ``AppConfig.ready`` (through ``register``): its name,
label, formats, how it finds what it exports within the account's reach (``find``), who may
download it (``allowed``), whether the file holds parents' personal data (``personal_data``:
the purpose written to the personal-data log) and how the file is made (``produce``, with the
writers of ``core.documents`` and ``core.calendars``). Core knows no capability: it holds the
registry and the path.

The one download path (``download``, behind the view ``export`` at ``/exports/<name>.<fmt>``
and the older addresses that stay as aliases; an API route is still to come):

1. an unknown exporter or format: 404;
2. signed in, unless the exporter is public (calendar files): else the login page (API: 401);
3. ``find``: not found, or outside the account's regions (``core.errors.NotFound``): 404;
   parameters that make no sense (``Invalid``): 400 with the reason;
4. ``allowed``: otherwise 403;
5. the file is made; for personal data the route — never the exporter — writes one
   personal-data log record per record the exporter names, then answers.
A refused download logs nothing.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed

from .access import Access, access_for
from .documents import CONTENT_TYPES
from .errors import NotFound
from .models import PersonalDataLog

Params = Mapping[str, str]


class Invalid(Exception):
    """The parameters make no sense (a filter out of range): 400 with this message."""


@dataclass(frozen=True)
class Target:
    """What ``find`` found: the region it belongs to (None: of no region), the records the
    personal-data log names, and whatever ``produce`` needs."""

    region_id: int | None = None
    records: Iterable = ()
    data: Any = None


@dataclass(frozen=True)
class Document:
    content: bytes
    filename: str
    content_type: str = ""
    inline: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Exporter:
    name: str
    label: Any  # a (lazy) text
    formats: tuple[str, ...]
    find: Callable[[Access, Params], Target]
    allowed: Callable[[Access, Target], bool]
    produce: Callable[[Target, str], Document]
    personal_data: Any = ""  # the log's purpose, may hold %(format)s; empty: no personal data
    public: bool = False  # no sign-in needed (calendar files; their own rules in ``find``)
    form_only: bool = False  # parameters only from a POST form (a parent's contact): never GET

    @property
    def has_personal_data(self) -> bool:
        return bool(self.personal_data)


EXPORTERS: dict[str, Exporter] = {}
MAX_ID = 2**63 - 1


def number(params: Params, key: str) -> int:
    """A record's id from the parameters; NotFound when it is missing or no id."""
    try:
        value = int(params.get(key, ""))
    except (TypeError, ValueError) as error:
        raise NotFound({key: "not an id"}) from error
    if not 0 < value <= MAX_ID:
        raise NotFound({key: "not an id"})
    return value


def region_of(access: Access, params: Params, key: str = "region_key"):
    """The region named in the parameters, if the account works in it; else NotFound."""
    region = access.regions_by_key.get(str(params.get(key, "")))
    if region is None:
        raise NotFound({key: "not a region of this account"})
    return region


def register(exporter: Exporter) -> Exporter:
    if exporter.name in EXPORTERS and EXPORTERS[exporter.name] != exporter:
        raise ValueError(f"exporter {exporter.name!r} is declared twice")
    unknown = set(exporter.formats) - set(CONTENT_TYPES)
    if unknown:
        raise ValueError(f"exporter {exporter.name!r}: unknown formats {sorted(unknown)}")
    EXPORTERS[exporter.name] = exporter
    return exporter


def exporter(name: str) -> Exporter:
    try:
        return EXPORTERS[name]
    except KeyError as error:
        raise Http404 from error


def make(access: Access, name: str, fmt: str, params: Params) -> tuple[Exporter, Target, Document]:
    """Steps 1 and 3 to 5 of the download path, for an account already signed in (or a public
    exporter): the file, with the personal-data log written."""
    declared = exporter(name)
    if fmt not in declared.formats:
        raise Http404
    try:
        target = declared.find(access, params)
    except NotFound as error:
        raise Http404 from error
    if not declared.allowed(access, target):
        raise PermissionDenied
    document = declared.produce(target, fmt)
    if declared.has_personal_data:
        _log(access, declared, target, fmt)
    return declared, target, document


def _log(access: Access, declared: Exporter, target: Target, fmt: str):
    from .services import log_personal_data

    purpose = str(declared.personal_data)
    if "%(format)s" in purpose:
        purpose = purpose % {"format": fmt.upper()}
    with transaction.atomic(durable=True):
        for record in target.records:
            log_personal_data(
                access=access,
                region_id=target.region_id,
                action=PersonalDataLog.Action.EXPORT,
                record=record,
                purpose=purpose,
            )


def response(declared: Exporter, document: Document, fmt: str) -> HttpResponse:
    content_type = document.content_type or CONTENT_TYPES[fmt]
    answer = HttpResponse(document.content, content_type=content_type)
    disposition = "inline" if document.inline else "attachment"
    answer["Content-Disposition"] = f'{disposition}; filename="{document.filename}"'
    if not declared.public:
        answer["Cache-Control"] = "no-store"  # nothing of a region in a shared cache
    for header, value in document.headers.items():
        answer[header] = value
    return answer


def download(request, name: str, fmt: str, params: Params | None = None) -> HttpResponse:
    """The one download path of the staff pages and the public calendar files. ``params``:
    the parameters of the address (an alias passes its path's); the query string (or a POST's
    form, which keeps a parent's contact out of addresses and logs) fills in the rest."""
    declared = exporter(name)
    if fmt not in declared.formats:
        raise Http404
    if not declared.public and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if declared.form_only and request.method != "POST":
        return HttpResponseNotAllowed(["POST"])  # no contact in an address or a server log
    given = (request.POST if request.method == "POST" else request.GET).dict()
    try:
        declared, _target, document = make(
            access_for(request.user), name, fmt, given | dict(params or {})
        )
    except Invalid as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    return response(declared, document, fmt)


def export(request, name: str, fmt: str) -> HttpResponse:
    """The download view: ``/exports/<name>.<fmt>?…`` serves every exporter."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    return download(request, name, fmt)


export.exporter = "<name>"  # the exporter named in the address decides who may download


def alias(name: str, fmt: str | None = None):
    """A view at an older address that serves the exporter ``name``: the address's parameters
    (and its ``fmt``, unless fixed here) are passed on."""

    def view(request, fmt=fmt, **params):
        return download(request, name, fmt, params)

    view.exporter = name
    return view
