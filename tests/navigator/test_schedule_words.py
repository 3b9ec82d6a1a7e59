"""Opening hours in plain words, in the language of the page: weekly days as ranges, monthly
rules readable, other rules by their weekdays; day names and times in Django's formats."""

from datetime import date, time
from types import SimpleNamespace

import pytest
from django.utils import translation

from neuewege.navigator.schedules import day_range, describe, describe_days


def schedule(rule, opens=time(9), closes=time(16), **fields):
    fields = {"valid_from": None, "valid_to": None, "description": ""} | fields
    return SimpleNamespace(rrule=rule, opens_at=opens, closes_at=closes, **fields)


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Mon–Fri"),
        ("FREQ=WEEKLY;BYDAY=FR,MO,TU,WE,TH", "Mon–Fri"),
        ("RRULE:FREQ=WEEKLY;BYDAY=MO,WE", "Mon, Wed"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,TH,FR,SA", "Mon, Tue, Thu–Sat"),
        ("FREQ=WEEKLY;BYDAY=MO,WE;INTERVAL=2", "every 2 weeks: Mon, Wed"),
        ("FREQ=WEEKLY", "Mon"),  # no days: the weekday it starts on (a Monday)
        ("FREQ=DAILY", "daily"),
        ("FREQ=MONTHLY;BYDAY=1TH", "every first Thursday of the month"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "every last Friday of the month"),
        ("FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1", "every last Friday of the month"),
        (
            "FREQ=MONTHLY;BYDAY=+2TU,4TU",
            "every second Tuesday of the month, every fourth Tuesday of the month",
        ),
        ("FREQ=MONTHLY;BYMONTHDAY=15,1", "on day 1, 15 of the month"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,15;BYDAY=MO,TU,WE", "Mon–Wed"),  # no words: its weekdays
        ("FREQ=YEARLY;BYMONTH=12", ""),  # not a rule of opening hours
        ("not a rule", ""),
    ],
)
def test_the_days_of_a_rule(rule, words):
    with translation.override("en"):
        assert describe_days(rule) == words


@pytest.mark.parametrize(
    ("language", "words"),
    [("de", "Mo, Mi–Fr"), ("tr", "Pzt, Çrş–Cum"), ("pl", "Pon, Śr–Pt"), ("uk", "Пн, Ср–Пт")],
)
def test_day_names_in_the_language_of_the_page(language, words):
    with translation.override(language):
        assert describe_days("FREQ=WEEKLY;BYDAY=MO,WE,TH,FR") == words


def test_a_weekly_rule_without_days_starts_on_its_first_day():
    with translation.override("en"):
        assert describe_days("FREQ=WEEKLY", start=date(2026, 12, 9)) == "Wed"


def test_opening_hours_in_the_formats_of_the_language():
    hours = schedule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", time(9), time(16, 30))
    with translation.override("de"):
        assert describe(hours) == "Mo–Fr 09:00–16:30"
    with translation.override("en"):
        assert describe(hours) == "Mon–Fri 9 a.m.–4:30 p.m."
    with translation.override("tr"):
        assert describe(hours) == "Pzt–Cum 09:00–16:30"
    with translation.override("ru"):
        assert describe(hours) == "Пн–Пт 9:00–16:30"


def test_dates_and_the_note_follow_the_hours():
    hours = schedule(
        "FREQ=MONTHLY;BYDAY=1TH",
        time(14),
        time(16),
        valid_from=date(2027, 3, 1),
        valid_to=date(2027, 6, 30),
        description="nur mit Termin",
    )
    with translation.override("en"):
        assert describe(hours) == (
            "every first Thursday of the month 2 p.m.–4 p.m."
            " (from 03/01/2027, until 06/30/2027, nur mit Termin)"
        )


def test_a_rule_that_cannot_be_read_shows_the_hours_alone():
    with translation.override("de"):
        assert describe(schedule("FREQ=SOMETIMES")) == "09:00–16:00"


def test_runs_of_days():
    with translation.override("en"):
        assert day_range([0, 1]) == "Mon, Tue"
        assert day_range([0, 1, 2, 4, 5, 6]) == "Mon–Wed, Fri–Sun"
        assert day_range([6, 0]) == "Mon, Sun"
