"""Figures: the region dashboard, and the state overview of all regions (with its XLSX)."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views import View

from neuewege.core import exporters as core_exporters
from neuewege.core.access import STATE_FIGURES, VIEW
from neuewege.core.views.base import AccessMixin

from .. import dashboards, exporters
from ..permissions import SEE
from .base import CooperationPage


class RegionDashboardView(CooperationPage, View):
    """Where the region stands, on one page: aggregates, which the state level reads too. The
    goals, tasks and the Check themselves only for the region's people (as in the API)."""

    permission = VIEW

    def get(self, request, region_key):
        figures = dashboards.region_dashboard(self.region)
        return self.render(
            "cooperation/dashboard.html",
            sees_cooperation=self.access.has(SEE, self.region),
            figures=figures,
            goals_reached=sum(progress.reached for progress in figures.goals),
            figures_minutes=settings.FIGURES_CACHE_SECONDS // 60,
            chart={
                "label": _("Events"),
                "labels": [row.name for row in figures.events_by_format],
                "values": [row.events for row in figures.events_by_format],
            },
        )


class StateOverviewView(AccessMixin, View):
    """All regions at a glance (state level): figures only, sortable, and as XLSX."""

    permission = STATE_FIGURES
    programme_wide = True
    COLUMNS = exporters.STATE_COLUMNS

    def get(self, request):
        sort = exporters.state_sort(request.GET.get("sort", ""))
        # computed only when the page's table is not in the cache
        rows = SimpleLazyObject(lambda: exporters.sorted_rows(sort))
        return self.render(
            "cooperation/state_overview.html",
            rows=rows,
            sort=sort,
            figures_seconds=settings.FIGURES_CACHE_SECONDS,
            figures_minutes=settings.FIGURES_CACHE_SECONDS // 60,
            columns=self.COLUMNS,
            map_points=SimpleLazyObject(
                lambda: [
                    {
                        "lat": row.centre[0],
                        "lon": row.centre[1],
                        "name": row.region.name,
                        "covered": bool(row.coverage.covered),
                    }
                    for row in rows
                    if row.centre is not None
                ]
            ),
        )


state_overview_export = core_exporters.alias("state-overview")
