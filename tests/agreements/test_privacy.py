"""Agreements of ended cooperation leave through the one purge after their retention: with
their versions, the signatories' names and the signed scans (the files too)."""

import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from neuewege.agreements.models import Agreement, PaperCopy, Signature
from neuewege.core.privacy import purge_personal_data

from .test_pages import PDF, draw_up, make_parties


def ended(coordinator, wesel, parties, days_ago):
    agreement = draw_up(coordinator, wesel, parties)
    version = agreement.versions.get()
    party = agreement.parties.first()
    copy = PaperCopy.objects.create(
        version=version,
        file=SimpleUploadedFile("scan.pdf", PDF),
        filename="scan.pdf",
        size=len(PDF),
    )
    Signature.objects.create(
        version=version,
        party=party,
        method=Signature.Method.PAPER,
        signer_name="Paula Papier",
        digest=version.digest,
        paper_copy=copy,
    )
    today = timezone.localdate()
    Agreement.objects.filter(pk=agreement.pk).update(
        status=Agreement.Status.EXPIRED,
        starts_on=today - timedelta(days=days_ago + 700),
        ends_on=today - timedelta(days=days_ago),
    )
    return agreement, copy


def test_an_agreement_ended_beyond_the_retention_goes_with_its_scans(
    coordinator, wesel, family_centre
):
    parties = make_parties(wesel, family_centre)
    old, old_copy = ended(coordinator, wesel, parties, days_ago=3651)
    recent, _copy = ended(coordinator, wesel, parties, days_ago=30)
    path = old_copy.file.path
    assert "agreement_signatures 1" in purge_personal_data()
    assert list(Agreement.objects.all()) == [recent]
    assert not Signature.objects.filter(signer_name="Paula Papier", version__agreement=old.pk)
    assert not os.path.exists(path)


def test_a_party_to_an_agreement_is_not_deleted(coordinator, wesel, family_centre):
    from neuewege.core.access import access_for
    from neuewege.core.errors import ValidationFailed
    from neuewege.core.services import delete_institution

    parties = make_parties(wesel, family_centre)
    draw_up(coordinator, wesel, parties)
    parties["job_centre"].people.all().delete()
    with translation.override("en"), pytest.raises(ValidationFailed, match="refer to the"):
        delete_institution(access=access_for(coordinator), institution=parties["job_centre"])
    assert parties["job_centre"].__class__.objects.filter(pk=parties["job_centre"].pk).exists()
