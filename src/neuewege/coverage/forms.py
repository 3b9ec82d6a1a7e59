"""Forms of the coverage app. They check the shape of the input; the rules are the services'."""

import re
from datetime import date, datetime

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from neuewege.core.models import EventFormat, OpeningPeriod
from neuewege.core.uploads import MB

from . import imports as request_imports
from .models import FORMAT_DEFAULTS, CentreRequest, PartOfDay, SpeakerCapacity

MONTH_CHOICES = list(MONTHS.items())
AS_USUAL, OTHER = "", "other"
FREQUENCIES = [
    (AS_USUAL, _("As usual for the format")),
    ("12", _("Every month (12 a year)")),
    ("2", _("Per half-year (2 a year)")),
    ("1", _("Once a year")),
    (OTHER, _("Another number a year")),
]


def _numbers(label, choices):
    return forms.TypedMultipleChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def usual_frequencies() -> str:
    labels = dict(EventFormat.choices)
    return ", ".join(
        f"{labels[code]}: {default.per_year}" for code, default in FORMAT_DEFAULTS.items()
    )


class CentreRequestForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    format = forms.ChoiceField(label=_("Format"), choices=EventFormat.choices)
    frequency = forms.ChoiceField(label=_("How often"), choices=FREQUENCIES, required=False)
    per_year = forms.IntegerField(
        label=_("Events a year"),
        required=False,
        help_text=_("Only for “another number”: 1 to 52."),
    )
    weekdays = _numbers(_("Preferred weekdays"), OpeningPeriod.Weekday.choices)
    part_of_day = forms.ChoiceField(
        label=_("Preferred time of day"),
        choices=[("", _("Any time")), *PartOfDay.choices],
        required=False,
        help_text=_("Within the family centre's opening hours, early and late hours included."),
    )
    avoid_months = _numbers(_("Months to avoid (e.g. holidays)"), MONTH_CHOICES)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["frequency"].help_text = _("As usual: %(usual)s a year.") % {
            "usual": usual_frequencies()
        }

    @classmethod
    def for_request(cls, centre_request: CentreRequest, data=None):
        initial = {
            name: getattr(centre_request, name)
            for name in ("year", "format", "per_year", "weekdays", "part_of_day", "avoid_months")
        } | {"note": centre_request.note}
        per_year = str(centre_request.per_year)
        initial["frequency"] = per_year if per_year in {"12", "2", "1"} else OTHER
        return cls(data, initial=initial)

    def clean(self):
        cleaned = super().clean()
        frequency = cleaned.get("frequency")
        if frequency == OTHER:
            if cleaned.get("per_year") is None:
                self.add_error("per_year", _("Give the number of events a year."))
        elif frequency:
            cleaned["per_year"] = int(frequency)
        else:
            cleaned["per_year"] = None  # the format's default (the service's)
        return cleaned


DATE_SPLIT = re.compile(r"[\s,;]+")


class DatesField(forms.CharField):
    """Days given as text, one per line or separated by commas (24.12.2026 or 2026-12-24)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value):
        text = super().to_python(value)
        days = []
        for word in filter(None, DATE_SPLIT.split(text)):
            for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
                try:
                    days.append(datetime.strptime(word, pattern).date())
                    break
                except ValueError:
                    continue
            else:
                raise forms.ValidationError(
                    _("“%(word)s” is no date: give days like 24.12.2026.") % {"word": word[:20]}
                )
        return days


class SpeakerCapacityForm(forms.Form):
    hours_per_month = forms.IntegerField(
        label=_("Hours per month for events"), help_text=_("1 to 80 hours.")
    )
    max_travel_km = forms.IntegerField(label=_("Longest journey (km by road)"))
    max_travel_minutes = forms.IntegerField(label=_("Longest journey (minutes)"))
    unavailable_months = _numbers(_("Months not available"), MONTH_CHOICES)
    unavailable_dates = DatesField(
        label=_("Days not available"),
        required=False,
        help_text=_("One per line or separated by commas, e.g. 24.12.2026."),
    )
    active = forms.BooleanField(label=_("Speaks at events"), required=False, initial=True)

    @classmethod
    def for_capacity(cls, capacity: SpeakerCapacity | None, data=None):
        if capacity is None:
            defaults = SpeakerCapacity()
            initial = {
                name: getattr(defaults, name)
                for name in ("hours_per_month", "max_travel_km", "max_travel_minutes", "active")
            }
        else:
            initial = {
                name: getattr(capacity, name)
                for name in (
                    "hours_per_month",
                    "max_travel_km",
                    "max_travel_minutes",
                    "unavailable_months",
                    "active",
                )
            }
            initial["unavailable_dates"] = "\n".join(
                date.fromisoformat(day).strftime("%d.%m.%Y") for day in capacity.unavailable_dates
            )
        return cls(data, initial=initial)


class RequestImportForm(forms.Form):
    MAX_BYTES = request_imports.MAX_FILE_BYTES

    year = forms.IntegerField(label=_("Year of the requests"), min_value=2000, max_value=2100)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "CSV (UTF-8 or Windows-1252) or Excel (.xlsx), at most %(mb)s MB."
        ) % {"mb": self.MAX_BYTES // MB}

    def clean_file(self):
        """Its size (read no further than the limit, core/uploads.py) and its ending, before
        the file is read."""
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(request_imports.too_large_message())
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload
