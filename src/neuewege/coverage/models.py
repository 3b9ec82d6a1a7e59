"""Demand and supply of the coverage planning: what each family centre asks for in a year
(``CentreRequest``) and what each speaker of the employment agency, the job centre or an
education provider can give (``SpeakerCapacity``). The planner (``planning/``) reads both
through ``selectors.planning_input``."""

from dataclasses import dataclass
from datetime import time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from neuewege.core.models import BackgroundWork, EventFormat, Institution, Person


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

    def get_additional_data(self):
        return {"region": self.family_centre.region_id}  # the region's change log

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

    def get_additional_data(self):
        return {"region": self.person.institution.region_id}  # the region's change log


# Which formats need a speaker of each of these institution kinds for every module: the
# Elternkurs is moderated by the employment agency **and** the job centre (the seed).
PAIRED_FORMATS = {
    EventFormat.PARENT_COURSE: (
        Institution.Kind.EMPLOYMENT_AGENCY,
        Institution.Kind.JOB_CENTRE,
    ),
}


class Scenario(models.Model):
    """A named variant of a region's year for the planner: who speaks (functions), hours
    changed, people left out, speakers added who do not exist yet ("+ 5 case managers at the
    job centre": ``extra_speakers``, entries of institution_kind, function, count,
    hours_per_month, formats, max_travel_km) and family centres that do not exist yet
    (``extra_centres``, entries of name, postcode and events per year by format). ``base``: the
    scenario it is compared with; a plan of this scenario then also gives each speaker it adds
    to the base their marginal value."""

    region = models.ForeignKey(
        "core.Region", on_delete=models.CASCADE, related_name="coverage_scenarios"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    functions = models.JSONField(
        _("speakers taking part"),
        default=list,
        blank=True,
        help_text=_("Functions of the speakers planned; none chosen: all."),
    )
    hours_percent = models.PositiveSmallIntegerField(_("hours budget (%)"), default=100)
    left_out = models.ManyToManyField(
        Person, blank=True, related_name="+", verbose_name=_("people left out")
    )
    extra_speakers = models.JSONField(_("speakers added"), default=list, blank=True)
    extra_centres = models.JSONField(_("family centres added"), default=list, blank=True)
    base = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compared with"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "name", "id"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "name"], name="one_scenario_name_per_region_and_year"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"

    def access_place(self):
        return self.region

    def get_additional_data(self):
        return {"region": self.region_id}  # the region's change log


class PlanRun(BackgroundWork):
    """One computation of a scenario's plan, queued by a planner and solved by a background
    task (core/progress.py). ``result``: the plan as JSON (``services.plans.plan_json``).
    ``input_digest``: a hash of the demand and supply it was computed from, so that two plans
    are known to stand on the same data."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    time_limit_seconds = models.PositiveSmallIntegerField(default=10)
    input_digest = models.CharField(max_length=64, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # The plan turned into draft events (services/events.py, make_events): when, by whom, the
    # events created and those that could not be, with the events service's message.
    events_made_at = models.DateTimeField(null=True, blank=True)
    events_made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    events_made = models.JSONField(default=dict, blank=True)  # {"created": [pk], "failed": […]}
    events_claimed_at = models.DateTimeField(null=True, blank=True)  # events being made since

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self):
        return f"{self.scenario} · {self.created_at:%d.%m.%Y %H:%M}"

    def access_place(self):
        return self.scenario.region

    @property
    def region(self):
        return self.scenario.region


class Pin(models.Model):
    """A planner's decision the next plan keeps: an event of ``centre_request`` in ``month``
    with these ``speakers`` (one per institution kind the format needs)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="pins")
    centre_request = models.ForeignKey(
        CentreRequest, on_delete=models.CASCADE, related_name="pins", verbose_name=_("request")
    )
    month = models.PositiveSmallIntegerField(_("month"))
    speakers = models.ManyToManyField(Person, related_name="+", verbose_name=_("speakers"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["month", "id"]
        verbose_name = _("pinned event")
        verbose_name_plural = _("pinned events")

    def __str__(self):
        return f"{self.centre_request} · {self.month}"

    def get_additional_data(self):
        return {"region": self.scenario.region_id}  # the region's change log

    def access_place(self):
        return self.scenario.region

    @property
    def region(self):
        return self.scenario.region
