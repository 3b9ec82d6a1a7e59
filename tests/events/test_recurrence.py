"""Rhythms turned into dates (events/recurrence.py): local time across the change to summer
time, and monthly dates on the same weekday of the month."""

from datetime import date, time

from django.utils import timezone

from neuewege.events.recurrence import Rhythm


def test_a_series_from_a_rhythm_keeps_local_time_across_the_change_to_summer_time():
    rhythm = Rhythm(
        first_date=date(2027, 3, 16),
        starts=time(9, 30),
        ends=time(11),
        interval=2,
        until=date(2027, 4, 30),
    )
    sessions = rhythm.sessions()
    assert [timezone.localtime(start).date() for start, _end in sessions] == [
        date(2027, 3, 16),
        date(2027, 3, 30),
        date(2027, 4, 13),
        date(2027, 4, 27),
    ]
    assert {timezone.localtime(start).time() for start, _end in sessions} == {time(9, 30)}
    assert sessions[0][0].utcoffset() != sessions[-1][0].utcoffset()
    assert rhythm.rrule_text() == "FREQ=WEEKLY;INTERVAL=2;UNTIL=20270430T235959"


def test_monthly_rhythm_keeps_the_weekday_of_the_month():
    second_tuesday = date(2027, 1, 12)
    sessions = Rhythm(
        first_date=second_tuesday, starts=time(9), ends=time(10, 30), monthly=True, count=3
    ).sessions()
    assert [timezone.localtime(start).date() for start, _ in sessions] == [
        date(2027, 1, 12),
        date(2027, 2, 9),
        date(2027, 3, 9),
    ]


def test_monthly_from_the_29th_means_the_last_such_weekday_of_every_month():
    last_friday = date(2027, 1, 29)
    sessions = Rhythm(
        first_date=last_friday, starts=time(9), ends=time(10, 30), monthly=True, count=3
    ).sessions()
    assert [timezone.localtime(start).date() for start, _ in sessions] == [
        date(2027, 1, 29),
        date(2027, 2, 26),
        date(2027, 3, 26),
    ]
