"""The coverage dashboards: a region's family centres by whether they have events in the year,
events planned or none (per centre), and the same per region for every region (the state
level). The definition is ``figures``'s, said on the pages."""

from django.views import View

from neuewege.core.access import STATE_FIGURES
from neuewege.core.views.base import AccessMixin

from .. import figures
from ..permissions import SEE
from .demand import _year


class CoverageDashboardView(AccessMixin, View):
    permission = SEE

    def get(self, request, region_key):
        year = _year(request)
        return self.render(
            "coverage/dashboard.html",
            coverage=figures.region_coverage(self.region, year),
            year=year,
            years=[year - 1, year + 1],
        )


class StateCoverageView(AccessMixin, View):
    permission = STATE_FIGURES
    programme_wide = True

    def get(self, request):
        year = _year(request)
        return self.render(
            "coverage/state.html",
            coverage=figures.state_coverage(self.access.regions(), year),
            year=year,
            years=[year - 1, year + 1],
        )
