"""Filters of the staff's event list (see ``core.filters`` for how list filters behave)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from neuewege.core.filters import ListFilterSet, choice_filter

from . import selectors
from .models import Format, ParentEvent


class WhenFilter(django_filters.ChoiceFilter):
    """Upcoming (a date lies ahead), past or all events, each in its order; upcoming when the
    value is missing or unknown."""

    DEFAULT = "upcoming"

    def filter(self, qs, value):
        when = value or self.DEFAULT
        if when == "upcoming":
            return qs.filter(next_start__isnull=False).order_by("next_start", "pk")
        if when == "past":
            return qs.filter(next_start__isnull=True).order_by("-last_end", "-pk")
        return qs.order_by("-first_start", "-pk")


class EventFilter(ListFilterSet):
    """Filters ``selectors.region_events``; the family centres offered are those of the page's
    region."""

    when = WhenFilter(
        label=_("Period"),
        choices=[("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All"))],
        empty_label=None,
        error_messages={
            "invalid_choice": _("There is no such choice. The list shows the upcoming events.")
        },
    )
    status = choice_filter(_("Status"), ParentEvent.Status.choices, empty_label=_("Any status"))
    format = choice_filter(_("Format"), [], empty_label=_("All formats"), field_name="format__code")
    centre = choice_filter(
        _("Family centre"), [], empty_label=_("All family centres"), field_name="family_centre_id"
    )

    def __init__(self, data, queryset, *, access, region):
        super().__init__(data, queryset, access=access, region=region)
        self.filters["format"].extra["choices"] = [
            (item.code, item.name) for item in Format.objects.order_by("pk")
        ]
        self.filters["centre"].extra["choices"] = list(
            selectors.region_family_centres(region).values_list("pk", "name")
        )

    @property
    def when_shown(self):
        """The time shown (for the list's date column)."""
        self.form.is_valid()
        return self.form.cleaned_data.get("when") or WhenFilter.DEFAULT
