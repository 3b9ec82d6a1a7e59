"""Figures: the region dashboard, and the state overview of all regions (with its XLSX)."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views import View

from neuewege.core import exporters as core_exporters
from neuewege.core.access import STATE_FIGURES, VIEW
from neuewege.core.models import Region
from neuewege.core.replica import replica_reads
from neuewege.core.views.base import AccessMixin
from neuewege.evaluation.disclosure import MIN_RESPONSES

from .. import dashboards, exporters
from ..models import CHECK_OLD_AFTER
from ..permissions import SEE
from .base import CooperationPage


class RegionDashboardView(CooperationPage, View):
    """Where the region stands, on one page: aggregates, which the state level reads too. The
    goals, tasks and the Check themselves only for the region's people (as in the API)."""

    permission = VIEW

    @replica_reads()  # figures: lag tolerated
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


# The map's colour per programme phase ("": not in the programme), each with at least 3:1
# contrast on a light map; the legend (app.css: .dot--phase-…) and the table say it in words.
PHASE_COLOURS = {"model": "#0b4f8a", "transfer": "#6a1b9a", "extension": "#9c4a00", "": "#595959"}
NUMERIC_COLUMNS = {"coverage", "events", "parents"}


class StateOverviewView(AccessMixin, View):
    """The state level's start page: the programme's totals in NRW with their trend, a map of
    the regions by phase and reach, and every region's figures (sortable, filterable, as XLSX).
    Figures only, no parent's personal data."""

    permission = STATE_FIGURES
    programme_wide = True
    COLUMNS = exporters.STATE_COLUMNS

    @replica_reads()  # figures: lag tolerated
    def get(self, request):
        sort = exporters.state_sort(request.GET.get("sort", ""))
        show = exporters.state_show(request.GET.get("show", ""))
        # computed only when the page's parts are not in the cache
        every_region = SimpleLazyObject(lambda: exporters.sorted_rows(sort))
        rows = SimpleLazyObject(lambda: exporters.shown_rows(every_region, show))
        return self.render(
            "cooperation/state_overview.html",
            rows=rows,
            sort=sort,
            show=show,
            show_choices=exporters.STATE_SHOW.items(),
            totals=SimpleLazyObject(dashboards.state_totals),
            survey=SimpleLazyObject(dashboards.survey_totals),
            figures_seconds=settings.FIGURES_CACHE_SECONDS,
            figures_minutes=settings.FIGURES_CACHE_SECONDS // 60,
            columns=[(key, label, key in NUMERIC_COLUMNS) for key, label in self.COLUMNS],
            check_old_years=CHECK_OLD_AFTER.years,
            min_responses=MIN_RESPONSES,
            phase_legend=[
                (f"dot--phase-{phase or 'none'}", label)
                for phase, label in [*Region.Phase.choices[1:], Region.Phase.choices[0]]
            ],
            # a callable: the template calls it inside the cached part only (json_script takes
            # no lazy object)
            map_points=lambda: map_points(every_region),
        )


def map_points(rows) -> list[dict]:
    """A dot per region with a position: coloured by its phase, larger the more of its family
    centres had an event in the last 12 months; hollow when not in the programme."""
    return [
        {
            "lat": row.centre[0],
            "lon": row.centre[1],
            "name": _("%(region)s: %(phase)s, %(percent)s of family centres reached")
            % {
                "region": row.region.name,
                "phase": row.region.get_phase_display(),
                "percent": "—" if row.coverage.percent is None else f"{row.coverage.percent} %",
            },
            "colour": PHASE_COLOURS[row.region.phase],
            "radius": 5 + round((row.coverage.percent or 0) / 10),
            "hollow": not row.in_programme,
        }
        for row in rows
        if row.centre is not None
    ]


state_overview_export = core_exporters.alias("state-overview")
