"""The documents of an agreement version (PDF/A-2b and DOCX), read back with pypdf and
python-docx; the exporters through the one download path; the sealed PDF kept once; the
region's batch of PDFs as a ZIP made in the background."""

import io
import re
import zipfile
from datetime import date

import pytest
from django.utils import translation
from docx import Document as WordDocument
from pypdf import PdfReader

from neuewege.agreements import documents, services
from neuewege.agreements.models import Agreement, AgreementVersion, Kind
from neuewege.core.access import access_for
from neuewege.core.models import ExportFile, Institution, Person, User
from tests.factories import InstitutionFactory, PersonFactory, UserFactory, make_event


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def squash(text: str) -> str:
    return "".join(text.split())


def docx_text(content: bytes) -> str:
    document = WordDocument(io.BytesIO(content))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def signer(institution, first_name, last_name, function):
    person = PersonFactory(
        institution=institution, first_name=first_name, last_name=last_name, function=function
    )
    return UserFactory(
        role=User.Role.STAFF, person=person, regions=[institution.region], signs_agreements=True
    )


@pytest.fixture
def parties(wesel, family_centre):
    job_centre = InstitutionFactory(
        region=wesel,
        kind=Institution.Kind.JOB_CENTRE,
        name="Jobcenter Kreis Wesel",
        street="Reeser Landstraße 61",
        postcode="46483",
        town="Wesel",
    )
    agency = InstitutionFactory(
        region=wesel,
        kind=Institution.Kind.EMPLOYMENT_AGENCY,
        name="Agentur für Arbeit Wesel",
        street="Reeser Landstraße 61",
        postcode="46483",
        town="Wesel",
    )
    family_centre.street = "Am Lippeglacis 12"
    family_centre.save()
    return {"centre": family_centre, "job_centre": job_centre, "agency": agency}


@pytest.fixture
def signers(parties):
    return {
        "centre": signer(parties["centre"], "Fatma", "Yılmaz", Person.Function.FAMILY_CENTRE_HEAD),
        "job_centre": signer(parties["job_centre"], "Bernd", "Bauer", Person.Function.BCA),
        "agency": signer(parties["agency"], "Clara", "Conrad", Person.Function.BCA),
    }


@pytest.fixture
def agreement(coordinator, wesel, parties, signers):
    bca = signers["job_centre"].person
    make_event(parties["centre"], dates=4, speakers=[bca], title="Elterncafé Job und Familie")
    return services.create_agreement(
        access=access_for(coordinator),
        kind=Kind.FAMILY_CENTRE,
        region=wesel,
        family_centre=parties["centre"],
        parties=[parties["centre"], parties["job_centre"], parties["agency"]],
        starts_on=date(2027, 1, 1),
        ends_on=date(2029, 12, 31),
        renews_automatically=True,
    )


def sign_all(agreement, signers, keys=("centre", "job_centre", "agency")):
    version = agreement.versions.first()
    for key in keys:
        user = signers[key]
        party = agreement.parties.get(institution=user.person.institution)
        services.sign(
            access=access_for(user),
            agreement=Agreement.objects.get(pk=agreement.pk),
            version=version,
            party=party,
        )
    return AgreementVersion.objects.get(pk=version.pk)


@pytest.fixture
def signing(agreement, coordinator):
    services.send_for_signature(access=access_for(coordinator), agreement=agreement)
    return Agreement.objects.get(pk=agreement.pk)


def test_pdf_shows_the_snapshot_and_an_empty_line_for_each_party_yet_to_sign(agreement):
    version = agreement.versions.first()
    with translation.override("en"):
        text = pdf_text(documents.version_pdf(version))
    snapshot = version.snapshot
    assert snapshot["title"] in text
    assert "Kooperationsvereinbarung Familienzentrum" in text
    assert "Kreis Wesel" in text
    for party in snapshot["parties"]:
        assert party["name"] in text
    assert "Am Lippeglacis 12, 46483 Wesel" in text
    for clause in snapshot["clauses"]:
        assert clause["heading"] in text
    # the filled data: the event held at the centre and its speaker, the term
    assert "Elterncafé" in text
    assert "Bernd Bauer" in text
    assert "01.01.2027 bis 31.12.2029" in text
    assert "Verlängert sich jeweils um 12 Monate" in text
    assert f"Version 1, SHA-256 {version.digest}" in text
    assert text.count("Ort, Datum, Unterschrift, Name und Funktion") == 3
    assert "Unterzeichnet von" not in text


def test_pdf_is_pdf_a_2b(agreement):
    reader = PdfReader(io.BytesIO(documents.version_pdf(agreement.versions.first())))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part(="|>)2', xmp)
    assert re.search(r'pdfaid:conformance(="|>)B', xmp)


def test_signature_block_names_who_when_how_and_the_digest(signing, signers):
    version = sign_all(signing, signers)
    with translation.override("en"):
        text = pdf_text(documents.version_pdf(version))
    for user in signers.values():
        assert f"{user.person.first_name} {user.person.last_name}" in text
    for signature in version.signatures.all():  # the function as recorded when signing
        assert signature.signer_function  # (a line may break after its slash)
        assert squash(signature.signer_function) in squash(text)
    signed_at = version.signatures.first().signed_at.astimezone(documents.BERLIN)
    assert signed_at.strftime("%d.%m.%Y") in text
    assert "elektronisch in Neue Wege" in text
    assert text.count(version.digest) >= 4  # the identification and each signature
    assert "Ort, Datum, Unterschrift" not in text


def test_docx_holds_the_same(signing, signers):
    version = sign_all(signing, signers, keys=("centre",))
    with translation.override("en"):
        text = docx_text(documents.version_docx(version))
    assert version.snapshot["title"] in text
    for clause in version.snapshot["clauses"]:
        assert clause["heading"] in text
        for line in clause["filled"].split("\n"):
            assert line.strip() in text
    assert f"Version 1, SHA-256 {version.digest}" in text
    assert "Unterzeichnet von: Fatma Yılmaz" in text
    assert f"SHA-256 der unterzeichneten Version: {version.digest}" in text
    assert text.count("Noch nicht unterzeichnet.") == 2
    assert "Laufzeit | 01.01.2027 bis 31.12.2029" in text


# The exporters, fetched as a person does


@pytest.fixture(autouse=True)
def seal_dir(settings, tmp_path_factory):
    """One self-signed seal for the test run, outside the repository's var/."""
    settings.VAR_DIR = tmp_path_factory.getbasetemp() / "var"
    settings.SEAL_KEY_FILE = settings.SEAL_CERT_FILE = None


def centre_agreement(coordinator, region, name):
    centre = InstitutionFactory(region=region, name=f"Familienzentrum {name}")
    job_centre = InstitutionFactory(
        region=region, kind=Institution.Kind.JOB_CENTRE, name=f"Jobcenter {name}"
    )
    agency = InstitutionFactory(
        region=region, kind=Institution.Kind.EMPLOYMENT_AGENCY, name=f"Agentur für Arbeit {name}"
    )
    bca = PersonFactory(institution=job_centre, function=Person.Function.BCA)
    make_event(centre, dates=2, speakers=[bca])
    return services.create_agreement(
        access=access_for(coordinator),
        kind=Kind.FAMILY_CENTRE,
        region=region,
        family_centre=centre,
        parties=[centre, job_centre, agency],
        starts_on=date(2027, 1, 1),
        ends_on=date(2028, 12, 31),
    )


def sealed_status(content: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from neuewege.agreements import seal

    (embedded,) = PdfFileReader(io.BytesIO(content), strict=False).embedded_signatures
    context = ValidationContext(trust_roots=[seal.certificate()], allow_fetching=False)
    return seal.outside_any_event_loop(lambda: validate_pdf_signature(embedded, context))


def test_coordinator_downloads_a_draft_version_unsealed(client, coordinator, agreement):
    version = agreement.versions.first()
    client.force_login(coordinator)
    response = client.get(f"/exports/agreement-version.pdf?version={version.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert version.snapshot["title"] in pdf_text(response.content)
    assert PdfReader(io.BytesIO(response.content)).get_fields() is None  # no seal on a draft
    response = client.get(f"/exports/agreement-version.docx?version={version.pk}")
    assert response.status_code == 200
    assert version.snapshot["title"] in docx_text(response.content)
    assert AgreementVersion.objects.get(pk=version.pk).sealed_pdf is None


def test_another_regions_account_gets_404(client, borken, agreement):
    other = UserFactory(role=User.Role.COORDINATOR, regions=[borken])
    client.force_login(other)
    version = agreement.versions.first()
    for fmt in ("pdf", "docx"):
        address = f"/exports/agreement-version.{fmt}?version={version.pk}"
        assert client.get(address).status_code == 404
    assert client.get("/exports/agreement-version.pdf?version=x").status_code == 404


def test_the_version_in_force_is_sealed_once_and_served_identically(
    client, coordinator, signing, signers
):
    version = sign_all(signing, signers)
    assert Agreement.objects.get(pk=signing.pk).status == Agreement.Status.IN_FORCE
    client.force_login(coordinator)
    address = f"/exports/agreement-version.pdf?version={version.pk}"
    first = client.get(address)
    assert first.status_code == 200
    status = sealed_status(first.content)
    assert status.intact and status.valid
    assert bytes(AgreementVersion.objects.get(pk=version.pk).sealed_pdf) == first.content
    second = client.get(address)
    assert second.content == first.content
    text = pdf_text(second.content)
    assert "Fatma Yılmaz" in text and version.digest in text


def test_an_older_version_is_not_sealed(client, coordinator, signing, signers):
    first = signing.versions.first()
    services.save_version(
        access=access_for(coordinator),
        agreement=signing,
        texts={first.snapshot["clauses"][1]["key"]: "Die Partner arbeiten eng zusammen."},
    )
    sign_all(Agreement.objects.get(pk=signing.pk), signers)
    client.force_login(coordinator)
    response = client.get(f"/exports/agreement-version.pdf?version={first.pk}")
    assert response.status_code == 200
    assert PdfReader(io.BytesIO(response.content)).get_fields() is None
    assert not documents.is_final(AgreementVersion.objects.get(pk=first.pk))


def test_the_regions_batch_holds_one_pdf_per_agreement(
    client, coordinator, wesel, borken, signing, signers
):
    from tests.exports import fetched

    version = sign_all(signing, signers)  # in force: its sealed PDF
    other = centre_agreement(coordinator, wesel, "Regenbogen")  # a draft
    borken_coordinator = UserFactory(role=User.Role.COORDINATOR, regions=[borken])
    centre_agreement(borken_coordinator, borken, "Borken")  # not of Wesel
    client.force_login(coordinator)
    response = client.get(f"/exports/agreements-batch.zip?region_key={wesel.key}")
    assert response.status_code == 302
    file = fetched(client, response)
    assert file.status_code == 200 and file["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(file.content))
    names = sorted(archive.namelist())
    assert len(names) == 2 and all(name.endswith(".pdf") for name in names)
    assert f"{signing.pk}-" in names[0] + names[1] and f"{other.pk}-" in names[0] + names[1]
    by_agreement = {int(name.split("-")[0]): archive.read(name) for name in names}
    sealed = bytes(AgreementVersion.objects.get(pk=version.pk).sealed_pdf)
    assert by_agreement[signing.pk] == sealed
    assert sealed_status(sealed).intact
    assert other.title in pdf_text(by_agreement[other.pk])
    assert ExportFile.objects.get().work_done == 2


def test_every_regions_batch_is_the_state_levels(client, coordinator, state_user, wesel, borken):
    from tests.exports import fetched

    centre_agreement(coordinator, wesel, "Wesel")
    borken_coordinator = UserFactory(role=User.Role.COORDINATOR, regions=[borken])
    centre_agreement(borken_coordinator, borken, "Borken")
    client.force_login(coordinator)
    assert client.get("/exports/agreements-batch.zip?region_key=all").status_code == 403
    assert client.get(f"/exports/agreements-batch.zip?region_key={borken.key}").status_code == 404
    client.force_login(state_user)
    file = fetched(client, client.get("/exports/agreements-batch.zip?region_key=all"))
    names = sorted(zipfile.ZipFile(io.BytesIO(file.content)).namelist())
    assert [name.split("/")[0] for name in names] == [
        f"{wesel.key}-kreis-wesel",
        f"{borken.key}-kreis-borken",
    ][:: 1 if wesel.key < borken.key else -1]


def test_a_region_without_agreements_is_told_at_once(client, coordinator, wesel):
    client.force_login(coordinator)
    response = client.get(f"/exports/agreements-batch.zip?region_key={wesel.key}")
    assert response.status_code == 400
    assert not ExportFile.objects.exists()


def test_the_batch_renders_in_worker_processes_as_in_this_one(coordinator, wesel):
    from neuewege.agreements import tasks

    for name in ("Eins", "Zwei", "Drei"):
        centre_agreement(coordinator, wesel, name)
    alone, count = tasks.batch_zip([wesel], workers=1)
    tasks.POOL_FROM, pool_from = 1, tasks.POOL_FROM
    try:
        pooled, _count = tasks.batch_zip([wesel], workers=2)
    finally:
        tasks.POOL_FROM = pool_from
    first, second = zipfile.ZipFile(io.BytesIO(alone)), zipfile.ZipFile(io.BytesIO(pooled))
    assert count == 3 and first.namelist() == second.namelist()
    for name in first.namelist():
        assert pdf_text(first.read(name)) == pdf_text(second.read(name))


def test_a_signature_on_paper_is_shown_as_such(signing, signers, coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    version = signing.versions.first()
    agency = signing.parties.get(institution__kind=Institution.Kind.EMPLOYMENT_AGENCY)
    services.record_paper_copy(
        access=access_for(coordinator),
        agreement=signing,
        version=version,
        upload=SimpleUploadedFile("unterschrieben.pdf", b"%PDF-1.7\n%%EOF\n"),
        parties=[agency],
        signer_names={agency.pk: "Dr. Klaus Klein"},
    )
    with translation.override("en"):
        text = pdf_text(documents.version_pdf(version))
    assert "Dr. Klaus Klein" in text
    assert "handschriftlich auf Papier" in text
    assert text.count("Ort, Datum, Unterschrift, Name und Funktion") == 2
