"""The demo agreements (``neuewege demo``): Kreis Wesel's framework agreement in force and centre
agreements in each status the pages show — drawn up from the demo's events, after the apps
listed before agreements (core, events, cooperation) made theirs; made once; a story for which
no centre's agreement can be filled fails the demo and leaves nothing behind."""

from datetime import timedelta

import pytest
from django.utils import timezone

from neuewege.agreements.demo import WESEL, generate_demo_agreements
from neuewege.agreements.models import Agreement, Kind, Signature
from neuewege.agreements.selectors import centres_in_force, overview
from neuewege.cooperation.demo import generate_cooperation
from neuewege.cooperation.indicators import window
from neuewege.core.demo.generate import generate
from neuewege.core.demo.registry import DEMO_DATA
from neuewege.core.models import Institution, Person, Region
from neuewege.events.demo.generate import generate_demo_events
from tests.factories import InstitutionFactory, PersonFactory

pytestmark = pytest.mark.django_db

SHOWN = {"draft", "signing", "in_force", "expiring", "expired", "terminated", "renewed"}


def test_wesel_has_its_framework_in_force_and_centre_agreements_in_each_status():
    assert "neuewege.agreements.demo.generate_demo_agreements" in [
        demo.generator for demo in DEMO_DATA
    ]  # a part of `neuewege demo`
    generate("demo")
    generate_demo_events("demo", 2015)
    generate_cooperation("demo", 2015)
    line = generate_demo_agreements("demo", 2015)
    assert line.endswith("8 centre agreements")
    wesel = Region.objects.get(key=WESEL)
    today = timezone.localdate()

    shown = overview(wesel, today)
    assert shown.framework.kind == Kind.FRAMEWORK and shown.framework_status == "in_force"
    assert shown.framework.versions.get().signatures.count() == 3

    centre_agreements = Agreement.objects.filter(region=wesel, kind=Kind.FAMILY_CENTRE)
    statuses = [agreement.status_on(today) for agreement in centre_agreements]
    assert set(statuses) == SHOWN
    assert statuses.count("in_force") == 3  # one changed, one plain, one renewal
    # one centre per story; the renewal is the renewed one's centre's
    renewal = centre_agreements.get(predecessor__isnull=False)
    assert renewal.predecessor.status_on(today) == "renewed"
    assert len({agreement.family_centre_id for agreement in centre_agreements}) == 8
    # the overview names each centre's best agreement: the renewal for the renewed one's centre
    rows = {row.centre.pk: row.status for row in shown.centres if row.agreement}
    assert rows[renewal.family_centre_id] == "in_force"
    assert set(rows.values()) == SHOWN - {"renewed"}
    # the change voided the family centre's first signature
    assert Signature.objects.filter(
        version__agreement__region=wesel, voided_at__isnull=False
    ).exists()
    # in force today: the changed, the plain, the expiring one and the renewal; a year ago the
    # expiring, the expired, the terminated and the renewed one
    assert centres_in_force(*window(today)) == {wesel.pk: 4}
    assert centres_in_force(*window(today - timedelta(days=365))) == {wesel.pk: 4}

    assert generate_demo_agreements("demo", 2015) is None  # made once


def test_a_story_without_a_centre_to_fill_fails_loudly_and_leaves_nothing(
    wesel, youth_welfare_office
):
    """Centres without events cannot be filled: the demo names the story and keeps nothing
    (not even the framework agreement), so that a later run starts again."""
    InstitutionFactory(region=wesel, kind=Institution.Kind.JOB_CENTRE)
    InstitutionFactory(region=wesel, kind=Institution.Kind.EMPLOYMENT_AGENCY)
    PersonFactory(institution=youth_welfare_office, function=Person.Function.COORDINATOR)
    PersonFactory(institution=youth_welfare_office, function=Person.Function.YOUTH_WELFARE_STAFF)
    InstitutionFactory(region=wesel)  # a family centre without events
    with pytest.raises(RuntimeError, match="'changed'"):
        generate_demo_agreements("demo", 2015)
    assert not Agreement.objects.exists()
