"""Demand and supply of the coverage planning: what each family centre asks for in a year
(``CentreRequest``) and what each speaker of the employment agency, the job centre or an
education provider can give (``SpeakerCapacity``). The planner (``planning/``) reads both
through ``selectors.planning_input``."""

from dataclasses import dataclass
from datetime import time

from django.db import models
from django.utils.translation import gettext_lazy as _

from neuewege.core.models import EventFormat, Institution, Person


class PartOfDay(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")


# The hours each part of day stands for (local time): a preferred part lies within the centre's
# opening hours when one of its opening periods that weekday overlaps these hours — early and
# late hours (Randzeiten) count when the centre records them.
PART_HOURS = {
    PartOfDay.MORNING: (time(8), time(12)),
    PartOfDay.AFTERNOON: (time(12), time(17)),
    PartOfDay.EVENING: (time(17), time(21)),
}

MIN_OVERLAP_MINUTES = 90  # an event needs about this long: a period ending 17:15 is no evening


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def covers(opens: time, closes: time, part: str) -> bool:
    """Whether an opening period (``opens`` to ``closes``) leaves room for an event in ``part``:
    at least MIN_OVERLAP_MINUTES of it lie within the part's hours."""
    start, end = PART_HOURS[part]
    overlap = min(_minutes(closes), _minutes(end)) - max(_minutes(opens), _minutes(start))
    return overlap >= MIN_OVERLAP_MINUTES


@dataclass(frozen=True)
class FormatDefault:
    per_year: int
    part_of_day: str


# The one place of the defaults per format: an Elterncafé every month, a Themenveranstaltung per
# half-year, an Elternkurs once a year.
FORMAT_DEFAULTS = {
    EventFormat.PARENT_CAFE: FormatDefault(12, PartOfDay.MORNING),
    EventFormat.INFO_SESSION: FormatDefault(2, PartOfDay.AFTERNOON),
    EventFormat.PARENT_COURSE: FormatDefault(1, PartOfDay.MORNING),
}

# Whose people speak at events: the employment agency, the job centre, education providers.
SPEAKER_KINDS = (
    Institution.Kind.EMPLOYMENT_AGENCY,
    Institution.Kind.JOB_CENTRE,
    Institution.Kind.EDUCATION_PROVIDER,
)


class CentreRequest(models.Model):
    """A family centre's request for a format in a year: how often, when, which months not."""

    family_centre = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="centre_requests",
        verbose_name=_("family centre"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    format = models.CharField(_("format"), max_length=20, choices=EventFormat.choices)
    per_year = models.PositiveSmallIntegerField(_("events per year"))
    weekdays = models.JSONField(_("preferred weekdays"), default=list, blank=True)
    part_of_day = models.CharField(
        _("part of day"), max_length=10, choices=PartOfDay.choices, blank=True
    )
    avoid_months = models.JSONField(_("months to avoid"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_centre__name", "year", "format"]
        verbose_name = _("request of a family centre")
        verbose_name_plural = _("requests of family centres")
        constraints = [
            models.UniqueConstraint(
                fields=["family_centre", "year", "format"], name="one_request_per_format_and_year"
            )
        ]

    def __str__(self):
        return f"{self.family_centre} · {self.get_format_display()} {self.year}"

    def access_place(self):
        return self.family_centre

    @property
    def region(self):
        return self.family_centre.region

    def get_weekdays_display(self):
        from neuewege.core.models import OpeningPeriod

        labels = dict(OpeningPeriod.Weekday.choices)
        return [labels.get(day, day) for day in self.weekdays]

    def get_avoid_months_display(self):
        from django.utils.dates import MONTHS

        return [MONTHS.get(month, month) for month in self.avoid_months]


class SpeakerCapacity(models.Model):
    """What a speaker can give to events: hours per month, how far they travel, when not."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="speaker_capacity", verbose_name=_("person")
    )
    hours_per_month = models.PositiveSmallIntegerField(_("hours per month for events"), default=4)
    max_travel_km = models.PositiveSmallIntegerField(_("longest journey (km)"), default=30)
    max_travel_minutes = models.PositiveSmallIntegerField(
        _("longest journey (minutes)"), default=45
    )
    unavailable_months = models.JSONField(_("months not available"), default=list, blank=True)
    unavailable_dates = models.JSONField(_("days not available"), default=list, blank=True)
    active = models.BooleanField(_("speaks at events"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person__last_name", "person__first_name", "id"]
        verbose_name = _("speaker's capacity")
        verbose_name_plural = _("speakers' capacities")

    def __str__(self):
        return str(self.person)

    def access_place(self):
        return self.person.institution

    @property
    def region(self):
        return self.person.institution.region
