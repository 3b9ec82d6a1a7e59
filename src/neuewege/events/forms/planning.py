"""Forms of the staff pages of events: planning (step 1 the family centre, format and shape,
step 2 dates, details and speakers), booking on a parent's behalf, attendance, cancelling, and
the format catalogue. They check the shape of the input and turn a rhythm into dates; every
rule of planning and booking is decided by the services."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from neuewege.core.forms import checkboxes, date_field, time_field
from neuewege.core.models import Institution, Person

from ..exports import children_text, session_label
from ..models import Format, FormatModule, ParentEvent, SpokenLanguage, TargetGroup, Topic
from ..recurrence import MAX_SESSIONS, Rhythm
from ..services.booking import Booking
from ..services.planning import Plan
from .booking import parse_child_ages

# Dates outside these years are typing errors (and would overflow when converted to UTC).
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
TRANSLATED_LANGUAGES = [
    (code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
]
DETAIL_NAMES = ("title", "description", "topics", "target_groups", "languages", "capacity")


def language_attrs(code):
    """Inputs in another language say so (screen readers, spelling, right to left)."""
    return {"lang": code, "dir": "rtl" if get_language_info(code)["bidi"] else "ltr"}


def add_translation_fields(form, name, label, *, textarea=False, max_length=None):
    """``name_en``, ``name_tr`` … (the columns of django-modeltranslation), all optional."""
    created = []
    for code, language in TRANSLATED_LANGUAGES:
        attrs = language_attrs(code)
        widget = forms.Textarea(attrs=attrs | {"rows": 3}) if textarea else forms.TextInput(attrs)
        field_name = f"{name}_{code}"
        form.fields[field_name] = forms.CharField(
            label=format_lazy("{} ({})", label, language),
            required=False,
            max_length=max_length,
            widget=widget,
        )
        created.append(field_name)
    return created


def default_language_value(record, name):
    return getattr(record, f"{name}_{settings.LANGUAGE_CODE}") or ""


def digest(warnings) -> str:
    """A fingerprint of the warnings a planner confirmed: a confirmation covers exactly them."""
    text = "\n".join(str(warning) for warning in warnings)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# Planning


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


@dataclass(frozen=True)
class PlannedDate:
    starts_at: datetime
    ends_at: datetime
    module: FormatModule | None = None


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


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The registered parents are told this reason."),
        error_messages={"required": _("Give a reason: the registered parents are told it.")},
    )


# Booking on a parent's behalf


class StaffBookingForm(forms.Form):
    """The details a parent gives by phone or at the door; the same rules as the online
    booking (``services.booking.check_booking``)."""

    session = forms.TypedChoiceField(
        label=_("Date"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the dates.")},
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Enter the parent's first name.")},
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        help_text=_(
            "A phone number or an e-mail address is needed. With an e-mail address the parent "
            "gets a confirmation and a reminder; without one, the centre calls them."
        ),
        widget=forms.TextInput(
            attrs={"type": "email", "inputmode": "email", "autocomplete": "off"}
        ),
    )
    child_ages = forms.CharField(
        label=_("Ages of the children who need care"),
        required=False,
        max_length=100,
        help_text=_("For example: 2, 4. Leave empty if no childcare is needed."),
    )
    language_needs = forms.CharField(
        label=_("Language needs"),
        required=False,
        max_length=200,
        help_text=_("For example: speaks Arabic and a little German."),
    )
    language = forms.ChoiceField(
        label=_("Language of the messages to the parent"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )
    consent = forms.BooleanField(
        label=_("The parent agreed to the processing of their details (text read out)"),
        error_messages={
            "required": _("Read the text out to the parent; tick the box when they agree.")
        },
    )
    survey_consent = forms.BooleanField(
        label=_("The parent agreed to be invited to the follow-up survey (text read out)"),
        required=False,
    )

    def __init__(self, *args, event, sessions, consent, survey_consent, **kwargs):
        """``sessions``: [(session, free places)] of the dates still bookable."""
        super().__init__(*args, **kwargs)
        self.consent_text, self.survey_text = consent, survey_consent
        self.fields["consent"].widget.attrs["aria-describedby"] = "consent-text"
        if event.is_course:
            del self.fields["session"]
        else:
            self.fields["session"].choices = [
                (session.pk, places_label(session, free)) for session, free in sessions
            ]
            if len(sessions) == 1:
                self.fields["session"].initial = sessions[0][0].pk
        if survey_consent is None:
            del self.fields["survey_consent"]
        else:
            self.fields["survey_consent"].widget.attrs["aria-describedby"] = "survey-consent-text"
        if not event.childcare_offered:
            del self.fields["child_ages"]

    def clean_child_ages(self):
        return parse_child_ages(self.cleaned_data["child_ages"])

    @property
    def consent_translations(self):
        """[(code, language, text, right to left)]: the consent text to read out in the
        parent's language."""
        if self.consent_text is None:
            return []
        result = []
        for code, language in TRANSLATED_LANGUAGES:
            text = getattr(self.consent_text, f"text_{code}", None)
            if text:
                result.append((code, language, text, get_language_info(code)["bidi"]))
        return result

    def booking(self) -> Booking:
        data = self.cleaned_data
        return Booking(
            first_name=data["first_name"],
            email=data["email"],
            phone=data["phone"],
            child_ages=data.get("child_ages") or [],
            language_needs=data["language_needs"],
            language=data["language"],
            consent_id=self.consent_text.pk if self.consent_text and data["consent"] else None,
            survey_consent_id=self.survey_text.pk
            if self.survey_text and data.get("survey_consent")
            else None,
        )


def places_label(session, free):
    places = _("%(count)s place(s) free") % {"count": free} if free > 0 else _("full: waiting list")
    return f"{session_label(session)} – {places}"


# Attendance


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Who came?"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick everyone who came."),
    )
    counselling_appointments = forms.IntegerField(
        label=_("Individual counselling appointments agreed"),
        required=False,
        min_value=0,
        max_value=500,
        help_text=_("How many parents agreed an appointment with the speakers afterwards."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (registration.pk, attendee_label(registration)) for registration in registrations
        ]


def attendee_label(registration):
    children = children_text(registration.child_ages)
    return f"{registration.first_name} – {children}" if children else registration.first_name


# The format catalogue


class FormatForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description for parents"), widget=forms.Textarea(attrs={"rows": 5})
    )
    min_minutes = forms.IntegerField(
        label=_("Shortest duration (minutes)"), min_value=1, max_value=1440
    )
    default_minutes = forms.IntegerField(
        label=_("Usual duration (minutes)"), min_value=1, max_value=1440
    )
    max_minutes = forms.IntegerField(
        label=_("Longest duration (minutes)"), min_value=1, max_value=1440
    )
    default_capacity = forms.IntegerField(
        label=_("Usual number of places"), min_value=1, max_value=1000
    )
    max_capacity = forms.IntegerField(
        label=_("Largest number of places"), min_value=1, max_value=1000
    )
    childcare_expected = forms.BooleanField(label=_("Childcare expected"), required=False)
    topics = checkboxes(_("Topics"), Topic.choices)
    target_groups = checkboxes(_("Target groups"), TargetGroup.choices)

    RULE_NAMES = (
        "min_minutes",
        "default_minutes",
        "max_minutes",
        "default_capacity",
        "max_capacity",
        "childcare_expected",
    )

    def __init__(self, *args, event_format, **kwargs):
        super().__init__(*args, **kwargs)
        self.modules = list(event_format.modules.all())
        self.module_names = []
        for module in self.modules:
            name = f"motto_{module.number}"
            self.fields[name] = forms.CharField(
                label=_("Motto of module %(number)s") % {"number": module.number}, max_length=100
            )
            self.module_names.append(name)
        self.translation_names = add_translation_fields(
            self, "name", _("Name"), max_length=100
        ) + add_translation_fields(self, "description", _("Description for parents"), textarea=True)
        for module in self.modules:
            self.translation_names += add_translation_fields(
                self,
                f"motto_{module.number}",
                _("Motto of module %(number)s") % {"number": module.number},
                max_length=100,
            )
        if not self.is_bound:
            self.initial = self._initial_values(event_format)

    def _initial_values(self, event_format):
        initial = {name: getattr(event_format, name) for name in self.RULE_NAMES}
        initial |= {
            "name": default_language_value(event_format, "name"),
            "description": default_language_value(event_format, "description"),
            "topics": list(event_format.topics),
            "target_groups": list(event_format.target_groups),
        }
        for code, _language in TRANSLATED_LANGUAGES:
            for name in ("name", "description"):
                initial[f"{name}_{code}"] = getattr(event_format, f"{name}_{code}") or ""
            for module in self.modules:
                initial[f"motto_{module.number}_{code}"] = getattr(module, f"motto_{code}") or ""
        for module in self.modules:
            initial[f"motto_{module.number}"] = default_language_value(module, "motto")
        return initial

    def _group(self, names):
        return [self[name] for name in names if name in self.fields]

    @property
    def text_fields(self):
        return self._group(("name", "description"))

    @property
    def rule_fields(self):
        return self._group((*self.RULE_NAMES, "topics", "target_groups"))

    @property
    def module_fields(self):
        return self._group(self.module_names)

    @property
    def translation_fields(self):
        return self._group(self.translation_names)

    @property
    def has_translation_errors(self):
        return any(self.errors.get(name) for name in self.translation_names)

    def catalogue_data(self) -> dict:
        """What ``catalogue_services.update_format`` takes."""
        data = self.cleaned_data
        result = {
            name: data[name]
            for name in ("name", "description", *self.RULE_NAMES, "topics", "target_groups")
        }
        for code, _language in TRANSLATED_LANGUAGES:
            for name in ("name", "description"):
                result[f"{name}_{code}"] = (data.get(f"{name}_{code}") or "").strip() or None
        result["modules"] = {
            module.number: {
                "motto": data[f"motto_{module.number}"],
                **{
                    f"motto_{code}": (data.get(f"motto_{module.number}_{code}") or "").strip()
                    or None
                    for code, _language in TRANSLATED_LANGUAGES
                },
            }
            for module in self.modules
        }
        return result
