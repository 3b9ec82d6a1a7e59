"""Opening hours are rules of few parts: what could make "open now?" iterate for long is
refused where a rule is entered, imported or read."""

from datetime import datetime, time
from types import SimpleNamespace

import pytest

from neuewege.navigator.schedules import check, is_open


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;INTERVAL=0;BYDAY=MO",  # never advances
        "FREQ=WEEKLY;INTERVAL=500;BYDAY=MO",
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",  # no such day
        "FREQ=MONTHLY;BYDAY=5MO;BYMONTHDAY=1",  # no day within two years
        "FREQ=HOURLY",
        "FREQ=YEARLY;BYMONTH=12",
        "BYDAY=MO",
    ],
)
def test_rules_that_cannot_be_opening_hours_are_refused_at_the_rule(rule):
    assert set(check(rule, time(9), time(12))) == {"rrule"}


def test_a_stored_rule_that_was_never_checked_answers_closed_at_once():
    moment = datetime(2026, 12, 7, 10)
    for rule in ("FREQ=WEEKLY;INTERVAL=0;BYDAY=MO", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"):
        schedule = SimpleNamespace(
            rrule=rule, opens_at=time(9), closes_at=time(12), valid_from=None, valid_to=None
        )
        assert is_open(schedule, moment) is False


def test_weekly_and_monthly_rules_open_on_their_days():
    def schedule(rule):
        return SimpleNamespace(
            rrule=rule, opens_at=time(9), closes_at=time(12), valid_from=None, valid_to=None
        )

    monday = datetime(2026, 12, 7, 10)  # the first Monday of December 2026
    assert is_open(schedule("FREQ=WEEKLY;BYDAY=MO,WE"), monday)
    assert not is_open(schedule("FREQ=WEEKLY;BYDAY=TU"), monday)
    assert is_open(schedule("FREQ=MONTHLY;BYDAY=1MO"), monday)
    assert not is_open(schedule("FREQ=MONTHLY;BYDAY=-1MO"), monday)
    assert not is_open(schedule("FREQ=WEEKLY;BYDAY=MO,WE"), monday.replace(hour=12))
