"""Untrusted files: what every upload and import checks before anything parses them.

- **Size, before the body is read.** ``LimitedUploadHandler`` (first in
  ``FILE_UPLOAD_HANDLERS``) stops reading a request's file at the limit of the view it is sent
  to: a view that accepts files declares ``upload_limit`` (bytes); any other view takes none.
  A request whose Content-Length alone proves the file too large is stopped where the file
  begins, any other as soon as the file passes the limit. The view then finds, through
  ``files_of(request)``, a ``RefusedUpload`` in the file's place: empty, with the size seen, so
  the form's own size rule refuses it at its field and the page is shown again.
- **Zip containers** (xlsx, docx, pptx, odt, ods, odp): ``check_zip`` reads only the central
  directory and refuses too many entries, too many unpacked bytes, an entry packed tighter than
  any real document, and encrypted entries. Python's zipfile never unpacks more than an entry
  declares there, so the declared sizes bound what any later reader unpacks.

Behind a reverse proxy, let the proxy buffer request bodies (nginx does by default) and allow
bodies somewhat larger than the largest limit, so that the application, not the proxy, answers
an oversized upload — with the form and a message instead of a bare 413 page.
"""

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

MB = 1024 * 1024


class FileRefused(Exception):
    """The file as a whole is refused; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class ZipLimits:
    entries: int
    unpacked_bytes: int
    ratio: int = 200  # unpacked : packed, checked for entries of more than RATIO_FROM bytes


RATIO_FROM = MB


def check_zip(content, limits: ZipLimits, unreadable: str | None = None) -> None:
    """Raise ``FileRefused`` unless the central directory of the zip ``content`` (bytes or a
    seekable file) stays within ``limits``; ``unreadable``: the message when there is none."""
    try:
        source = io.BytesIO(content) if isinstance(content, bytes) else content
        with zipfile.ZipFile(source) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as error:
        raise FileRefused(
            unreadable or _("The file is damaged: its zip directory cannot be read.")
        ) from error
    if len(entries) > limits.entries:
        raise FileRefused(
            _("The file holds %(count)s parts; at most %(max)s are accepted.")
            % {
                "count": number_format(len(entries), force_grouping=True),
                "max": number_format(limits.entries, force_grouping=True),
            }
        )
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise FileRefused(
            _("The file is protected with a password. Save it without a password and try again.")
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limits.unpacked_bytes:
        raise FileRefused(
            _("The file unpacks to %(size)s; at most %(max)s are accepted.")
            % {"size": filesizeformat(unpacked), "max": filesizeformat(limits.unpacked_bytes)}
        )
    for entry in entries:
        if entry.file_size > RATIO_FROM and entry.file_size > limits.ratio * max(
            entry.compress_size, 1
        ):
            raise FileRefused(
                _("The file is packed more tightly than any real document (a “zip bomb”).")
            )


# The size of uploads


class RefusedUpload(UploadedFile):
    """Stands in for a file the upload handler stopped reading at the limit: no content, and the
    size seen so far (more than the limit), which the form's size rule refuses."""

    def __init__(self, name, size):
        super().__init__(file=io.BytesIO(), name=name, content_type=None, size=size)


def upload_limit(request) -> int:
    """The bytes a file sent to this request's view may have (0: the view takes no files)."""
    match = getattr(request, "resolver_match", None)
    view = getattr(match.func, "view_class", match.func) if match else None
    return getattr(view, "upload_limit", 0)


class LimitedUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = upload_limit(self.request)
        # The other fields are at most DATA_UPLOAD_MAX_MEMORY_SIZE: a longer body holds a file
        # over the limit, refused before a byte of it is read.
        fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        self.declared = content_length
        self.surely_too_large = fields is not None and content_length > self.limit + fields + MB

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0
        if self.surely_too_large or not self.limit:
            self.refuse(self.declared)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.refuse(self.received)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler keeps the file

    def refuse(self, size):
        refused = getattr(self.request, "refused_uploads", {})
        refused[self.field_name] = RefusedUpload(self.file_name, size)
        self.request.refused_uploads = refused
        raise StopUpload(connection_reset=True)  # read no further


def files_of(request):
    """``request.FILES``, with a ``RefusedUpload`` for each file stopped at the limit."""
    refused = getattr(request, "refused_uploads", None)
    if not refused:
        return request.FILES
    files = request.FILES.copy()
    for field_name, placeholder in refused.items():
        files[field_name] = placeholder
    return files
