"""The dates of an event in the planning form: the dates a rhythm gives, and a draft's rhythm
read back from its sessions and recurrence rule."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from ..models import FormatModule, ParentEvent

# Dates outside these years are typing errors (and would overflow when converted to UTC).
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


@dataclass(frozen=True)
class PlannedDate:
    starts_at: datetime
    ends_at: datetime
    module: FormatModule | None = None


def initial_dates(event: ParentEvent) -> dict:
    """The date fields of a draft, read back from its sessions and recurrence rule."""
    sessions = [s for s in event.sessions.all() if not s.is_cancelled]
    if not sessions:
        return {}
    first = timezone.localtime(sessions[0].starts_at)
    initial = {
        "first_date": first.date(),
        "starts": first.time(),
        "ends": timezone.localtime(sessions[0].ends_at).time(),
        "interval": 1,
        "frequency": "weekly",
    }
    if event.shape == ParentEvent.Shape.SERIES:
        rule = dict(
            part.split("=", 1)
            for part in event.recurrence.removeprefix("RRULE:").split(";")
            if "=" in part
        )
        initial["frequency"] = "monthly" if rule.get("FREQ") == "MONTHLY" else "weekly"
        if rule.get("INTERVAL", "").isdigit():
            initial["interval"] = int(rule["INTERVAL"])
        until = rule.get("UNTIL", "")[:8]
        initial["until"] = (
            datetime.strptime(until, "%Y%m%d").date()
            if until.isdigit() and len(until) == 8
            else timezone.localtime(sessions[-1].starts_at).date()
        )
    elif event.shape == ParentEvent.Shape.COURSE and len(sessions) > 1:
        gap = timezone.localtime(sessions[1].starts_at).date() - first.date()
        initial["interval"] = max(1, round(gap.days / 7))
    return initial
