"""Small numbers stay hidden, also from two selections subtracted from each other.

A figure of the survey that rests on fewer than ``MIN_RESPONSES`` responses reads "< 5". That
alone is undone by subtraction: if March holds 20 responses and the first quarter 24, the
quarter minus March describes four people. So the results are asked for fixed periods only —
a month, a quarter or a year (``Period``), never a free range — and a figure is withheld when
its own base or its *complement* within any wider selection that can also be asked for is 1 to
4 (``withheld``): the wider periods (the month's quarter and year, the quarter's year), all
formats instead of one, the region instead of one family centre, the state instead of one
region. Two selections that can both be shown therefore never differ by 1 to 4 responses.

What this does not stop: a withheld part recovered from a shown whole minus *several* shown
parts (the first quarter minus January and February, when March alone is small). Closing that
needs secondary suppression over every axis at once (as statistics offices do with τ-ARGUS);
docs/security.md names it as an open point.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from itertools import product

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

MIN_RESPONSES = 5
OFFERED_YEARS = 5  # the filter form offers this year and the four before it

PERIOD = re.compile(r"^(20[0-9]{2})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$")  # 2000 to 2099
PATTERN = PERIOD.pattern


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A month, a quarter or a year: ``first`` (its first day) and its length in months."""

    first: date
    months: int  # 1, 3 or 12

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), 12)

    @classmethod
    def quarter(cls, year: int, number: int) -> "Period":
        return cls(date(year, 3 * number - 2, 1), 3)

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(date(year, month, 1), 1)

    @classmethod
    def parse(cls, text: str) -> "Period":
        """``2026``, ``2026-Q2`` or ``2026-05``; ValueError for anything else."""
        match = PERIOD.match(text or "")
        if not match:
            raise ValueError(text)
        year = int(match[1])
        if match[2]:
            return cls.quarter(year, int(match[2]))
        if match[3]:
            return cls.month(year, int(match[3]))
        return cls.year(year)

    @classmethod
    def default(cls, today: date | None = None) -> "Period":
        """This year."""
        return cls.year((today or timezone.localdate()).year)

    @property
    def since(self) -> date:
        return self.first

    @property
    def until(self) -> date:
        """The first day of its last month."""
        return add_months(self.first, self.months - 1)

    @cached_property  # asked for each month counted
    def end(self) -> date:
        """The first day after it."""
        return add_months(self.first, self.months)

    @property
    def kind(self) -> str:
        return {1: "month", 3: "quarter", 12: "year"}[self.months]

    @property
    def key(self) -> str:
        if self.months == 12:
            return str(self.first.year)
        if self.months == 3:
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        return self.first.strftime("%Y-%m")

    @property
    def label(self) -> str:
        if self.months == 12:
            return str(self.first.year)
        if self.months == 3:
            return _("Q%(number)s %(year)s") % {
                "number": (self.first.month - 1) // 3 + 1,
                "year": self.first.year,
            }
        return date_format(self.first, "F Y")

    @property
    def year_period(self) -> "Period":
        return Period.year(self.first.year)

    @property
    def wider(self) -> list["Period"]:
        """The periods that contain it and can be asked for: a month's quarter and year, a
        quarter's year."""
        quarter = Period.quarter(self.first.year, (self.first.month - 1) // 3 + 1)
        return [period for period in (quarter, self.year_period) if period.months > self.months]

    @property
    def parts(self) -> list["Period"]:
        """What it is made of, for the trend: a year's quarters, a quarter's months."""
        if self.months == 12:
            return [Period.quarter(self.first.year, number) for number in range(1, 5)]
        if self.months == 3:
            return [Period.month(self.first.year, self.first.month + n) for n in range(3)]
        return [self]

    def __contains__(self, month: date) -> bool:
        return self.first <= month < self.end

    def __str__(self):
        return self.key


def offered_periods(today: date | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The choices of the filter form, grouped by year, newest first: the year, its quarters
    and its months, up to the current month."""
    today = today or timezone.localdate()
    groups = []
    for year in range(today.year, today.year - OFFERED_YEARS, -1):
        whole = Period.year(year)
        periods = [whole]
        for quarter in whole.parts:
            periods += [quarter, *quarter.parts]
        choices = [
            (
                period.key,
                _("%(year)s, whole year") % {"year": year} if period == whole else period.label,
            )
            for period in periods
            if period.first <= today
        ]
        groups.append((str(year), choices))
    return groups


class Counts:
    """Numbers by month under a key (a tuple), summed over any period and with any part of the
    key left open (None): ``total(("here", None, "cafe"), period)`` adds up every region."""

    def __init__(self):
        self._months: dict[tuple, dict[date, int]] = defaultdict(lambda: defaultdict(int))
        self._wider: dict[tuple, set[tuple]] = {}  # a key → the keys it adds to

    def add(self, key: tuple, month: date, number: int):
        wider_keys = self._wider.get(key)
        if wider_keys is None:
            wider_keys = self._wider[key] = {
                tuple(None if is_open else part for is_open, part in zip(opened, key, strict=True))
                for opened in product((False, True), repeat=len(key))
            }
        for wider in wider_keys:  # once each, also where a part of the key is None already
            self._months[wider][month] += number

    def total(self, key: tuple, period: Period) -> int:
        months = self._months.get(key)
        if not months:
            return 0
        return sum(number for month, number in months.items() if month in period)


def withheld(counts: Counts, period: Period, key: tuple, wider_keys: Iterable[tuple]) -> bool:
    """Whether the figures of the cell ``key`` in ``period`` must be withheld: its base is below
    MIN_RESPONSES, or the same cell in a wider period, or a wider cell (``wider_keys``) in the
    period or a wider one, holds 1 to MIN_RESPONSES - 1 more."""
    own = counts.total(key, period)
    if own < MIN_RESPONSES:
        return True
    keys = [key, *wider_keys]
    return any(
        0 < counts.total(wider, within) - own < MIN_RESPONSES
        for within in [period, *period.wider]
        for wider in keys
        if (within, wider) != (period, key)
    )
