"""The Germany-scale dataset (``neuewege demo --scale germany``): built tiny here, on
PostgreSQL, so that its path (the copies of NRW's regions, COPY into the tables, the kept counts
at the end) runs in CI without building 5.5 million registrations; and refused on SQLite."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Q
from django.utils.module_loading import import_string

from neuewege.core.demo.generate import generate
from neuewege.core.demo.registry import DEMO_DATA
from neuewege.core.demo.scales import GermanyShape, origin
from neuewege.core.models import Institution, Person, Region
from neuewege.events.models import EventSession, ParentEvent, Registration
from tests.evaluation.test_aggregates import (
    kept_dates,
    kept_registrations,
    kept_survey,
    recounted_dates,
    recounted_registrations,
    recounted_survey,
)

TINY = GermanyShape(copies=1, regions=2, family_centres=12)


def build_tiny(seed=2015) -> list:
    made = generate("germany", seed, shape=TINY)
    return [made, *(import_string(demo.generator)("germany", seed) for demo in DEMO_DATA)]


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_tiny_germany_dataset_copies_the_state_and_keeps_its_rules():
    assert connection.vendor == "postgresql"
    lines = build_tiny()
    assert lines[0] is not None and all(lines[1:3])  # institutions, events written
    ours = Institution.objects.filter(external_id__startswith="germany:")
    # NRW's first two regions and their copy standing for Niedersachsen ("03…")
    keys = set(ours.values_list("region__key", flat=True))
    assert keys == {"05111", "05112", "03111", "03112"}
    copy = Region.objects.get(key="03111")
    assert copy.name == "Düsseldorf (Niedersachsen)" and copy.phase
    centres = ours.filter(kind=Institution.Kind.FAMILY_CENTRE)
    assert centres.count() == 12
    assert not centres.exclude(youth_welfare_office__region=F("region")).exists()
    # a copy's places are NRW's, moved onto a cell of their own: no overlap with NRW
    for centre in centres.filter(region__key__startswith="03"):
        assert origin(centre.region.key)[0].startswith("05")
        assert centre.latitude > 52.5 and centre.postcode.startswith("4")
    assert ours.filter(kind=Institution.Kind.JOB_CENTRE).count() == 4
    speakers = Person.objects.filter(institution__in=ours, function="case_manager")
    assert speakers.count() == 4 * 9
    # events at the copies' centres as well; ten years of them
    events = ParentEvent.objects.filter(family_centre__in=centres)
    assert events.filter(family_centre__region__key__startswith="03").exists()
    assert Registration.objects.filter(event__in=events).count() > 100
    # never more confirmed than places, per date (a course: per event)
    confirmed = Q(registrations__status="confirmed")
    over = (
        EventSession.objects.filter(event__in=events.exclude(shape="course"))
        .annotate(n=Count("registrations", filter=confirmed))
        .filter(n__gt=F("event__capacity"))
    )
    assert not over.exists()
    courses = events.filter(shape="course").annotate(n=Count("registrations", filter=confirmed))
    assert not courses.filter(n__gt=F("capacity")).exists()
    # the kept counts equal a full recount after the load
    assert kept_registrations() == recounted_registrations()
    assert kept_dates() == recounted_dates()
    assert kept_survey() == recounted_survey()
    assert sum(kept_registrations().values()) > 0
    # a second run adds nothing
    assert generate("germany", shape=TINY) is None
    count = Registration.objects.count()
    call_command("rebuild-counts")
    assert Registration.objects.count() == count
    assert kept_registrations() == recounted_registrations()


@pytest.mark.django_db
def test_the_germany_scale_is_refused_on_sqlite(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")  # (on the PostgreSQL pass too)
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("demo", "--scale", "germany")
    assert not Institution.objects.exists()
