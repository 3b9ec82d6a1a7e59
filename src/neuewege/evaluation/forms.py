"""Forms of the evaluation: the filters of the results (a GET form)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from neuewege.core.models import EventFormat

from .results import EARLIEST, LATEST, MAX_MONTHS, months_between


class MonthField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%m.%Y", "%m/%Y"]
    default_error_messages = {"invalid": gettext_lazy("Enter a month like 2026-03.")}


class ResultsFilterForm(forms.Form):
    """The filters of the results, as a GET form. Left empty, the period is the last twelve
    months; a region (state level) and a family centre (of one region) are optional."""

    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    since = MonthField(label=gettext_lazy("From (month)"), required=False)
    until = MonthField(label=gettext_lazy("Until (month)"), required=False)
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        required=False,
        choices=[("", gettext_lazy("All formats")), *EventFormat.choices],
    )
    centre = forms.TypedChoiceField(
        label=gettext_lazy("Family centre"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, data, *, regions=None, centres=()):
        super().__init__(data)
        if regions is None:
            del self.fields["region"]
        else:
            self.fields["region"].choices = [("", _("All regions"))] + [
                (region.key, region.name) for region in regions
            ]
        self.centres = {centre.pk: centre for centre in centres}
        if centres:
            self.fields["centre"].choices = [("", _("All family centres"))] + [
                (centre.pk, centre.name) for centre in centres
            ]
        else:
            del self.fields["centre"]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until:
            if since < EARLIEST or until > LATEST:
                raise forms.ValidationError(_("Choose months between 2000 and 2099."))
            if until < since:
                self.add_error("until", _("The period cannot end before it begins."))
            elif months_between(since, until) > MAX_MONTHS:
                self.add_error(
                    "until",
                    _("Choose a period of at most %(years)s years.") % {"years": MAX_MONTHS // 12},
                )
        return data
