"""Forms of the coverage scenarios and plans. They check the shape of the input; the rules
(ranges, names, the base) are the service's (``services.scenarios.save_scenario``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from neuewege.core.models import EventFormat, Institution

from .services import plans as services
from .services import scenarios

FUNCTION_CHOICES = [
    ("bca", _("BCA")),
    ("placement_officer", _("Placement officer")),
    ("case_manager", _("Case manager")),
    ("other", _("Other function")),
]
KIND_CHOICES = [
    (Institution.Kind.EMPLOYMENT_AGENCY, _("Employment agency (AA)")),
    (Institution.Kind.JOB_CENTRE, _("Job centre (JC)")),
    (Institution.Kind.EDUCATION_PROVIDER, _("Education provider")),
]
EXTRA_ROWS = 2  # empty rows for speakers added, besides those the scenario has


class PersonChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.institution.name})"


class ScenarioForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    functions = forms.MultipleChoiceField(
        label=_("Speakers taking part"),
        choices=FUNCTION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: speakers of every function take part."),
    )
    hours_percent = forms.IntegerField(
        label=_("Hours budget (%)"),
        help_text=_("The speakers' hours per month for events, in per cent: 10 to 300."),
    )
    left_out = PersonChoices(
        label=_("People left out"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    base = forms.ModelChoiceField(
        label=_("Compared with"),
        queryset=None,
        required=False,
        empty_label=_("No comparison"),
        help_text=_("Another scenario of the same year: its plan is computed on the same data."),
    )

    def __init__(self, *args, region, year, scenario=None, **kwargs):
        from . import selectors
        from .models import Scenario

        super().__init__(*args, **kwargs)
        self.fields["left_out"].queryset = selectors.speakers_of_region(region).order_by(
            "last_name", "first_name", "pk"
        )
        others = Scenario.objects.filter(region=region, year=year).order_by("name")
        if scenario is not None:
            others = others.exclude(pk=scenario.pk)
        self.fields["base"].queryset = others

    @classmethod
    def for_scenario(cls, scenario, data=None):
        initial = {
            "name": scenario.name,
            "description": scenario.description,
            "functions": scenario.functions,
            "hours_percent": scenario.hours_percent,
            "left_out": list(scenario.left_out.all()),
            "base": scenario.base,
        }
        return cls(
            data, initial=initial, region=scenario.region, year=scenario.year, scenario=scenario
        )


def _range_messages(low, high, message):
    return {"min_value": message, "max_value": message, "invalid": message}


class ExtraSpeakerForm(forms.Form):
    institution_kind = forms.ChoiceField(
        label=_("Institution"), choices=KIND_CHOICES, initial=Institution.Kind.JOB_CENTRE
    )
    function = forms.ChoiceField(
        label=_("Function"), choices=FUNCTION_CHOICES, initial="case_manager"
    )
    count = forms.IntegerField(
        label=_("How many"),
        min_value=1,
        max_value=50,
        error_messages=_range_messages(1, 50, _("Give how many, from 1 to 50.")),
    )
    hours_per_month = forms.IntegerField(
        label=_("Hours per month"),
        min_value=1,
        max_value=40,
        initial=4,
        error_messages=_range_messages(1, 40, _("Give the hours per month, from 1 to 40.")),
    )
    formats = forms.MultipleChoiceField(
        label=_("Formats they may moderate"),
        choices=EventFormat.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one format they may moderate.")},
    )
    max_travel_km = forms.IntegerField(
        label=_("Longest journey (km)"),
        min_value=1,
        max_value=200,
        initial=30,
        error_messages=_range_messages(1, 200, _("Give the longest journey, from 1 to 200 km.")),
    )


class BaseExtraSpeakerFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove these speakers")


ExtraSpeakerFormSet = forms.formset_factory(
    ExtraSpeakerForm,
    formset=BaseExtraSpeakerFormSet,
    extra=EXTRA_ROWS,
    can_delete=True,
    max_num=20,
    absolute_max=20,
)


def extra_speakers(formset) -> list[dict]:
    """The rows filled in and not removed."""
    return [
        {key: value for key, value in form.cleaned_data.items() if key != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


CENTRE_FORMATS = [  # the events a year a family centre added asks for, by format
    (EventFormat.PARENT_CAFE, _("Parent cafés a year")),
    (EventFormat.INFO_SESSION, _("Topic events a year")),
    (EventFormat.PARENT_COURSE, _("Parent courses a year")),
]


def _events_field(label):
    message = _("Give the events a year, from 0 to 24.")
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=scenarios.MAX_CENTRE_EVENTS,
        initial=0,
        error_messages=_range_messages(0, scenarios.MAX_CENTRE_EVENTS, message)
        | {"required": message},
    )


class ExtraCentreForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the family centre"),
        max_length=scenarios.MAX_CENTRE_NAME,
        error_messages={"required": _("Give the family centre's name.")},
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Give the postcode.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in CENTRE_FORMATS:
            self.fields[code] = _events_field(label)

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip()
        if not scenarios.known_postcode(postcode):
            raise forms.ValidationError(_("Give a German postcode of five digits."))
        return postcode

    def clean(self):
        data = super().clean()
        counts = [data.get(code) for code, _label in CENTRE_FORMATS]
        if all(count is not None for count in counts) and not any(counts):
            self.add_error(
                CENTRE_FORMATS[0][0], _("Ask for at least one event a year of some format.")
            )
        return data


class BaseExtraCentreFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this family centre")


ExtraCentreFormSet = forms.formset_factory(
    ExtraCentreForm,
    formset=BaseExtraCentreFormSet,
    extra=1,
    can_delete=True,
    max_num=20,
    absolute_max=20,
)


def centre_initial(extra_centres) -> list[dict]:
    """A scenario's family centres added as the rows' initial values."""
    return [
        {"name": entry["name"], "postcode": entry["postcode"]}
        | {code: entry.get("requests", {}).get(code, 0) for code, _label in CENTRE_FORMATS}
        for entry in extra_centres
    ]


def extra_centres(formset) -> list[dict]:
    """The rows filled in and not removed, in the shape of ``Scenario.extra_centres``."""
    return [
        {
            "name": form.cleaned_data["name"],
            "postcode": form.cleaned_data["postcode"],
            "requests": {code: form.cleaned_data[code] for code, _label in CENTRE_FORMATS},
        }
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class RunForm(forms.Form):
    time_limit_seconds = forms.IntegerField(
        label=_("Time limit (seconds)"),
        min_value=1,
        max_value=services.MAX_TIME_LIMIT_SECONDS,
        initial=services.DEFAULT_TIME_LIMIT_SECONDS,
        error_messages=_range_messages(
            1,
            services.MAX_TIME_LIMIT_SECONDS,
            _("Give a time limit from 1 to 60 seconds."),
        ),
        help_text=_(
            "The planner stops after this time at the latest and keeps the best plan found; "
            "with a comparison, the compared scenario and each added speaker take longer."
        ),
    )
