"""The freshness reminder (due job): one message per keeper for its offers out of date, to the
institution's address and its active accounts, the coordinator's offers to the region's
coordinators; once per check, again after a confirmation has aged again."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.core import mail
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuewege.core.access import access_for
from neuewege.core.jobs import JOBS
from neuewege.navigator import services
from neuewege.navigator.freshness import AGING_AFTER, Freshness, freshness
from neuewege.navigator.models import Offer
from neuewege.navigator.reminders import run_offer_freshness
from tests.factories import PersonFactory, UserFactory

from .conftest import make_offer

TODAY = date(2027, 3, 10)


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_the_job_is_declared():
    assert JOBS["run_offer_freshness"].function is run_offer_freshness


def test_one_message_per_keeper_listing_its_offers(wesel, family_centre, staff, coordinator):
    family_centre.email = "info@fz-sonnenschein.example"
    family_centre.save()
    PersonFactory(institution=family_centre)  # without an account: no address
    UserFactory(
        role="staff",
        person=PersonFactory(institution=family_centre),
        email="left@fz.example",
        is_active=False,
    )
    old = TODAY - relativedelta(months=7)
    cafe = make_offer(wesel, "Elterncafé", keeper=family_centre, checked_on=old)
    make_offer(wesel, "Krabbelgruppe", keeper=family_centre, checked_on=old - timedelta(days=200))
    make_offer(wesel, "Frisch", keeper=family_centre, checked_on=TODAY)
    make_offer(wesel, "Familientelefon", checked_on=old)
    make_offer(wesel, "Pausiert", checked_on=old, status=Offer.Status.INACTIVE)
    run_offer_freshness(TODAY)
    assert recipients() == [
        "coord@wesel.example",
        "fz@wesel.example",
        "info@fz-sonnenschein.example",
    ]
    to_centre = next(message for message in mail.outbox if "fz@wesel.example" in message.to)
    assert "Elterncafé" in to_centre.body and "Krabbelgruppe" in to_centre.body
    assert f"/offers/{cafe.pk}/" in to_centre.body
    assert "Frisch" not in to_centre.body and "Familientelefon" not in to_centre.body
    to_coordinator = next(message for message in mail.outbox if "coord@wesel.example" in message.to)
    assert "Familientelefon" in to_coordinator.body and "Pausiert" not in to_coordinator.body
    assert Offer.objects.get(pk=cafe.pk).reminded_on == TODAY


def test_once_per_check_and_again_after_a_confirmation_aged(wesel, family_centre, staff):
    offer = make_offer(wesel, "Elterncafé", keeper=family_centre, checked_on=date(2026, 1, 5))
    run_offer_freshness(TODAY)
    run_offer_freshness(TODAY + timedelta(days=1))
    assert len(mail.outbox) == 1
    confirmed_on = TODAY + timedelta(days=2)
    services.confirm_offer(access=access_for(staff), offer=offer, today=confirmed_on)
    run_offer_freshness(confirmed_on + timedelta(days=30))
    assert len(mail.outbox) == 1
    run_offer_freshness(confirmed_on + AGING_AFTER)
    assert len(mail.outbox) == 2


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    checked_on=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    runs=st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=5),
)
def test_a_reminder_goes_once_per_check_when_it_is_out_of_date(
    wesel, family_centre, staff, checked_on, runs
):
    Offer.objects.all().delete()
    mail.outbox.clear()
    make_offer(wesel, "Elterncafé", keeper=family_centre, checked_on=checked_on)
    days = sorted(checked_on + timedelta(days=offset) for offset in runs)
    for day in days:
        run_offer_freshness(day)
    aged = any(freshness(checked_on, day) != Freshness.CURRENT for day in days)
    assert len(mail.outbox) == (1 if aged else 0)
