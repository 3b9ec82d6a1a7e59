"""The rules of the demand and supply: opening hours, months, counts, travel limits, regions."""

from datetime import date

import pytest

from neuewege.core.access import access_for, system_access
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import EventFormat, Institution, Person
from neuewege.coverage.models import CentreRequest, SpeakerCapacity
from neuewege.coverage.selectors import planning_input
from neuewege.coverage.services.demand import (
    delete_centre_request,
    save_centre_request,
    save_speaker_capacity,
)
from tests.factories import InstitutionFactory, PersonFactory

from .conftest import capacity_data, request_data


def save(centre, region=None, **changes):
    return save_centre_request(
        access=system_access(),
        region=region or centre.region,
        family_centre=centre,
        data=request_data(**changes),
    )


def refused(centre, region=None, **changes) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        save(centre, region, **changes)
    assert not CentreRequest.objects.exists()  # nothing half-saved
    return caught.value.errors


def test_a_request_within_the_opening_hours_is_saved(opening_hours):
    request = save(opening_hours, weekdays=[3, 1, 1], avoid_months=[8, 7])
    assert (request.per_year, request.weekdays, request.avoid_months) == (12, [1, 3], [7, 8])


def test_late_hours_count_where_the_centre_records_them(opening_hours):
    assert save(opening_hours, weekdays=[1], part_of_day="evening").pk


def test_a_weekday_the_centre_is_closed_is_refused_by_name(opening_hours):
    errors = refused(opening_hours, weekdays=[5])
    assert errors["weekdays"] == ["Das Familienzentrum ist am Samstag geschlossen."]


def test_a_time_of_day_outside_the_opening_hours_is_refused_by_weekday(opening_hours):
    errors = refused(opening_hours, weekdays=[1, 4], part_of_day="afternoon")
    assert errors["part_of_day"] == [
        "Das Familienzentrum ist am Freitag zur gewählten Tageszeit (Nachmittag) nicht geöffnet."
    ]
    errors = refused(opening_hours, weekdays=[0], part_of_day="evening")
    assert "Montag" in errors["part_of_day"][0]


def test_without_recorded_opening_hours_any_time_is_taken(family_centre):
    assert save(family_centre, weekdays=[6], part_of_day="evening").pk


@pytest.mark.parametrize("months", [[0], [13], [1, "x"]])
def test_months_outside_1_to_12_are_refused(family_centre, months):
    assert "avoid_months" in refused(family_centre, avoid_months=months)


def test_avoiding_every_month_is_refused(family_centre):
    assert "avoid_months" in refused(family_centre, avoid_months=list(range(1, 13)))


@pytest.mark.parametrize("count", [0, 13, 52, 60, -1])
def test_counts_outside_1_to_12_or_monthly_are_refused(family_centre, count):
    assert refused(family_centre, per_year=count)["per_year"] == [
        "Geben Sie 1 bis 12 Veranstaltungen im Jahr an, oder mehr als gleiche Zahl in jedem "
        "Monat: 24 (zweimal im Monat), 36 oder 48 (wöchentlich)."
    ]


@pytest.mark.parametrize(
    ("code", "expected"),
    [(EventFormat.PARENT_CAFE, 12), (EventFormat.INFO_SESSION, 2), (EventFormat.PARENT_COURSE, 1)],
)
def test_without_a_count_the_format_default_is_taken(family_centre, code, expected):
    assert save(family_centre, format=code, per_year=None).per_year == expected


def test_a_centre_of_another_region_is_refused(family_centre, borken):
    assert "family_centre" in refused(family_centre, region=borken)


def test_an_institution_that_is_no_family_centre_is_refused(youth_welfare_office):
    assert "family_centre" in refused(youth_welfare_office)


def test_one_request_per_format_and_year(family_centre):
    first = save(family_centre)
    with pytest.raises(ValidationFailed) as caught:
        save(family_centre, per_year=6)
    assert "format" in caught.value.errors
    assert save(family_centre, year=2028).pk != first.pk
    changed = save_centre_request(
        access=system_access(),
        region=family_centre.region,
        family_centre=family_centre,
        data=request_data(per_year=6),
        centre_request=first,
    )
    assert changed.pk == first.pk and changed.per_year == 6


def test_a_request_taken_at_the_same_moment_is_a_field_error(family_centre, monkeypatch):
    from django.db.models import QuerySet

    save(family_centre)
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)  # the check missed the twin
    with pytest.raises(ValidationFailed) as caught:
        save(family_centre)
    assert "format" in caught.value.errors
    assert CentreRequest.objects.count() == 1


def test_staff_enter_only_their_own_centres_requests(staff, family_centre, wesel):
    other = InstitutionFactory(region=wesel, name="Familienzentrum Nebenan")
    access = access_for(staff)
    mine = save_centre_request(
        access=access, region=wesel, family_centre=family_centre, data=request_data()
    )
    with pytest.raises(PermissionDenied):
        save_centre_request(access=access, region=wesel, family_centre=other, data=request_data())
    delete_centre_request(access=access, centre_request=mine)
    assert not CentreRequest.objects.exists()


# Supply


def test_a_speakers_capacity_is_saved_and_changed(case_manager):
    capacity = save_speaker_capacity(
        access=system_access(),
        person=case_manager,
        data=capacity_data(unavailable_dates=[date(2027, 12, 24)]),
    )
    assert capacity.unavailable_dates == ["2027-12-24"]
    again = save_speaker_capacity(
        access=system_access(), person=case_manager, data=capacity_data(hours_per_month=10)
    )
    assert again.pk == capacity.pk and again.hours_per_month == 10


@pytest.mark.parametrize("name", ["max_travel_km", "max_travel_minutes"])
def test_a_travel_limit_of_zero_is_refused(case_manager, name):
    with pytest.raises(ValidationFailed) as caught:
        save_speaker_capacity(
            access=system_access(), person=case_manager, data=capacity_data(**{name: 0})
        )
    assert "kein Familienzentrum" in caught.value.errors[name][0]
    assert not SpeakerCapacity.objects.exists()


@pytest.mark.parametrize("hours", [0, 81, None])
def test_hours_outside_1_to_80_are_refused(case_manager, hours):
    with pytest.raises(ValidationFailed) as caught:
        save_speaker_capacity(
            access=system_access(), person=case_manager, data=capacity_data(hours_per_month=hours)
        )
    assert "hours_per_month" in caught.value.errors


def test_a_family_centres_person_is_no_speaker(family_centre):
    person = PersonFactory(institution=family_centre)
    with pytest.raises(ValidationFailed):
        save_speaker_capacity(access=system_access(), person=person, data=capacity_data())


def test_a_coordinator_of_another_region_keeps_no_speakers_here(case_manager, borken):
    from tests.factories import UserFactory

    outsider = UserFactory(role="coordinator", regions=[borken])
    with pytest.raises(PermissionDenied):
        save_speaker_capacity(
            access=access_for(outsider), person=case_manager, data=capacity_data()
        )


def test_the_planning_input_is_plain_data_and_leaves_out_the_unqualified(
    opening_hours, case_manager, job_centre, wesel
):
    save(opening_hours, year=2027)
    save_speaker_capacity(access=system_access(), person=case_manager, data=capacity_data())
    unqualified = PersonFactory(
        institution=job_centre, function=Person.Function.BCA, moderated_formats=[]
    )
    save_speaker_capacity(access=system_access(), person=unqualified, data=capacity_data())
    agency = InstitutionFactory(region=wesel, kind=Institution.Kind.EMPLOYMENT_AGENCY)
    inactive = PersonFactory(institution=agency, moderated_formats=[EventFormat.INFO_SESSION])
    save_speaker_capacity(access=system_access(), person=inactive, data=capacity_data(active=False))

    waiting = PersonFactory(institution=agency, moderated_formats=[EventFormat.PARENT_CAFE])
    PersonFactory(institution=agency, moderated_formats=[])  # neither qualified nor recorded

    plan = planning_input(wesel, 2027)

    assert plan["year"] == 2027 and plan["region"] == wesel.key
    (centre,) = plan["centres"]
    assert centre["open_half_days"][1] == ["morning", "afternoon", "evening"]
    assert centre["open_half_days"][4] == ["morning"]
    (request,) = plan["requests"]
    assert request["centre_id"] == opening_hours.pk and request["per_year"] == 12
    (speaker,) = plan["speakers"]
    assert speaker["id"] == case_manager.pk
    assert speaker["formats"] == ["parent_cafe"] and speaker["function"] == "case_manager"
    assert speaker["home"] == pytest.approx((51.658, 6.617))
    assert plan["unqualified_speakers"] == [{"id": unqualified.pk, "name": str(unqualified)}]
    assert plan["speakers_without_capacity"] == [{"id": waiting.pk, "name": str(waiting)}]
    assert planning_input(wesel, 2026)["requests"] == []
