"""Every place that takes a file (core/uploads.py): an oversized file is refused before its body
is read — the form comes back with the reason at its field, nothing is kept, no 413 page —
and office documents (zip containers) are checked for what they unpack to."""

import io
import zipfile

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from django.utils import translation

from neuewege.cooperation.models import Material, MaterialVersion
from neuewege.cooperation.services import MAX_MATERIAL_BYTES
from neuewege.core.forms import ImportUploadForm
from neuewege.core.models import ImportBatch, Institution
from tests.bombs import MIB, entry, repeated_entry, zip_of
from tests.core.test_imports import centre, institutions_csv
from tests.second_factor import SignInClient

pytestmark = pytest.mark.django_db

IMPORT_LIMIT = ImportUploadForm.MAX_BYTES


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


class CountingInput:
    """The request body as the server hands it to Django, counting what Django reads."""

    def __init__(self, body):
        self.stream = io.BytesIO(body)
        self.read_bytes = 0

    def read(self, size=-1):
        chunk = self.stream.read(size)
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size=-1):
        line = self.stream.readline(size)
        self.read_bytes += len(line)
        return line


def named(content, name):
    file = io.BytesIO(content)
    file.name = name
    return file


def post(client, path, fields):
    """POST ``fields`` (in this order: the CSRF token first, as a form sends it) as
    multipart/form-data; returns the response and how much of the body was read."""
    body = encode_multipart(BOUNDARY, fields)
    stream = CountingInput(body)
    response = client.request(
        REQUEST_METHOD="POST",
        PATH_INFO=path,
        CONTENT_TYPE=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(len(body)),
        **{"wsgi.input": stream},
    )
    return response, stream.read_bytes


@pytest.fixture
def web(coordinator):
    """A browser: CSRF checked as in production."""
    client = SignInClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(coordinator)
    return client


def token(client, url):
    return client.get(url).context["csrf_token"]


IMPORT_URL = reverse("import-upload", args=["05170"])


def import_fields(client, content, name="liste.csv"):
    return {
        "csrfmiddlewaretoken": token(client, IMPORT_URL),
        "kind": "institutions",
        "file": named(content, name),
    }


def test_an_import_one_byte_over_the_limit_is_stopped_at_the_limit(web):
    content = institutions_csv(centre()) + b" " * IMPORT_LIMIT
    response, read = post(web, IMPORT_URL, import_fields(web, content))
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The file is larger than 10 MB."]
    assert read < IMPORT_LIMIT + 256 * 1024  # the rest of the body was never read
    assert not ImportBatch.objects.exists()


def test_an_import_whose_length_alone_is_too_large_is_refused_before_the_file_is_read(web):
    content = b" " * (IMPORT_LIMIT + 4 * MIB)
    response, read = post(web, IMPORT_URL, import_fields(web, content))
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The file is larger than 10 MB."]
    assert read < 256 * 1024  # the CSRF token, the kind, the file's first bytes
    assert not ImportBatch.objects.exists()


def test_an_import_at_the_limit_is_taken(web):
    content = institutions_csv(centre())
    content += b"\r\n" * ((IMPORT_LIMIT - len(content)) // 2)
    assert len(content) <= IMPORT_LIMIT
    response, _read = post(web, IMPORT_URL, import_fields(web, content))
    assert response.status_code == 302
    assert ImportBatch.objects.get().filename == "liste.csv"


def test_a_view_that_takes_no_file_reads_none(web, wesel):
    url = reverse("institution-create", args=[wesel.key])
    fields = {
        "csrfmiddlewaretoken": token(web, url),
        "name": "FZ Regenbogen",
        "file": named(b" " * (5 * MIB), "beilage.pdf"),
    }
    response, read = post(web, url, fields)
    assert response.status_code == 200  # the form, its fields incomplete
    assert read < 256 * 1024
    assert not Institution.objects.exists()


# The materials library


def material_url(wesel):
    return reverse("material-create", args=[wesel.key])


def material_fields(client, wesel, upload):
    return {
        "csrfmiddlewaretoken": token(client, material_url(wesel)),
        "title": "Handbuch",
        "kind": "handbook",
        "file": upload,
    }


def test_a_material_over_the_limit_is_refused_at_its_field(web, wesel):
    too_large = named(b"%PDF-1.4\n" + b" " * MAX_MATERIAL_BYTES, "Handbuch.pdf")
    response, read = post(web, material_url(wesel), material_fields(web, wesel, too_large))
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The file is larger than 20 MB."]
    assert "Handbuch" in response.content.decode()  # the title stays filled in
    assert read < MAX_MATERIAL_BYTES + 256 * 1024
    assert not Material.objects.exists() and not MaterialVersion.objects.exists()


def office(parts, name):
    return named(zip_of(parts), name)


@pytest.mark.parametrize("ending", [".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"])
def test_an_office_document_that_unpacks_to_a_gibibyte_is_refused(web, wesel, ending):
    bomb = repeated_entry("content.xml", b"<doc>", b" " * MIB, 1024, b"</doc>")
    upload = office([entry("mimetype", b"application/zip"), bomb], f"Vorlage{ending}")
    response, _read = post(web, material_url(wesel), material_fields(web, wesel, upload))
    assert response.status_code == 200
    (message,) = response.context["form"].errors["file"]
    assert message == "The file unpacks to 1.0\xa0GB; at most 250.0\xa0MB are accepted."
    assert not Material.objects.exists()


def test_an_office_document_with_too_many_parts_is_refused(web, wesel):
    upload = office([entry(f"media/{n}.png", b"x") for n in range(5001)], "Folien.pptx")
    response, _read = post(web, material_url(wesel), material_fields(web, wesel, upload))
    assert response.context["form"].errors["file"] == [
        "The file holds 5,001 parts; at most 5,000 are accepted."
    ]
    assert not Material.objects.exists()


def test_a_damaged_or_password_protected_office_document_is_refused(web, wesel):
    damaged = named(b"PK\x03\x04" + bytes(100), "Vorlage.docx")
    response, _read = post(web, material_url(wesel), material_fields(web, wesel, damaged))
    assert response.context["form"].errors["file"] == [
        "The file is damaged: its zip directory cannot be read."
    ]
    protected = named(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Vorlage.docx")
    response, _read = post(web, material_url(wesel), material_fields(web, wesel, protected))
    assert "protected with a password" in response.context["form"].errors["file"][0]
    assert not Material.objects.exists()


def test_a_real_office_document_is_taken(web, wesel):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + "Text " * 10000 + "</w:document>")
    upload = named(buffer.getvalue(), "Protokoll.docx")
    response, _read = post(web, material_url(wesel), material_fields(web, wesel, upload))
    assert response.status_code == 302
    assert Material.objects.get().current.filename == "Protokoll.docx"
