"""Filters of the action plan and the materials library (see ``core.filters`` for how list
filters behave)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from neuewege.core.filters import ListFilterSet, SearchFilter, choice_filter

from .models import Element, Task


class TaskFilter(ListFilterSet):
    """Filters ``selectors.tasks``. "Given to me" only for an account that is a person of the
    region's records (it has tasks to be given)."""

    STATUSES = [("open", _("Open")), ("overdue", _("Overdue")), ("done", _("Done"))]

    status = choice_filter(_("Show tasks"), [], empty_label=_("All"), method="by_status")

    def __init__(self, data, queryset, *, access, region):
        super().__init__(data, queryset, access=access, region=region)
        choices = list(self.STATUSES)
        if access.own_person_id is not None:
            choices.append(("mine", _("Given to me")))
        self.filters["status"].extra["choices"] = choices

    def by_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(is_done=False).exclude(status=Task.Status.DROPPED)
        if value == "overdue":
            return queryset.filter(is_overdue=True)
        if value == "done":
            return queryset.filter(is_done=True)
        return queryset.filter(owner_id=self.access.own_person_id)  # "mine"

    @property
    def status_shown(self):
        self.form.is_valid()
        return self.form.cleaned_data.get("status") or ""


class MaterialFilter(ListFilterSet):
    """Filters ``selectors.materials`` (a region's library, or the programme's)."""

    q = SearchFilter(label=_("Search"), method="search")
    element = choice_filter(
        _("Element of Neue Wege"),
        Element.choices,
        empty_label=_("All elements"),
        method="by_element",
    )

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def by_element(self, queryset, name, value):
        # The elements are a JSON list of codes, and SQLite has no JSON containment: the list's
        # text holds the code in quotes exactly when the list holds the code (a code is one of
        # ``Element``'s, without quotes; LIKE's wildcards are escaped).
        return queryset.filter(elements__icontains=f'"{value}"')
