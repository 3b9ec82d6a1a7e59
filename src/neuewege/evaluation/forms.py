"""Forms of the evaluation: the filters of the results (a GET form)."""

from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from neuewege.core.models import EventFormat, Institution

from .disclosure import Period, offered_periods
from .results import Filters


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


def family_centres(region):
    if region is None:
        return []
    return list(
        Institution.objects.family_centres()
        .filter(region=region)
        .only("pk", "name", "region_id")
        .order_by("name")
    )


class Selection:
    """The filter form of a request's parameters and the ``Filters`` it chose (None when
    invalid)."""

    def __init__(self, params, *, region=None, regions=None):
        params = dict(params)
        if regions is not None:  # the state level chooses the region
            region = {item.key: item for item in regions}.get(params.get("region", ""))
        data = {name: value for name, value in params.items() if value}
        self.form = ResultsFilterForm(data, regions=regions, centres=family_centres(region))
        self.filters = None
        if self.form.is_valid():
            data = self.form.cleaned_data
            self.filters = Filters(
                period=data["period"],
                region=region,
                format=data["format"] or "",
                family_centre=self.form.centres.get(data.get("centre")),
            )

    def query(self, **extra) -> str:
        params = self.filters.query() if self.filters else {}
        if self.filters is not None and "region" in self.form.fields and self.filters.region:
            params["region"] = self.filters.region.key
        return urlencode(params | extra)
