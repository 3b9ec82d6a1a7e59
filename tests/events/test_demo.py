"""Demo events (``neuewege demo --scale demo``): every demo region shows all three formats, past
and upcoming, with registrations, waiting lists and attendance; the rules of the services hold
in the generated data; a second run adds nothing."""

from collections import Counter, defaultdict
from datetime import time
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from neuewege.core.models import Institution, Region
from neuewege.events.models import EventSession, ParentEvent, Registration


@pytest.fixture
def demo(db, capsys):
    call_command("demo", "--scale", "demo")
    return capsys.readouterr().out


def test_every_demo_region_has_all_formats_past_and_upcoming(demo):
    now = timezone.now()
    regions = Region.objects.exclude(phase="")
    assert regions.count() == 13
    for region in regions:
        events = ParentEvent.objects.filter(family_centre__region=region)
        assert {e.format.code for e in events} == {"parent_cafe", "info_session", "parent_course"}
        statuses = Counter(events.values_list("status", flat=True))
        assert statuses["closed"] and statuses["held"] and statuses["published"], region
        assert statuses["draft"] and statuses["cancelled"] == 1, region
        published = events.filter(status="published")
        for code in ("parent_cafe", "info_session", "parent_course"):
            assert published.filter(format__code=code).exists(), (region, code)
        shapes = set(published.values_list("shape", flat=True))
        assert shapes == {"single", "series", "course"}, region
        fortnightly = published.filter(shape="series", recurrence__contains="INTERVAL=2")
        assert fortnightly.filter(format__code="parent_cafe").exists(), region
        for course in events.filter(shape="course"):
            modules = [s.module.number for s in course.sessions.all()]
            assert modules == [1, 2, 3, 4, 5]
        registrations = Registration.objects.filter(event__family_centre__region=region)
        assert registrations.filter(status="waitlisted").exists(), region
        assert registrations.filter(session__starts_at__gt=now, status="confirmed").exists()
        held = EventSession.objects.filter(event__in=events, attendance_recorded_at__isnull=False)
        assert held.exists() and not held.filter(starts_at__gt=now).exists()
        assert held.filter(counselling_appointments__gt=0).exists(), region
        assert registrations.filter(attended_sessions__isnull=False).exists(), region
        speakers = {p.institution.kind for e in events for p in e.speakers.all()}
        assert speakers <= {"job_centre", "employment_agency"} and speakers


def test_sessions_lie_in_opening_hours_and_on_the_right_side_of_today(demo):
    now = timezone.now()
    for session in EventSession.objects.select_related("event"):
        start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        assert start.weekday() < 5 and start.date() == end.date()
        assert time(9) <= start.time() and end.time() <= time(16)
        if start.weekday() == 4:
            assert end.time() <= time(14)  # the centres close early on Fridays
        minutes = session.minutes
        assert session.event.format.min_minutes <= minutes <= session.event.format.max_minutes
        if session.event.status in {"held", "closed"}:
            assert session.ends_at < now
        if session.event.status in {"published", "draft"}:
            assert session.starts_at > now


def test_capacity_and_waiting_list_rules_hold_for_every_unit(demo):
    units = (
        Registration.objects.values("event", "session")
        .annotate(
            confirmed=Count("pk", filter=Q(status="confirmed")),
            waiting=Count("pk", filter=Q(status="waitlisted")),
        )
        .order_by()
    )
    capacity = dict(ParentEvent.objects.values_list("pk", "capacity"))
    full_with_waitlist = 0
    for unit in units:
        places = capacity[unit["event"]]
        assert unit["confirmed"] <= places, unit
        if unit["waiting"]:
            assert unit["confirmed"] == places, unit  # nobody waits while a place is free
            full_with_waitlist += 1
    assert full_with_waitlist >= 13
    # a course is booked as a whole, anything else date by date
    assert not Registration.objects.filter(event__shape="course", session__isnull=False).exists()
    assert not Registration.objects.exclude(event__shape="course").filter(session=None).exists()
    dated = Registration.objects.exclude(session=None)
    assert not dated.exclude(session__event=F("event")).exists()
    # one booking per contact and unit; everyone present was confirmed
    contacts = Counter(
        (r.event_id, r.session_id, r.email or r.phone)
        for r in Registration.objects.exclude(status="cancelled").filter(anonymised_at=None)
    )
    assert max(contacts.values()) == 1
    present = Registration.objects.filter(attended_sessions__isnull=False).distinct()
    assert not present.exclude(status="confirmed").exists()


def test_no_speaker_is_booked_twice_at_the_same_time(demo):
    busy = defaultdict(list)
    for session in EventSession.objects.prefetch_related("event__speakers"):
        for speaker in session.event.speakers.all():
            busy[speaker.pk].append((session.starts_at, session.ends_at))
    assert busy
    for times in busy.values():
        times.sort()
        for (_start, end), (next_start, _end) in pairwise(times):
            assert end <= next_start
    # speakers are qualified for what they moderate
    for event in ParentEvent.objects.prefetch_related("speakers").select_related("format"):
        for speaker in event.speakers.all():
            assert event.format.code in speaker.moderated_formats
            assert speaker.function in {"bca", "placement_officer", "case_manager"}


def test_registrations_carry_consent_and_plausible_details(demo):
    registrations = Registration.objects.select_related("consent")
    assert registrations.count() > 1000
    for registration in registrations:
        assert registration.consent.purpose == "booking" and registration.consent.version == 1
        assert registration.consented_at == registration.created_at
        if registration.anonymised_at is None:
            assert registration.email or registration.phone
        else:  # the retention period of the event is over: details deleted
            assert not (registration.first_name or registration.email or registration.phone)
        assert not registration.email or registration.email.endswith((".invalid", "example.org"))
        assert all(0 <= age <= 14 for age in registration.child_ages)
        assert registration.created_at <= timezone.now()
        if registration.status == "confirmed":
            assert registration.confirmed_at is not None
        if registration.status == "cancelled":
            assert registration.cancelled_at is not None
    assert registrations.filter(survey_consent__purpose="survey").exists()
    assert registrations.exclude(language_needs="").exists()
    assert {"de", "tr", "ar", "uk"} <= set(registrations.values_list("language", flat=True))
    names = set(registrations.values_list("first_name", flat=True))
    assert {"Ayşe", "Olena"} & names and {"Agnieszka", "Natalja", "Fatima"} & names


def test_a_second_run_adds_nothing(demo, capsys):
    counts = [
        model.objects.count() for model in (Institution, ParentEvent, EventSession, Registration)
    ]
    call_command("demo", "--scale", "demo")
    assert "events already present" in capsys.readouterr().out
    assert counts == [
        model.objects.count() for model in (Institution, ParentEvent, EventSession, Registration)
    ]


def test_a_drawn_booking_code_that_is_taken_is_drawn_again_in_the_demo_tables(demo, monkeypatch):
    """At state scale (half a million registrations) some random codes repeat: the table
    writer draws again, as ``book`` does, instead of breaking the unique constraint."""
    from neuewege.events.demo.tables import Table

    taken = Registration.objects.values_list("code", flat=True).first()
    field = Registration._meta.get_field("code")
    # drawn in batches (taken first: the batch is used from its end), drawn again one by one
    monkeypatch.setattr(field.default, "batch", lambda count: ["AAAAAA", taken])
    draws = iter(["AAAAAA", "BBBBBB"])
    monkeypatch.setattr(field, "_get_default", lambda: next(draws))
    table = Table(
        Registration,
        [
            f.name
            for f in Registration._meta.concrete_fields
            if not f.primary_key and f.name != "code"
        ],
    )
    codes = [table._default(field), table._default(field)]
    assert codes == ["AAAAAA", "BBBBBB"]


def test_booking_codes_drawn_in_a_batch_are_booking_codes():
    from neuewege.events.models import BOOKING_CODE_ALPHABET, new_booking_codes

    codes = new_booking_codes(5000)
    assert len(codes) == 5000 and len(set(codes)) > 4990
    assert all(len(code) == 6 and set(code) <= set(BOOKING_CODE_ALPHABET) for code in codes)
    assert set("".join(codes)) == set(BOOKING_CODE_ALPHABET)  # every character occurs
