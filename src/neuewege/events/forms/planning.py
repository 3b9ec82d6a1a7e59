"""Forms of planning an event on the staff pages: step 1 the family centre, format and shape,
step 2 dates, details and speakers (also for editing), and cancelling. They check the shape
of the input and turn a rhythm into dates; every rule of planning is decided by the
services (``services.planning``)."""

import hashlib
from datetime import datetime, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from neuewege.core.forms import checkboxes, date_field, time_field
from neuewege.core.models import Institution, Person

from ..models import Format, ParentEvent, SpokenLanguage, TargetGroup, Topic
from ..recurrence import MAX_SESSIONS, Rhythm
from ..services.planning import Plan
from .dates import EARLIEST, LATEST, PlannedDate, initial_dates
from .translations import add_translation_fields, default_language_value

DETAIL_NAMES = ("title", "description", "topics", "target_groups", "languages", "capacity")


def digest(warnings) -> str:
    """A fingerprint of the warnings a planner confirmed: a confirmation covers exactly them."""
    text = "\n".join(str(warning) for warning in warnings)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class EventStartForm(forms.Form):
    """Step 1: where, which format, and (unless a course) a single date or a series."""

    family_centre = forms.ModelChoiceField(
        label=_("Family centre"),
        queryset=Institution.objects.none(),
        empty_label=_("Choose a family centre"),
        error_messages={"invalid_choice": _("Choose one of the family centres.")},
    )
    format = forms.ModelChoiceField(
        label=_("Format"),
        queryset=Format.objects.all(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the formats.")},
    )
    shape = forms.ChoiceField(
        label=_("Dates of the event"),
        choices=[
            (ParentEvent.Shape.SINGLE, _("A single date")),
            (ParentEvent.Shape.SERIES, _("A series of dates in a rhythm, each booked on its own")),
        ],
        widget=forms.RadioSelect,
        required=False,
        help_text=_("An Elternkurs is always a course: its modules are booked as one."),
    )

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family_centre"].queryset = centres
        centre_list = list(centres)
        if len(centre_list) == 1:
            self.fields["family_centre"].initial = centre_list[0].pk
            self.fields["family_centre"].empty_label = None

    def clean(self):
        data = super().clean()
        event_format = data.get("format")
        if event_format is not None:
            if event_format.is_course:
                data["shape"] = ParentEvent.Shape.COURSE
            elif not data.get("shape"):
                self.add_error("shape", _("Choose a single date or a series."))
        return data


class EventPlanForm(forms.Form):
    """Step 2 (and editing): dates from a rhythm, details, speakers, places, translations.
    ``planned`` holds the dates the rhythm gives, in local time."""

    first_date = date_field(_("First date"))
    starts = time_field(_("Starts at"))
    ends = time_field(_("Ends at"), required=False)
    frequency = forms.ChoiceField(
        label=_("Rhythm"),
        choices=[
            ("weekly", _("Weekly, on the weekday of the first date")),
            ("monthly", _("Monthly, on the same weekday of the month (e.g. every 2nd Tuesday)")),
        ],
        initial="weekly",
        widget=forms.RadioSelect,
    )
    interval = forms.IntegerField(
        label=_("Every how many weeks (or months)?"),
        min_value=1,
        max_value=12,
        initial=1,
        help_text=_("1 = every week, 2 = every second week …"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    until = date_field(_("Last date at the latest"))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What to expect"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For parents, in plain words. The description of the format is shown as well."),
    )
    topics = checkboxes(_("Topics"), Topic.choices)
    target_groups = checkboxes(_("Target groups"), TargetGroup.choices)
    languages = checkboxes(_("Languages spoken at the event"), SpokenLanguage.choices)
    speakers = forms.ModelMultipleChoiceField(
        label=_("Speakers"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "People of the employment agency, the job centre, an education provider or the "
            "equality office of the region."
        ),
        error_messages={"invalid_choice": _("Choose speakers from the list.")},
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=32767,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    childcare_offered = forms.BooleanField(label=_("Childcare offered"), required=False)
    confirm_warnings = forms.BooleanField(
        label=_("I have checked these points and want to save anyway"), required=False
    )
    warnings_digest = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    DATE_NAMES = ("first_date", "starts", "ends", "frequency", "interval", "until")

    def __init__(self, *args, event_format, shape, speakers, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event_format, self.shape, self.event = event_format, shape, event
        self.modules = list(event_format.modules.all()) if shape == ParentEvent.Shape.COURSE else []
        self.planned: list[PlannedDate] | None = None
        self.recurrence = ""
        self.dates_editable = event is None or event.status == ParentEvent.Status.DRAFT
        self.fields["speakers"].queryset = speakers
        self.fields["speakers"].label_from_instance = speaker_label
        self.fields["ends"].help_text = _(
            "Leave empty for the usual %(minutes)s minutes; %(format)s takes %(low)s to "
            "%(high)s minutes."
        ) % {
            "minutes": event_format.default_minutes,
            "format": event_format.name,
            "low": event_format.min_minutes,
            "high": event_format.max_minutes,
        }
        self.fields["capacity"].help_text = _("%(format)s: usually %(usual)s, at most %(max)s.") % {
            "format": event_format.name,
            "usual": event_format.default_capacity,
            "max": event_format.max_capacity,
        }
        self.fields["childcare_offered"].help_text = (
            _("%(format)s is meant to be held with childcare.") % {"format": event_format.name}
            if event_format.childcare_expected
            else ""
        )
        self._shape_date_fields()
        self.translation_names = add_translation_fields(
            self, "title", _("Title"), max_length=200
        ) + add_translation_fields(self, "description", _("What to expect"), textarea=True)
        if not self.is_bound:
            self.initial = self._initial_values() | self.initial
        self.order_fields(
            [name for name in self.DATE_NAMES if name in self.fields]
            + [*DETAIL_NAMES[:5], "speakers", "capacity", "childcare_offered"]
            + self.translation_names
        )

    def _shape_date_fields(self):
        if not self.dates_editable:
            for name in self.DATE_NAMES:
                del self.fields[name]
            return
        if self.shape == ParentEvent.Shape.SINGLE:
            self.fields["first_date"].label = _("Date")
            for name in ("frequency", "interval", "until"):
                del self.fields[name]
        elif self.shape == ParentEvent.Shape.COURSE:
            for name in ("frequency", "until"):
                del self.fields[name]
            self.fields["interval"].label = _("Every how many weeks?")
            self.fields["interval"].help_text = _(
                "The course has %(count)s modules: %(count)s dates, one every … weeks."
            ) % {"count": len(self.modules)}

    def _initial_values(self):
        event_format, event = self.event_format, self.event
        if event is None:
            return {
                "title": default_language_value(event_format, "name"),
                "topics": list(event_format.topics),
                "target_groups": list(event_format.target_groups),
                "languages": [SpokenLanguage.GERMAN],
                "capacity": event_format.default_capacity,
                "childcare_offered": event_format.childcare_expected,
                "interval": 1,
                "frequency": "weekly",
            }
        initial = {
            "title": default_language_value(event, "title"),
            "description": default_language_value(event, "description"),
            "topics": list(event.topics),
            "target_groups": list(event.target_groups),
            "languages": list(event.languages),
            "speakers": [person.pk for person in event.speakers.all()],
            "capacity": event.capacity,
            "childcare_offered": event.childcare_offered,
        }
        for name in self.translation_names:
            initial[name] = getattr(event, name) or ""
        if self.dates_editable:
            initial |= initial_dates(event)
        return initial

    # groups of fields, in the order of the page
    def _group(self, names):
        return [self[name] for name in names if name in self.fields]

    @property
    def date_fields(self):
        return self._group(self.DATE_NAMES)

    @property
    def detail_fields(self):
        return self._group(DETAIL_NAMES[:5])

    @property
    def place_fields(self):
        return self._group(("speakers", "capacity", "childcare_offered"))

    @property
    def translation_fields(self):
        return self._group(self.translation_names)

    @property
    def has_translation_errors(self):
        return any(self.errors.get(name) for name in self.translation_names)

    def clean(self):
        data = super().clean()
        for name in ("first_date", "until"):
            value = data.get(name)
            if value and not EARLIEST <= value <= LATEST:
                self.add_error(name, _("Give a date between 2000 and 2099."))
        if self.dates_editable and not any(self.errors.get(n) for n in self.DATE_NAMES):
            self.planned = self._planned_dates(data)
        for name in self.translation_names:
            data[name] = (data.get(name) or "").strip() or None
        return data

    def _planned_dates(self, data):
        first, starts = data["first_date"], data["starts"]
        ends = data.get("ends")
        if ends is None:
            ends = (
                datetime.combine(first, starts)
                + timedelta(minutes=self.event_format.default_minutes)
            ).time()
        if ends <= starts:
            self.add_error("ends", _("The end must lie after the start, on the same day."))
            return None
        if self.shape == ParentEvent.Shape.SERIES:
            until = data["until"]
            if until < first:
                self.add_error("until", _("The last date cannot lie before the first."))
                return None
            rhythm = Rhythm(
                first_date=first,
                starts=starts,
                ends=ends,
                interval=data["interval"],
                monthly=data["frequency"] == "monthly",
                until=until,
            )
        elif self.shape == ParentEvent.Shape.COURSE:
            rhythm = Rhythm(
                first_date=first,
                starts=starts,
                ends=ends,
                interval=data["interval"],
                count=max(len(self.modules), 1),
            )
        else:
            rhythm = Rhythm(first_date=first, starts=starts, ends=ends, count=1)
        times = rhythm.sessions()
        if self.shape == ParentEvent.Shape.SERIES:
            if len(times) > MAX_SESSIONS:
                self.add_error(
                    "until",
                    _("A series has at most %(max)s dates: choose an earlier last date.")
                    % {"max": MAX_SESSIONS},
                )
                return None
            if len(times) < 2:
                self.add_error(
                    "until",
                    _(
                        "This rhythm gives only one date: choose a later last date, or plan a "
                        "single date."
                    ),
                )
                return None
            self.recurrence = rhythm.rrule_text()
        return [
            PlannedDate(start, end, self.modules[index] if index < len(self.modules) else None)
            for index, (start, end) in enumerate(times)
        ]

    def plan(self) -> Plan:
        data = self.cleaned_data
        details = {name: data[name] for name in DETAIL_NAMES}
        details["childcare_offered"] = data["childcare_offered"]
        details |= {name: data[name] for name in self.translation_names}
        sessions = [(d.starts_at, d.ends_at) for d in self.planned or []]
        return Plan(
            details=details,
            sessions=sessions if self.dates_editable else [],
            speakers=list(data["speakers"]),
            recurrence=self.recurrence,
        )

    def show_warnings(self, warnings):
        """Ask for the confirmation of ``warnings`` on the next submit."""
        self.data = self.data.copy()
        self.data["warnings_digest"] = digest(warnings)
        self.data.pop("confirm_warnings", None)


def speaker_label(person):
    return f"{person.first_name} {person.last_name} – {person.institution.name}"


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The registered parents are told this reason."),
        error_messages={"required": _("Give a reason: the registered parents are told it.")},
    )
