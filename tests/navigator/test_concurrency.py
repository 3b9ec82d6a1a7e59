"""Two Jugendämter of a region claiming the same postcode at the same moment (PostgreSQL, with
real row locks): one district gets it, the other is refused — a postcode never belongs to two
districts of a region."""

import pytest

from neuewege.core.access import system_access
from neuewege.core.errors import DomainError
from neuewege.core.models import Institution
from neuewege.navigator import services
from neuewege.navigator.models import ChildcareDistrict
from tests.events.test_concurrency import run_together
from tests.factories import InstitutionFactory

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("reference_data")]


def test_a_postcode_claimed_by_two_jugendaemter_at_once_goes_to_one(wesel):
    offices = [
        InstitutionFactory(
            region=wesel, kind=Institution.Kind.YOUTH_WELFARE_OFFICE, name=f"Jugendamt {n}"
        )
        for n in range(4)
    ]

    def claim(index):
        try:
            return services.keep_childcare(
                access=system_access(), youth_office=offices[index % 4], postcodes="46483"
            )
        except DomainError:
            return None

    kept = [district for district in run_together(4, claim) if district is not None]
    assert len(kept) == 1
    holding = [d for d in ChildcareDistrict.objects.all() if "46483" in d.postcode_list]
    assert len(holding) == 1
