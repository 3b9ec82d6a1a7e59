"""List filters (django-filter), and those of master data: institutions and people.

A FilterSet filters the queryset a selector returns (the selector scopes it to the account); it
receives the account's access and the page's region to offer only choices the account may see.
It is always bound to the query string. A value that does not fit (an unknown choice, a number
that is none) is reported at its field, and that filter is left out while the others apply: the
list shows what the form shows as chosen, and nothing fails.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Institution, Person

SEARCH_LENGTH = 100
NOT_A_CHOICE = _("There is no such choice. The list is shown without this filter.")


class FilterForm(forms.Form):
    """The form of a FilterSet; rendered field by field by ``includes/filter_form.html``."""


class SearchInput(forms.TextInput):
    input_type = "search"


class SearchField(forms.CharField):
    """Free text, stripped and cut to ``SEARCH_LENGTH`` characters (never refused)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", SearchInput(attrs={"maxlength": SEARCH_LENGTH}))
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(value)[:SEARCH_LENGTH].strip()


class SearchFilter(django_filters.CharFilter):
    """Free text matched by ``method`` (the fields it searches are the list's own)."""

    field_class = SearchField


def choice_filter(label, choices, *, empty_label, **kwargs):
    """A select with an "all" option first; an unknown value is reported and left out."""
    return django_filters.ChoiceFilter(
        label=label,
        choices=choices,
        empty_label=empty_label,
        error_messages={"invalid_choice": NOT_A_CHOICE},
        **kwargs,
    )


class ListFilterSet(django_filters.FilterSet):
    """Base of every list page's filters (see the module's description)."""

    class Meta:
        form = FilterForm

    def __init__(self, data, queryset, *, access, region=None):
        self.access = access
        self.region = region
        super().__init__(data, queryset)

    def filter_queryset(self, queryset):
        # Every filter runs, one with an invalid value as if it were empty: a filter with a
        # default (e.g. the events' "upcoming") keeps its default then.
        self.form.is_valid()
        cleaned = self.form.cleaned_data
        for name, filter_ in self.filters.items():
            queryset = filter_.filter(queryset, cleaned.get(name, ""))
        return queryset

    @property
    def is_filtered(self):
        """Whether the query string names any of the filters (for the "reset filters" link)."""
        return any(self.data.get(name) for name in self.filters)


class InstitutionFilter(ListFilterSet):
    q = SearchFilter(label=_("Name, town or postcode"), method="search")
    kind = choice_filter(_("Kind"), Institution.Kind.choices, empty_label=_("All kinds"))

    def search(self, queryset, name, value):
        condition = Q(name__icontains=value) | Q(town__icontains=value)
        if value.isdigit():
            condition |= Q(postcode__startswith=value)
        return queryset.filter(condition)


class PersonFilter(ListFilterSet):
    q = SearchFilter(label=_("Name, e-mail or institution"), method="search")
    function = choice_filter(_("Function"), Person.Function.choices, empty_label=_("All functions"))

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(last_name__icontains=value)
            | Q(first_name__icontains=value)
            | Q(email__icontains=value)
            | Q(institution__name__icontains=value)
        )


class ApiPersonFilter(PersonFilter):
    """The API's people filter also by institution (the staff list has no such field)."""

    institution_id = django_filters.NumberFilter(field_name="institution_id")
