import pytest

from neuewege.events.models import ConsentText
from neuewege.events.services import Booking


@pytest.fixture
def consent(db):
    return ConsentText.objects.get(purpose=ConsentText.Purpose.BOOKING, version=1)


@pytest.fixture
def booking_for(consent):
    """A valid booking of a parent; keyword arguments change single details."""

    def make(**changes):
        details = {
            "first_name": "Ayşe",
            "email": "ayse@example.org",
            "child_ages": [2],
            "language": "tr",
            "consent_id": consent.pk,
        }
        return Booking(**(details | changes))

    return make
