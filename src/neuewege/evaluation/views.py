"""Staff pages of the evaluation's results: a region's results, the state-wide results, every
table as CSV and XLSX, and the regional report as PDF.

Who reads what (the rules live in ``core.access`` and ``evaluation.results``):

- A region's results are aggregates: the people of the region read them, and the state level
  too (it drills down from the state-wide page). Figures from fewer than five responses read
  "< 5" for everyone; those of a part without invitations, a dash.
- The free-text answers stay in the region: its people read them (on the page and as an
  export); the state level never does (``evaluation.read_free_texts``). The PDF report is
  aggregates only, so it may be passed on.
- The state-wide results are the state level's (everyone else: 403).
"""

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy
from django.views import View

from neuewege.core import exporters
from neuewege.core.access import STATE_FIGURES, VIEW
from neuewege.core.documents import TABLE_FORMATS
from neuewege.core.replica import replica_reads
from neuewege.core.views.base import AccessMixin

from . import results
from .forms import Selection
from .permissions import READ_FREE_TEXTS

# The charts: where a trend is the point, the period's parts (a year's quarters, a quarter's
# months) as lines; each with its data table behind a disclosure. The figures by format,
# step, question and region are tables only: each figure is shown once.
CHARTS = [
    # (name, table, columns, title)
    ("trend_events", "trend", ["events", "sessions"], gettext_lazy("Events and sessions held")),
    (
        "trend_parents",
        "trend",
        ["attended", "invitations", "responses"],
        gettext_lazy("Parents who attended, were invited to the survey and answered it"),
    ),
    (
        "trend_shares",
        "trend",
        ["response_rate", "took_step"],
        gettext_lazy("Response rate and share of respondents who took a concrete step"),
    ),
]


def page_context(selection, figures, *, export_url, report_url=None) -> dict:
    """What the results page shows: the form, the tables (each with its CSV and XLSX links,
    carrying the page's filters) and the charts' data, or the empty state."""
    query = selection.query()
    context = {
        "form": selection.form,
        "filters": selection.filters,
        "query": query,
        "figures_minutes": settings.FIGURES_CACHE_SECONDS // 60,
        "min_responses": results.MIN_RESPONSES,
        "suppressed": results.SUPPRESSED,
        "benchmark_quote": results.BENCHMARK_QUOTE,
        "benchmark_source": results.BENCHMARK_SOURCE,
        "report_url": f"{report_url}?{query}" if report_url else None,
    }
    if figures is None or figures.is_empty:
        return context | {"results": figures, "empty": True}
    tables = figures.tables()
    for name, table in tables.items():
        table.links = {fmt: f"{export_url(name, fmt)}?{query}" for fmt in TABLE_FORMATS}
    return context | {
        "results": figures,
        "empty": False,
        "tables": tables,
        "charts": {
            name: {
                "id": f"chart-{name}",
                "title": title,
                "data": tables[table].lines(columns),
                "table": tables[table].columns_of(
                    columns, title=f"{title} ({tables[table].title})"
                ),
            }
            for name, table, columns, title in CHARTS
        },
    }


class RegionResultsPage(AccessMixin):
    """A region's results: aggregates, read by the region's people and the state level."""

    permission = VIEW

    def selection(self):
        return Selection(self.request.GET.dict(), region=self.region)


class RegionResultsView(RegionResultsPage, View):
    @replica_reads()  # aggregates: lag tolerated
    def get(self, request, region_key):
        selection = self.selection()
        figures = results.results(selection.filters) if selection.filters else None
        key = self.region.key
        context = page_context(
            selection,
            figures,
            export_url=lambda table, fmt: reverse("results-region-export", args=[key, table, fmt]),
            report_url=reverse("results-region-report", args=[key]),
        )
        reads_texts = self.access.has(READ_FREE_TEXTS, self.region)
        if reads_texts and not context["empty"]:
            context["free_texts"] = results.free_texts(
                selection.filters, limit=results.FREE_TEXT_LIMIT
            )
            context["free_text_limit"] = results.FREE_TEXT_LIMIT
            context["free_text_links"] = {
                fmt: reverse("results-region-comments-export", args=[key, fmt])
                + f"?{context['query']}"
                for fmt in TABLE_FORMATS
            }
        return self.render(
            "evaluation/results.html", scope="region", reads_texts=reads_texts, **context
        )


# The files: aliases of the exporters in ``evaluation/exporters.py``


region_export = exporters.alias("results-region")
region_comments_export = exporters.alias("results-free-texts")
region_report = exporters.alias("results-report", "pdf")
state_export = exporters.alias("results-state")


class StateResultsPage(AccessMixin):
    """The state-wide results: the state level only."""

    permission = STATE_FIGURES
    programme_wide = True

    def selection(self):
        self.regions = sorted(self.access.regions_by_key.values(), key=lambda item: item.name)
        return Selection(self.request.GET.dict(), regions=self.regions)


class StateResultsView(StateResultsPage, View):
    @replica_reads()  # aggregates: lag tolerated
    def get(self, request):
        selection = self.selection()
        filters = selection.filters
        figures = results.results(filters, regions=self.regions) if filters else None
        region = filters.region if filters else None
        context = page_context(
            selection,
            figures,
            export_url=lambda table, fmt: reverse("results-state-export", args=[table, fmt]),
            report_url=reverse("results-region-report", args=[region.key]) if region else None,
        )
        return self.render(
            "evaluation/results.html",
            **context,
            scope="state",
            chosen_region=region,
            reads_texts=False,
            region_query=urlencode(filters.query() if filters else {}),
        )
