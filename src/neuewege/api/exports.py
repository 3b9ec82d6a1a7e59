"""The API's route of the exporters (core/exporters.py): every file the application hands out,
with the same steps as the download view — ``exporters.check`` (unknown exporter or format:
404; find: 404; parameters that make no sense: 400; allowed: 403), then ``exporters.produce``
(the file, the personal-data log written by the path) — and for long exports the background
task (202 with the file's state; then its file). It lives in the API layer, not in core's
router, because its authentication is the API's with one addition: a public exporter (calendar
files) needs none, as on the web; every other exporter answers 401 without a token or session.
"""

from typing import Annotated, Literal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError

from neuewege.core import errors, exporters, progress
from neuewege.core.api_types import Input, PathId, Text, api_access
from neuewege.core.documents import CONTENT_TYPES
from neuewege.core.models import BackgroundWork, ExportFile

from .auth import ApiTokenAuth, StaffSessionAuth

router = Router(tags=["exports"])

ExportName = Annotated[
    str,
    Path(
        pattern=r"^[a-z0-9-]{1,100}$",
        description="The exporter's name, e.g. `event-registrations`, `results-region`",
        examples=["results-region"],
    ),
]
ExportFormat = Annotated[
    Literal[tuple(CONTENT_TYPES)],
    Path(description="One of the exporter's formats; other formats answer 404"),
]
ParamName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,49}$")]


class ExportParamsIn(Input):
    params: dict[ParamName, Text(1000)] = Field(
        default_factory=dict,
        max_length=50,
        description="The exporter's parameters, as in the query string of the GET",
    )


class ExportFileOut(Schema):
    id: int
    exporter: str
    format: str
    state: BackgroundWork.State = Field(..., description="`failed` also when the work stalled")
    percent: int = Field(..., ge=0, le=100)
    ready: bool = Field(..., description="Done, and the file was made: fetch it at `file_url`")
    error: str = Field(..., description="Why the file was not made after all; empty otherwise")
    kept_until: str = Field(..., description="Until then the file can be fetched, by you only")
    url: str = Field(..., description="This state, to poll")
    file_url: str | None = Field(..., description="The file, once ready")


class PublicExport:
    """No token and no session: let the call through for a public exporter only (calendar
    files), as the caller without an account. No security scheme: the OpenAPI document says
    "or none" with an empty requirement."""

    def __call__(self, request):
        match = request.resolver_match
        declared = exporters.EXPORTERS.get(match.kwargs.get("name") if match else None)
        return AnonymousUser() if declared is not None and declared.public else None


FILE = {"schema": {"type": "string", "format": "binary"}}
MADE = {
    "description": "The file (`Content-Disposition` names it)",
    "content": {content_type.split(";")[0]: FILE for content_type in CONTENT_TYPES.values()}
    | {"application/json": {"schema": {"type": "object"}}},  # a JSON file is one object
}
QUERY_PARAMETERS = {
    "name": "params",
    "in": "query",
    "style": "form",
    "explode": True,
    "required": False,
    "description": "The exporter's parameters, e.g. `region_key=05170&table=summary`",
    "schema": {
        "type": "object",
        "propertyNames": {"pattern": r"^[a-z][a-z0-9_]{0,49}$"},
        "additionalProperties": {"type": "string", "maxLength": 1000, "pattern": r"^[^\x00]*$"},
        "maxProperties": 50,
    },
}
REFUSALS = {
    400: {"description": "Parameters that make no sense for this exporter, with the reason"},
    405: {"description": "This exporter takes its parameters from the body of a POST only"},
}
AUTH = [ApiTokenAuth(), StaffSessionAuth(), PublicExport()]


def file_out(request, file: ExportFile) -> dict:
    ready = exporters.is_ready(file)
    return {
        "id": file.pk,
        "exporter": file.exporter,
        "format": file.fmt,
        "state": ExportFile.State.FAILED if progress.has_stalled(file) else file.work_state,
        "percent": progress.percent(file),
        "ready": ready,
        "error": file.error,
        "kept_until": exporters.kept_until(file).isoformat(),
        "url": reverse("api:export-file", kwargs={"file_id": file.pk}),
        "file_url": reverse("api:export-file-content", kwargs={"file_id": file.pk})
        if ready
        else None,
    }


def export(request, name: str, fmt: str, params: dict, *, posted: bool):
    access = api_access(request)
    try:
        declared, target = exporters.check(access, name, fmt, params, posted=posted)
        if declared.background:
            started = exporters.start(access, declared, fmt, params, language=request.LANGUAGE_CODE)
            return Status(202, file_out(request, exporters.own_file(access.user, started.pk)))
        document = exporters.produce(access, declared, target, fmt)
    except exporters.SignInRequired as error:
        raise AuthenticationError from error
    except exporters.FormOnly:
        from .api import problem

        answer = problem(
            request,
            405,
            _("This file takes its parameters from the body of a POST only."),
        )
        answer["Allow"] = "POST"
        return answer
    except PermissionDenied as error:
        raise errors.PermissionDenied(_("Your role may not download this file.")) from error
    except exporters.Invalid as error:
        raise errors.DomainError(str(error)) from error
    return exporters.response(declared, document, fmt)


@router.get(
    "/exports/{name}.{fmt}",
    auth=AUTH,
    response={202: ExportFileOut},
    openapi_extra={
        "security": [{}],
        "parameters": [QUERY_PARAMETERS],
        "responses": {200: MADE, **REFUSALS},
    },
)
def download_export(request, name: ExportName, fmt: ExportFormat):
    """Any file of the application, with its parameters in the query string — the same path
    as the download pages: the file (200); or, for long exports (the state level's tables),
    202 with the file's state: poll `url` until `ready`, then fetch `file_url`. Files with
    parents' personal data are written to the personal-data log. Calendar files of public
    events need no authentication; every other file does (401)."""
    try:
        params = ExportParamsIn.model_validate({"params": request.GET.dict()}).params
    except ValidationError as error:
        raise NinjaValidationError(
            [{**item, "loc": ("query", *item["loc"][1:])} for item in error.errors()]
        ) from error
    return export(request, name, fmt, params, posted=False)


@router.post(
    "/exports/{name}.{fmt}",
    auth=AUTH,
    response={202: ExportFileOut},
    openapi_extra={"security": [{}], "responses": {200: MADE, **REFUSALS}},
)
def download_export_with_body(
    request, name: ExportName, fmt: ExportFormat, payload: ExportParamsIn
):
    """The same, with the parameters in the body: for files whose parameters must not stand
    in an address (a parent's copy of their data, DSGVO Art. 15: `parent-data` with
    `region_key` and `email` or `phone`), and for every other file too."""
    return export(request, name, fmt, payload.params, posted=True)


@router.get("/exports/files/{file_id}", response=ExportFileOut, url_name="export-file")
def get_export_file(request, file_id: PathId):
    """The state of a long export you started; for anyone else it does not exist (404)."""
    return file_out(request, exporters.own_file(api_access(request).user, file_id))


@router.get(
    "/exports/files/{file_id}/file",
    url_name="export-file-content",
    openapi_extra={"responses": {200: MADE}},
)
def get_export_file_content(request, file_id: PathId):
    """The file of a long export you started, once ready (404 before, and after `kept_until`)."""
    return exporters.file_response(exporters.own_file(api_access(request).user, file_id))
