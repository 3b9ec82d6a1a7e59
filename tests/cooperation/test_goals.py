"""Regional goals: figures computed from the events against hand-counted fixtures, values
entered by hand, and goals that cannot be saved; the page that adds them."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone, translation

from neuewege.cooperation import indicators, selectors, services
from neuewege.cooperation.models import GoalMeasurement, RegionalGoal
from neuewege.core.access import access_for
from neuewege.core.errors import ValidationFailed
from neuewege.events.models import ConsentText, Registration
from tests.cooperation.pages import url
from tests.factories import InstitutionFactory, make_event, make_registrant, make_training

TODAY = date(2026, 11, 24)


def days_ago(days):
    return timezone.make_aware(datetime.combine(TODAY - timedelta(days=days), time(9, 30)))


def attend(event, *sessions, status="confirmed"):
    registration = Registration.objects.create(
        event=event,
        session=None if event.is_course else sessions[0],
        status=status,
        first_name="Ayşe",
        language="de",
        consent=ConsentText.objects.get(purpose="booking", version=1),
        consented_at=timezone.now(),
    )
    registration.attended_sessions.set(sessions)
    return registration


@pytest.fixture
def coord(coordinator):
    return access_for(coordinator)


@pytest.fixture
def counted(wesel, borken, family_centre):
    """Hand-counted: within the last twelve months Kreis Wesel has 2 centres with an event,
    3 events, 4 parents who came (as the evaluation counts them: confirmed and marked
    present); Kreis Borken 1, 1, 1."""
    second = InstitutionFactory(region=wesel)
    third = InstitutionFactory(region=wesel)  # only events that do not count
    cafe = make_event(family_centre, starts=days_ago(30), dates=3)  # 2 past dates, 1 ahead
    first, other, _ahead = cafe.sessions.order_by("starts_at")
    attend(cafe, first)
    attend(cafe, first)
    attend(cafe, other)
    attend(cafe, other, status="cancelled")  # not counted: cancelled, as in the evaluation
    talk = make_event(second, "info_session", starts=days_ago(100))
    attend(talk, talk.sessions.get())
    make_event(family_centre, starts=days_ago(200))  # nobody came
    make_event(third, starts=days_ago(400))  # before the twelve months
    make_event(third, starts=days_ago(10), status="draft")
    make_event(third, starts=days_ago(10), status="cancelled")
    borken_centre = InstitutionFactory(region=borken, postcode="46325", town="Borken")
    course = make_event(borken_centre, "parent_course", starts=days_ago(60))
    attend(course, *course.sessions.all()[:2])


def test_figures_match_the_hand_count(counted, wesel, borken):
    regions = [wesel.id, borken.id]
    assert indicators.values("centres_with_event", regions, TODAY) == {wesel.id: 2, borken.id: 1}
    assert indicators.values("events_held", regions, TODAY) == {wesel.id: 3, borken.id: 1}
    assert indicators.values("parents_reached", regions, TODAY) == {wesel.id: 4, borken.id: 1}


def test_a_region_without_events_counts_zero(db, wesel):
    assert indicators.values("events_held", [wesel.id], TODAY) == {wesel.id: 0}


def test_the_events_figures_of_all_regions_take_four_queries_together(
    counted, django_assert_num_queries
):
    from neuewege.core.models import Region

    regions = list(Region.objects.values_list("id", flat=True))
    # the events changed since they were kept, the kept counts, and the rows of the edge months
    with django_assert_num_queries(4):
        assert len(indicators.values("parents_reached", regions, TODAY)) == 53
        assert len(indicators.values("centres_with_event", regions, TODAY)) == 53
        assert len(indicators.values("events_held", regions, TODAY)) == 53


def test_the_figures_from_kept_counts_equal_those_from_the_rows(counted, wesel, borken):
    """Kept for the months before this one, and an event changed since: the same figures."""
    from django.core.cache import cache

    from neuewege.evaluation.aggregates import rebuild_kept_counts

    regions = [wesel.id, borken.id]
    codes = ["centres_with_event", "events_held", "parents_reached"]
    from_rows = {code: indicators.values(code, regions, TODAY) for code in codes}
    rebuild_kept_counts()
    cache.clear()
    assert {code: indicators.values(code, regions, TODAY) for code in codes} == from_rows
    talk = Registration.objects.get(event__format__code="info_session")
    talk.attended_sessions.clear()  # marks its event stale: counted from its rows again
    cache.clear()
    assert indicators.values("parents_reached", regions, TODAY)[wesel.id] == 3


def test_a_computed_goal_shows_its_progress(counted, coord, wesel):
    services.save_goal(
        access=coord,
        region=wesel,
        data={
            "title": "Familienzentren erreichen",
            "indicator": "centres_with_event",
            "target_value": 4,
            "target_date": date(2027, 12, 31),
        },
    )
    (progress,) = selectors.goals(wesel, today=TODAY)
    assert (progress.value, progress.percent, progress.reached) == (2, 50, False)
    assert progress.goal.unit == ""  # shown in the reader's language
    with translation.override("en"):
        assert progress.unit == "family centres"


def test_a_goal_measured_by_hand_shows_its_latest_value(coord, wesel):
    goal = services.save_goal(
        access=coord,
        region=wesel,
        data={
            "title": "Fallmanager/innen geschult",
            "unit": "Personen",
            "target_value": 8,
            "target_date": date(2027, 6, 30),
        },
    )
    assert selectors.goals(wesel)[0].value is None
    services.record_measurement(
        access=coord, goal=goal, data={"value": 3, "measured_on": date(2026, 3, 1)}
    )
    services.record_measurement(
        access=coord, goal=goal, data={"value": 9, "measured_on": date(2026, 9, 1)}
    )
    (progress,) = selectors.goals(wesel)
    assert (progress.value, progress.measured_on, progress.percent, progress.reached) == (
        9,
        date(2026, 9, 1),
        100,
        True,
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"target_value": None}, "target_value"),
        ({"target_value": 0}, "target_value"),
        ({"target_date": None}, "target_date"),
        ({"title": " "}, "title"),
        ({"indicator": "happiness"}, "indicator"),
    ],
)
def test_a_goal_that_cannot_be_measured_is_refused(coord, wesel, changes, field):
    data = {"title": "Ziel", "target_value": 5, "target_date": date(2027, 1, 1)} | changes
    with pytest.raises(ValidationFailed) as error:
        services.save_goal(access=coord, region=wesel, data=data)
    assert field in error.value.errors
    assert not RegionalGoal.objects.exists()


def test_a_computed_goal_takes_no_values_by_hand_and_none_from_the_future(coord, wesel):
    computed = services.save_goal(
        access=coord,
        region=wesel,
        data={
            "title": "Veranstaltungen",
            "indicator": "events_held",
            "target_value": 20,
            "target_date": date(2027, 1, 1),
        },
    )
    with pytest.raises(ValidationFailed):
        services.record_measurement(
            access=coord, goal=computed, data={"value": 3, "measured_on": TODAY}
        )
    by_hand = services.save_goal(
        access=coord,
        region=wesel,
        data={"title": "Geschult", "target_value": 5, "target_date": date(2027, 1, 1)},
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationFailed) as error:
        services.record_measurement(
            access=coord, goal=by_hand, data={"value": 3, "measured_on": tomorrow}
        )
    assert "measured_on" in error.value.errors
    assert not GoalMeasurement.objects.exists()


def test_goals_are_added_with_their_figure_and_refused_without_a_target(signed_in, wesel):
    refused = signed_in.post(
        url("goal-create", wesel),
        {"title": "Familienzentren erreichen", "indicator": "centres_with_event"},
    )
    assert set(refused.context["form"].errors) == {"target_value", "target_date"}
    signed_in.post(
        url("goal-create", wesel),
        {
            "title": "Familienzentren erreichen",
            "indicator": "centres_with_event",
            "target_value": "10",
            "target_date": "2027-12-31",
        },
    )
    body = signed_in.get(url("goal-list", wesel)).content.decode()
    assert "Familienzentren erreichen" in body and "0 family centres" in body


def test_family_centres_with_trained_staff_count_each_centre_once(wesel, borken):
    centres = [InstitutionFactory(region=wesel) for _ in range(3)]
    held = make_training(wesel, sessions=1, start=timezone.now() - timedelta(days=30))
    session = held.sessions.get()
    for centre in (centres[0], centres[0], centres[1]):  # two of one centre count once
        make_registrant(held, centre, session=session, attended=True)
    make_registrant(held, centres[2], session=session, attended=False)  # did not come
    info = make_training(
        wesel,
        "informationsveranstaltung-familienzentren",
        sessions=1,
        start=timezone.now() - timedelta(days=30),
    )
    make_registrant(info, centres[2], session=info.sessions.get(), attended=True)  # no training

    figures = indicators.values("centres_with_trained_staff", [wesel.id, borken.id])

    assert figures == {wesel.id: 2, borken.id: 0}
