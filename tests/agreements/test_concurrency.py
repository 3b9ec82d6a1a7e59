"""Double clicks and colleagues at the same moment, with real row locks (PostgreSQL; the pass of
`make test` with NEUEWEGE_TEST_POSTGRES_URL runs these): one signature per party, one new
version per change, the agreement in force exactly once."""

import pytest

from neuewege.agreements import services
from neuewege.agreements.models import Agreement, AgreementVersion, Signature
from neuewege.core.access import access_for
from neuewege.core.errors import DomainError
from tests.events.test_concurrency import run_together

from .test_pages import draw_up, make_parties, signer

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("reference_data")]


def attempt(work):
    try:
        return work()
    except DomainError:
        return None


def test_a_party_signing_twice_at_once_signs_once_and_the_last_puts_it_in_force(
    coordinator, wesel, family_centre
):
    parties = make_parties(wesel, family_centre)
    agreement = draw_up(coordinator, wesel, parties)
    services.send_for_signature(access=access_for(coordinator), agreement=agreement)
    version = agreement.versions.get()
    people = {
        party: access_for(signer(party.institution, f"s{party.pk}@example.org"))
        for party in agreement.parties.select_related("institution")
    }

    def sign(index):
        party = list(people)[index % 3]  # each party twice, all at once
        return attempt(
            lambda: services.sign(
                access=people[party], agreement=agreement, version=version, party=party
            )
        )

    signed = [result for result in run_together(6, sign) if result is not None]
    assert len(signed) == 3
    assert Signature.objects.filter(voided_at__isnull=True).count() == 3
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.IN_FORCE and agreement.in_force_at


def test_changes_saved_at_once_each_become_one_version_or_are_refused(
    coordinator, wesel, family_centre
):
    parties = make_parties(wesel, family_centre)
    agreement = draw_up(coordinator, wesel, parties)
    access = access_for(coordinator)

    def change(index):
        return attempt(
            lambda: services.save_version(
                access=access,
                agreement=agreement,
                texts={"leistungen": f"Fassung aus Sitzung {index}."},
                based_on=1,
            )
        )

    saved = [version for version in run_together(4, change) if version is not None]
    assert len(saved) == 1  # the others were made to version 1 too: refused, not overwriting
    assert list(AgreementVersion.objects.order_by("number").values_list("number", flat=True)) == [
        1,
        2,
    ]
