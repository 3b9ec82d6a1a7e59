"""Exporters: every file Neue Wege hands out (tables, reports, calendars, a parent's copy) is
declared here by the app that owns it, and served by one download path.

An app declares an ``Exporter`` in its ``AppConfig.ready`` (through ``register``): its name,
label, formats, how it finds what it exports within the account's reach (``find``), who may
download it (``permission``, a name of the table in ``core.access``, asked about the
target's ``subject`` or region), whether the file holds parents' personal data (``personal_data``:
the purpose written to the personal-data log) and how the file is made (``produce``, with the
writers of ``core.documents`` and ``core.calendars``). Core knows no capability: it holds the
registry and the path.

The one download path (``download``, behind the view ``export`` at ``/exports/<name>.<fmt>``
and the older addresses that stay as aliases; the API's route ``/api/v1/exports/<name>.<fmt>``
in ``neuewege.api.exports`` takes the same steps through ``check`` and ``produce``):

1. an unknown exporter or format: 404;
2. signed in, unless the exporter is public (calendar files): else the login page (API: 401);
   an exporter whose parameters come only from a form (a parent's contact): else 405;
3. ``find``: not found, or outside the account's regions (``core.errors.NotFound``): 404;
   parameters that make no sense (``Invalid``): 400 with the reason;
4. the ``permission``: otherwise 403;
5. the file is made; for personal data the route — never the exporter — writes one
   personal-data log record per record the exporter names, then answers.
A refused download logs nothing.

Long exports (``background=True``: the state level's tables over every region) take steps 1
to 4 at once — a refusal is answered as above — and then make the file in a background task
(``core.tasks.make_export``), which takes steps 3 to 5 again as the account (its rights may
have changed meanwhile). The page ``/exports/files/<id>/`` shows a progress bar, polled by
htmx, and then a download link — and, when the download led there, starts the download by
itself, so that one click fetches the file (``waiting_page``); the API answers 202 with the
file's state and address. The file (``core.models.ExportFile``) is kept for the account that
asked for it alone — for anyone else it does not exist (404) — and only for the retention of
the data category "export_files" (one day unless configured; core/privacy.py), after which the
purge deletes it.
The personal-data log of a background export is written when the file is made, in the task,
by step 5 as for every other download: from then on the data is in a file that the account
holds, however often it fetches it; a file that was refused or failed logs nothing.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import progress
from .access import SIGNED_IN, Access, access_for, allow, permission_named
from .documents import CONTENT_TYPES
from .errors import NotFound
from .models import ExportFile, PersonalDataLog

Params = Mapping[str, str]


class Invalid(Exception):
    """The parameters make no sense (a filter out of range): 400 with this message."""


class SignInRequired(Exception):
    """Step 2: not signed in, and the exporter is not public (the login page; API: 401)."""


class FormOnly(Exception):
    """Step 2: the exporter takes its parameters from a form's POST only (405)."""


@dataclass(frozen=True)
class Target:
    """What ``find`` found: the region it belongs to (None: of no region), the records the
    personal-data log names, whatever ``produce`` needs, and what the exporter's permission is
    asked about (``subject``; unless given: the region)."""

    region_id: int | None = None
    records: Iterable = ()
    data: Any = None
    subject: Any = None

    @property
    def permission_object(self):
        return self.subject if self.subject is not None else self.region_id


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
    permission: str  # a name of the table in core.access, asked about the target's subject
    produce: Callable[[Target, str], Document]
    personal_data: Any = ""  # the log's purpose, may hold %(format)s; empty: no personal data
    form_only: bool = False  # parameters only from a POST form (a parent's contact): never GET
    background: bool = False  # long: made by a background task, fetched when done

    @property
    def has_personal_data(self) -> bool:
        return bool(self.personal_data)

    @property
    def public(self) -> bool:
        """No sign-in needed (calendar files; their own rules in ``find``)."""
        return permission_named(self.permission).public


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
    permission_named(exporter.permission)  # an unknown name: refused, with the known ones
    unknown = set(exporter.formats) - set(CONTENT_TYPES)
    if unknown:
        raise ValueError(f"exporter {exporter.name!r}: unknown formats {sorted(unknown)}")
    if exporter.background and (exporter.public or exporter.form_only):
        # a stored file belongs to an account; a form's contact is never stored
        raise ValueError(f"exporter {exporter.name!r}: background, but public or form only")
    EXPORTERS[exporter.name] = exporter
    return exporter


def exporter(name: str) -> Exporter:
    try:
        return EXPORTERS[name]
    except KeyError as error:
        raise Http404 from error


def check(
    access: Access, name: str, fmt: str, params: Params, *, posted: bool = False
) -> tuple[Exporter, Target]:
    """Steps 1 to 4 of the download path: the exporter and what it exports, or the refusal
    (Http404, SignInRequired, FormOnly, PermissionDenied; ``find`` may raise Invalid).
    ``posted``: the parameters come from a form's POST (or the API's body)."""
    declared = exporter(name)
    if fmt not in declared.formats:
        raise Http404
    if not declared.public and not access.is_authenticated:
        raise SignInRequired
    if declared.form_only and not posted:
        raise FormOnly  # no contact in an address or a server log
    try:
        target = declared.find(access, params)
    except NotFound as error:
        raise Http404 from error
    if not access.has(declared.permission, target.permission_object):
        raise PermissionDenied
    return declared, target


def produce(access: Access, declared: Exporter, target: Target, fmt: str) -> Document:
    """Step 5: the file, with the personal-data log written (``produce`` may raise Invalid)."""
    document = declared.produce(target, fmt)
    if declared.has_personal_data:
        _log(access, declared, target, fmt)
    return document


def make(
    access: Access, name: str, fmt: str, params: Params, *, posted: bool = False
) -> tuple[Exporter, Target, Document]:
    """The whole download path for one account: the file, with the personal-data log
    written; or the refusal."""
    declared, target = check(access, name, fmt, params, posted=posted)
    return declared, target, produce(access, declared, target, fmt)


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
    form, which keeps a parent's contact out of addresses and logs) fills in the rest. A long
    export starts its background task and leads to the page that waits for it."""
    posted = request.method == "POST"
    given = (request.POST if posted else request.GET).dict() | dict(params or {})
    access = access_for(request.user)
    try:
        declared, target = check(access, name, fmt, given, posted=posted)
        if declared.background:
            file = start(access, declared, fmt, given, language=request.LANGUAGE_CODE)
            return redirect(waiting_page(file))
        document = produce(access, declared, target, fmt)
    except SignInRequired:
        return redirect_to_login(request.get_full_path())
    except FormOnly:
        return HttpResponseNotAllowed(["POST"])
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


# Long exports: made in the background, kept for the account that asked


def lifetime() -> timedelta:
    """How long a file of a long export is kept: the retention of "export_files"."""
    from .privacy import CATEGORIES

    return timedelta(days=CATEGORIES["export_files"].retention_days)


def kept_until(file: ExportFile) -> datetime:
    return file.created_at + lifetime()


def start(access: Access, declared: Exporter, fmt: str, params: Params, *, language: str):
    """Queue the making of a long export for the account (steps 1 to 4 already taken)."""
    from . import tasks

    with transaction.atomic(durable=True):
        file = ExportFile.objects.create(
            owner=access.user,
            exporter=declared.name,
            fmt=fmt,
            params={str(key): str(value) for key, value in params.items()},
            language=language,
        )
        transaction.on_commit(lambda: tasks.make_export.enqueue(file_id=file.pk))
    return file


AUTO_DOWNLOAD = "download"  # the waiting page's parameter: fetch the file once it is ready


def waiting_page(file: ExportFile) -> str:
    """Where a download of a long export leads: its page, which starts the download by itself
    once the file is made (one click; ``export_file``). The page's own address (the start
    page's list of files, the link without scripts) shows the link only."""
    return f"{reverse('export-file', args=[file.pk])}?{AUTO_DOWNLOAD}=1"


def make_in_background(file: ExportFile, work: progress.Progress):
    """The task's part (``core.tasks.make_export``): steps 3 to 5 again, as the account that
    asked, and the file kept with the work — or why it was not made."""
    access = access_for(file.owner)
    work(0, 2)
    try:
        declared, target = check(access, file.exporter, file.fmt, file.params)
        work(1, 2)
        document = produce(access, declared, target, file.fmt)
    except Invalid as error:
        work.finish(error=str(error))
    except (Http404, PermissionDenied, SignInRequired, FormOnly):
        work.finish(error=_("Your account may no longer download this file."))
    else:
        work.finish(
            filename=document.filename,
            content_type=document.content_type or CONTENT_TYPES[file.fmt],
            content=document.content,
        )


def own_file(user, pk: int) -> ExportFile:
    """A file of a long export (without its content), for the account that asked for it while
    it is kept; for everyone else (and afterwards) it does not exist."""
    file = (
        ExportFile.objects.filter(owner=user, created_at__gte=timezone.now() - lifetime())
        .defer("content")
        .filter(pk=pk)
        .first()
    )
    if file is None:
        raise Http404
    return file


def is_ready(file: ExportFile) -> bool:
    return file.work_state == ExportFile.State.DONE and not file.error


def file_response(file: ExportFile) -> HttpResponse:
    """The file of a long export, once ready (no personal-data log here: it was written when
    the file was made)."""
    if not is_ready(file):
        raise Http404
    content = ExportFile.objects.values_list("content", flat=True).get(pk=file.pk)
    answer = HttpResponse(bytes(content), content_type=file.content_type)
    answer["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    answer["Cache-Control"] = "no-store"
    return answer


class _Page:
    """What ``core.views.base.progress_response`` needs of a view."""

    def __init__(self, request):
        self.request = request

    def render(self, template, **context):
        return render(self.request, template, context)


@allow(SIGNED_IN)  # and only the account that asked for the file (own_file)
@login_required
def export_file(request, pk: int) -> HttpResponse:
    """The page of a long export: a progress bar while it is made (htmx polls this address,
    and reloads the page when the work has finished), then the download link — or why there is
    no file. Reached from the download (``waiting_page``), the page with the link starts the
    download by itself (app.js); the link stays, for scripts off or blocked downloads."""
    from .views.base import progress_response  # the views use the exporters

    file = own_file(request.user, pk)
    declared = EXPORTERS.get(file.exporter)
    context = {
        "file": file,
        "title": declared.label if declared else file.exporter,
        "label": _("Making the file"),  # the progress bar's
        "kept_until": kept_until(file),
    }
    waiting = progress_response(_Page(request), file, "core/export_file.html", **context)
    if waiting is not None:
        return waiting
    ready = is_ready(file)
    auto = ready and request.GET.get(AUTO_DOWNLOAD) == "1"
    return render(request, "core/export_file.html", context | {"ready": ready, "auto": auto})


@allow(SIGNED_IN)
@login_required
def export_file_download(request, pk: int) -> HttpResponse:
    """The file of a long export, for the account that asked for it."""
    return file_response(own_file(request.user, pk))
