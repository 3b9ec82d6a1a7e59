"""Dates of a series or course from a rhythm ("every 2nd Tuesday, 9:30-11:00, until July"),
computed with dateutil.rrule in local time (Europe/Berlin) and stored in UTC."""

from dataclasses import dataclass
from datetime import date, datetime, time

from dateutil import rrule
from django.utils import timezone

MAX_SESSIONS = 60


@dataclass(frozen=True)
class Rhythm:
    """Weekly every ``interval`` weeks, or monthly on the same weekday of the month
    (``monthly``: the first date's nth weekday, e.g. every 2nd Tuesday of the month)."""

    first_date: date
    starts: time
    ends: time
    interval: int = 1
    monthly: bool = False
    until: date | None = None
    count: int | None = None

    def rule(self) -> rrule.rrule:
        start = datetime.combine(self.first_date, self.starts)
        if self.monthly:
            nth = (self.first_date.day - 1) // 7 + 1
            if nth == 5:  # a fifth Tuesday is rare: the last Tuesday of every month instead
                nth = -1
            weekday = rrule.weekday(self.first_date.weekday())(nth)
            return rrule.rrule(
                rrule.MONTHLY,
                interval=self.interval,
                byweekday=weekday,
                dtstart=start,
                until=self._until(),
                count=self.count,
            )
        return rrule.rrule(
            rrule.WEEKLY,
            interval=self.interval,
            dtstart=start,
            until=self._until(),
            count=self.count,
        )

    def _until(self):
        return datetime.combine(self.until, time.max) if self.until else None

    def rrule_text(self) -> str:
        """The RRULE line of RFC 5545 (without DTSTART), for calendar files."""
        text = str(self.rule()).splitlines()[-1]
        return text.removeprefix("RRULE:")

    def sessions(self, limit=MAX_SESSIONS + 1) -> list[tuple[datetime, datetime]]:
        """(start, end) as aware datetimes, at most ``limit`` of them."""
        duration = datetime.combine(self.first_date, self.ends) - datetime.combine(
            self.first_date, self.starts
        )
        zone = timezone.get_default_timezone()
        result = []
        for start in self.rule():
            if len(result) >= limit:
                break
            local = start.replace(tzinfo=zone)
            result.append((local, local + duration))
        return result


def local_time_range(starts_at: datetime, ends_at: datetime) -> tuple[int, time, time]:
    """Weekday (0 = Monday) and local times of a session."""
    local_start = timezone.localtime(starts_at)
    local_end = timezone.localtime(ends_at)
    return local_start.weekday(), local_start.time(), local_end.time()
