"""Forms of the evaluation: the filters of the results (a GET form)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from neuewege.core.models import EventFormat

from .disclosure import Period, offered_periods


class ResultsFilterForm(forms.Form):
    """The filters of the results, as a GET form. The period is a month, a quarter or a year
    (never a free range: two overlapping ranges would reveal the small group between them);
    left empty, this year. A region (state level) and a family centre (of one region) are
    optional."""

    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    period = forms.ChoiceField(label=gettext_lazy("Period"), required=False)
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
        self.fields["period"].choices = offered_periods()
        self.fields["period"].error_messages["invalid_choice"] = _(
            "Choose a month, a quarter or a year from the list."
        )
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

    def clean_period(self) -> Period:
        value = self.cleaned_data["period"]
        return Period.parse(value) if value else Period.default()
