"""The materials library: a region's documents and the programme's, versions that never
replace each other, downloads counted and nothing else, and uploads that are refused."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from neuewege.cooperation import selectors, services
from neuewege.cooperation.filters import MaterialFilter
from neuewege.cooperation.models import Material, MaterialVersion
from neuewege.core.access import access_for
from neuewege.core.errors import PermissionDenied, ValidationFailed
from tests.api.test_api import token_header
from tests.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def zipped(**parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name.replace("__", "/"), content)
    return buffer.getvalue()


DOCX = zipped(word__document=b"<w:document/>", **{"[Content_Types].xml": b"<Types/>"})


def pdf(name="Leitfaden.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def add(access, region, title="Protokollvorlage", upload=None, **data):
    return services.save_material(
        access=access,
        region=region,
        data={"title": title, "kind": "template", **data},
        upload=upload or pdf(),
    )


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def coord(coordinator):
    return access_for(coordinator)


@pytest.fixture
def state(state_user):
    return access_for(state_user)


def test_a_new_upload_becomes_the_next_version_and_the_earlier_stays(coord, wesel):
    material = add(coord, wesel, elements=["steering_group"])
    services.save_material(
        access=coord,
        region=wesel,
        material=material,
        data={"description": "Mit Tagesordnung"},
        upload=SimpleUploadedFile("Protokoll.docx", DOCX),
        change_note="Tagesordnung ergänzt",
    )
    versions = list(material.versions.order_by("number"))
    assert [(v.number, v.filename) for v in versions] == [
        (1, "Leitfaden.pdf"),
        (2, "Protokoll.docx"),
    ]
    assert versions[0].file.read() == PDF  # the first file is still there
    assert versions[1].change_note == "Tagesordnung ergänzt"
    material.refresh_from_db()
    assert material.description == "Mit Tagesordnung"
    assert material.elements == ["steering_group"]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("tool.exe", b"MZ\x90\x00"), "one of these types"),
        (SimpleUploadedFile("leer.pdf", b""), "empty"),
        (SimpleUploadedFile("umbenannt.pdf", b"MZ\x90\x00 not a pdf"), "does not match"),
        (SimpleUploadedFile("kaputt.docx", b"plain text"), "does not match"),
    ],
)
def test_refused_uploads_say_why_and_save_nothing(coord, wesel, upload, message):
    with pytest.raises(ValidationFailed) as error:
        add(coord, wesel, upload=upload)
    assert message in " ".join(error.value.errors["file"])
    assert not Material.objects.exists() and not MaterialVersion.objects.exists()


def test_a_too_large_file_is_refused(coord, wesel):
    too_large = PDF + b" " * (services.MAX_MATERIAL_BYTES - len(PDF) + 1)
    with pytest.raises(ValidationFailed) as error:
        add(coord, wesel, upload=pdf(content=too_large))
    assert "larger than 20 MB" in error.value.errors["file"][0]
    assert not Material.objects.exists()


def test_a_material_needs_a_title_a_file_and_known_elements(coord, wesel):
    with pytest.raises(ValidationFailed) as error:
        services.save_material(access=coord, region=wesel, data={"title": " ", "kind": "other"})
    assert set(error.value.errors) == {"title", "file"}
    with pytest.raises(ValidationFailed) as error:
        add(coord, wesel, elements=["steering_group", "bogus"])
    assert "bogus" in error.value.errors["elements"][0]
    assert not Material.objects.exists()


def test_who_keeps_which_library(coord, state, wesel, staff):
    with pytest.raises(PermissionDenied):
        add(access_for(staff), wesel)  # staff read the region's library
    with pytest.raises(PermissionDenied):
        add(state, wesel)  # the state level keeps the programme's, not a region's
    with pytest.raises(PermissionDenied):
        add(coord, None)  # a coordinator keeps the region's, not the programme's
    handbook = add(state, None, "Transferhandbuch")
    assert handbook.region is None
    assert not Material.objects.filter(region=wesel).exists()


def test_a_region_library_shows_its_own_and_the_programmes(coord, state, wesel, borken):
    own = add(coord, wesel, "Protokollvorlage", elements=["steering_group"])
    handbook = add(state, None, "Transferhandbuch", description="Für alle Regionen")
    other_coordinator = access_for(UserFactory(role="coordinator", regions=[borken]))
    add(other_coordinator, borken, "Borkener Einladung")
    assert {m.title for m in selectors.materials(wesel)} == {own.title, handbook.title}
    assert [m.title for m in selectors.materials(None)] == [handbook.title]

    def found(**data):
        filters = MaterialFilter(data, selectors.materials(wesel), access=coord, region=wesel)
        return [material.title for material in filters.qs]

    assert found(element="steering_group") == [own.title]
    assert found(q="alle regionen") == [handbook.title]


def test_downloading_counts_and_records_no_one(client, coordinator, coord, wesel):
    material = add(coord, wesel)
    client.force_login(coordinator)
    url = reverse("material-download", args=[material.pk, 1])
    assert (
        f'action="{url}"'
        in client.get(reverse("material-detail", args=[material.pk])).content.decode()
    )
    for _ in range(2):
        response = client.post(url)  # the download button
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
    assert 'attachment; filename="Leitfaden.pdf"' in response["Content-Disposition"]
    assert MaterialVersion.objects.get().downloads == 2
    # a plain GET — a link passed on, a prefetch, a mail scanner — gets the file uncounted
    prefetched = client.get(url, HTTP_SEC_PURPOSE="prefetch")
    assert b"".join(prefetched.streaming_content) == PDF
    assert MaterialVersion.objects.get().downloads == 2
    assert client.post(reverse("material-download", args=[material.pk, 2])).status_code == 404


def test_upload_through_the_page_and_errors_at_the_field(client, coordinator, wesel):
    client.force_login(coordinator)
    url = reverse("material-create", args=[wesel.key])
    refused = client.post(
        url, {"title": "Flyer", "kind": "flyer", "file": SimpleUploadedFile("flyer.html", b"<p>")}
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["file"]  # the page's language: German
    assert not Material.objects.exists()
    saved = client.post(
        url,
        {
            "title": "Flyer Elterncafé",
            "kind": "flyer",
            "elements": ["parent_cafe"],
            "file": pdf("Flyer Elterncafé.pdf"),
        },
    )
    material = Material.objects.get()
    assert saved["Location"] == reverse("material-detail", args=[material.pk])
    assert material.region == wesel and material.current.filename == "Flyer Elterncafé.pdf"
    page = client.get(reverse("material-list", args=[wesel.key])).content.decode()
    assert "Flyer Elterncafé" in page
    assert reverse("material-download", args=[material.pk, 1]) in page


def test_deleting_removes_the_files(
    client, coordinator, coord, wesel, django_capture_on_commit_callbacks
):
    material = add(coord, wesel)
    path = material.current.file.path
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("material-delete", args=[material.pk]))
    assert response["Location"] == reverse("material-list", args=[wesel.key])
    assert not Material.objects.exists() and not MaterialVersion.objects.exists()
    assert not Path(path).exists()


def test_the_api_lists_the_libraries_and_hands_out_the_files(
    client, coordinator, coord, state, state_user, wesel
):
    own = add(coord, wesel, "Protokollvorlage", elements=["steering_group"])
    handbook = add(state, None, "Transferhandbuch")
    member, land = token_header(coordinator), token_header(state_user)
    listed = client.get(f"/api/v1/regions/{wesel.key}/materials", **member).json()
    assert {(m["title"], m["region"]) for m in listed} == {
        ("Protokollvorlage", wesel.key),
        ("Transferhandbuch", None),
    }
    assert listed[0]["versions"][0]["filename"] == "Leitfaden.pdf"
    tagged = client.get(f"/api/v1/regions/{wesel.key}/materials?element=steering_group", **member)
    assert [m["id"] for m in tagged.json()] == [own.pk]
    assert client.get("/api/v1/regions/05170/materials?element=bogus", **member).status_code == 422
    # the state level reads the programme's library, not the region's
    assert [m["id"] for m in client.get("/api/v1/materials", **land).json()] == [handbook.pk]
    assert client.get(f"/api/v1/regions/{wesel.key}/materials", **land).status_code == 404
    own_file = f"/api/v1/materials/{own.pk}/versions/1/file"
    assert client.get(own_file, **land).status_code == 404
    response = client.get(own_file, **member)
    assert b"".join(response.streaming_content) == PDF
    assert client.get(f"/api/v1/materials/{handbook.pk}/versions/1/file", **land).status_code == 200
    assert client.get(f"/api/v1/materials/{own.pk}/versions/9/file", **member).status_code == 404
    assert [v.downloads for v in MaterialVersion.objects.order_by("material__title")] == [1, 1]
