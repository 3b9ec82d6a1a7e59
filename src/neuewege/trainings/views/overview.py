"""The overview of the trainings: a region's figures, and every region's at the state level
(both with their tables as CSV and XLSX through the exporters)."""

from django.urls import reverse
from django.views import View

from neuewege.core import exporters
from neuewege.core.access import STATE_FIGURES
from neuewege.core.views.base import AccessMixin

from .. import figures
from ..permissions import SEE


def downloads(name, *args):
    return {fmt: reverse(name, args=[*args, fmt]) for fmt in ("csv", "xlsx")}


class TrainingOverviewView(AccessMixin, View):
    permission = SEE

    def get(self, request, region_key):
        region_figures = figures.region_figures(self.region)
        return self.render(
            "trainings/overview.html",
            figures=region_figures,
            formats=figures.FORMATS,
            held_chart=region_figures.held_chart(),
            participants_chart=region_figures.participants_chart(),
            download=downloads("training-overview-export", region_key),
        )


class TrainingStateOverviewView(AccessMixin, View):
    permission = STATE_FIGURES
    programme_wide = True

    def get(self, request):
        state = figures.state_figures()
        return self.render(
            "trainings/state_overview.html",
            state=state,
            figures=state.total,
            formats=figures.FORMATS,
            covered_kinds=[figures.Kind(kind).label for kind in figures.COVERED_KINDS],
            held_chart=state.total.held_chart(),
            participants_chart=state.total.participants_chart(),
            download=downloads("training-state-overview-export"),
        )


overview_export = exporters.alias("training-overview")
state_overview_export = exporters.alias("training-state-overview")
