"""The rules of planning an event, at the service: places, duration, opening hours, speakers
(qualified, of the region, never at two events at once), the dates of a course, who may plan."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from neuewege.core.access import access_for
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import Institution, OpeningPeriod
from neuewege.events.models import Format, ParentEvent
from neuewege.events.recurrence import Rhythm
from neuewege.events.services.planning import NeedsConfirmation, Plan, _within_opening, plan_event
from tests.factories import InstitutionFactory, PersonFactory

pytestmark = pytest.mark.usefixtures("english_messages")

BERLIN = timezone.get_default_timezone()


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def next_weekday(weekday: int, weeks_ahead: int = 1) -> date:
    today = timezone.localdate()
    return today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def plan(family_centre, coordinator, *, code="parent_cafe", shape="single", sessions, **kwargs):
    details = {"title": "Elterncafé", "capacity": 12} | kwargs.pop("details", {})
    return plan_event(
        access=access_for(coordinator),
        family_centre=family_centre,
        event_format=Format.objects.get(code=code),
        shape=shape,
        plan=Plan(details=details, sessions=sessions, speakers=kwargs.pop("speakers", [])),
        **kwargs,
    )


def test_capacity_above_the_formats_maximum_is_refused(family_centre, coordinator, job_centre_bca):
    tuesday = next_weekday(1)
    with pytest.raises(ValidationFailed) as refused:
        plan(
            family_centre,
            coordinator,
            code="parent_course",
            shape="course",
            sessions=[
                (local(tuesday + timedelta(weeks=i), 9), local(tuesday, 11)) for i in range(5)
            ],
            details={"capacity": 13},
            speakers=[job_centre_bca],
        )
    assert "capacity" in refused.value.errors
    assert not ParentEvent.objects.exists()


def test_duration_outside_the_range_is_a_warning_the_planner_confirms(
    family_centre, coordinator, job_centre_bca
):
    tuesday = next_weekday(1)
    too_long = [(local(tuesday, 9), local(tuesday, 12))]
    with pytest.raises(NeedsConfirmation) as warned:
        plan(family_centre, coordinator, sessions=too_long, speakers=[job_centre_bca])
    assert any("75 to 120 minutes" in message for message in warned.value.messages())
    assert not ParentEvent.objects.exists()
    event = plan(
        family_centre,
        coordinator,
        sessions=too_long,
        speakers=[job_centre_bca],
        confirm_warnings=True,
    )
    assert event.status == ParentEvent.Status.DRAFT and event.sessions.count() == 1


def test_session_outside_opening_hours_is_a_warning(family_centre, coordinator, job_centre_bca):
    OpeningPeriod.objects.create(
        institution=family_centre, weekday=1, opens=time(8), closes=time(14)
    )
    tuesday = next_weekday(1)
    with pytest.raises(NeedsConfirmation) as warned:
        plan(
            family_centre,
            coordinator,
            sessions=[(local(tuesday, 17), local(tuesday, 18, 30))],
            speakers=[job_centre_bca],
        )
    assert any("opening hours" in message for message in warned.value.messages())
    inside = plan(
        family_centre,
        coordinator,
        sessions=[(local(tuesday, 9, 30), local(tuesday, 11))],
        speakers=[job_centre_bca],
    )
    assert inside.pk


def test_early_care_adjoining_the_core_hours_counts_as_open(family_centre):
    OpeningPeriod.objects.create(
        institution=family_centre, weekday=1, opens=time(7), closes=time(8), is_extended_hours=True
    )
    OpeningPeriod.objects.create(
        institution=family_centre, weekday=1, opens=time(8), closes=time(16)
    )
    tuesday = date(2027, 3, 2)
    zone = timezone.get_default_timezone()
    periods = list(family_centre.opening_periods.all())
    inside = (
        datetime.combine(tuesday, time(7, 30), tzinfo=zone),
        datetime.combine(tuesday, time(9), tzinfo=zone),
    )
    assert _within_opening(periods, *inside)
    late = (
        datetime.combine(tuesday, time(15, 30), tzinfo=zone),
        datetime.combine(tuesday, time(17), tzinfo=zone),
    )
    assert not _within_opening(periods, *late)


def test_a_speaker_booked_twice_at_the_same_time_is_refused_naming_the_other_event(
    family_centre, coordinator, job_centre_bca, wesel
):
    tuesday = next_weekday(1)
    plan(
        family_centre,
        coordinator,
        sessions=[(local(tuesday, 9, 30), local(tuesday, 11))],
        speakers=[job_centre_bca],
        details={"title": "Elterncafé Sonnenschein"},
    )
    other_centre = InstitutionFactory(region=wesel, name="Familienzentrum Regenbogen")
    with pytest.raises(ValidationFailed) as refused:
        plan(
            other_centre,
            coordinator,
            sessions=[(local(tuesday, 10, 30), local(tuesday, 12))],
            speakers=[job_centre_bca],
        )
    message = refused.value.errors["speakers"][0]
    assert "Birgit Schulte" in message and "Elterncafé Sonnenschein" in message
    after = plan(
        other_centre,
        coordinator,
        sessions=[(local(tuesday, 11), local(tuesday, 12, 30))],
        speakers=[job_centre_bca],
    )
    assert after.pk


def test_speakers_come_from_the_labour_market_side_of_the_same_region(
    family_centre, coordinator, borken
):
    tuesday = next_weekday(1)
    colleague = PersonFactory(institution=family_centre)
    with pytest.raises(ValidationFailed) as refused:
        plan(
            family_centre,
            coordinator,
            sessions=[(local(tuesday, 9, 30), local(tuesday, 11))],
            speakers=[colleague],
        )
    assert "speakers" in refused.value.errors
    outsider = PersonFactory(
        institution=InstitutionFactory(
            region=borken, kind=Institution.Kind.EMPLOYMENT_AGENCY, postcode="46325"
        )
    )
    with pytest.raises(ValidationFailed) as refused:
        plan(
            family_centre,
            coordinator,
            sessions=[(local(tuesday, 9, 30), local(tuesday, 11))],
            speakers=[outsider],
        )
    assert "region" in refused.value.errors["speakers"][0]


def test_a_course_has_one_date_per_module_labelled_with_its_motto(
    family_centre, coordinator, job_centre_bca
):
    rhythm = Rhythm(first_date=next_weekday(2), starts=time(9), ends=time(11), count=5)
    event = plan(
        family_centre,
        coordinator,
        code="parent_course",
        shape="course",
        sessions=rhythm.sessions(),
        details={"capacity": 12},
        speakers=[job_centre_bca],
    )
    mottos = [session.module.motto for session in event.sessions.all()]
    assert mottos == [
        "„Ich habe Vorfahrt“",
        "„TÜV“",
        "„Routenplanung“",
        "„Etappenziel“",
        "„Nachtanken“",
    ]
    with pytest.raises(ValidationFailed) as refused:
        plan(
            family_centre,
            coordinator,
            code="parent_course",
            shape="course",
            sessions=rhythm.sessions()[:3],
            speakers=[job_centre_bca],
        )
    assert "5" in refused.value.errors["sessions"][0]


def test_staff_of_another_centre_cannot_plan_here(family_centre, staff, wesel):
    other = InstitutionFactory(region=wesel)
    tuesday = next_weekday(1)
    with pytest.raises(PermissionDenied):
        plan(other, staff, sessions=[(local(tuesday, 9, 30), local(tuesday, 11))])
