"""The documents of an agreement version (PDF/A-2b and DOCX), read back with pypdf and
python-docx; the exporters through the one download path; the sealed PDF kept once; the
region's batch of PDFs as a ZIP made in the background."""

import io
import re
from datetime import date

import pytest
from django.utils import translation
from docx import Document as WordDocument
from pypdf import PdfReader

from neuewege.agreements import documents, services
from neuewege.agreements.models import Agreement, AgreementVersion, Kind
from neuewege.core.access import access_for
from neuewege.core.models import Institution, Person, User
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
    return UserFactory(role=User.Role.STAFF, person=person, regions=[institution.region])


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
    assert "01.01.2027 to 31.12.2029" in text
    assert "Renews automatically by 12 months" in text
    assert f"Version 1, SHA-256 {version.digest}" in text
    assert text.count("Place, date, signature, name and function") == 3
    assert "Signed by" not in text


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
    assert "electronically in Neue Wege" in text
    assert text.count(version.digest) >= 4  # the identification and each signature
    assert "Place, date, signature" not in text


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
    assert "Signed by: Fatma Yılmaz" in text
    assert f"SHA-256 of the version signed: {version.digest}" in text
    assert text.count("Not signed yet.") == 2
    assert "Term | 01.01.2027 to 31.12.2029" in text
