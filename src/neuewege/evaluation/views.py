"""Staff pages of the evaluation's results: a region's results, the state-wide results, every
table as CSV and XLSX, and the regional report as PDF.

Who reads what (the rules live in ``core.access`` and ``evaluation.results``):

- A region's results are aggregates: the people of the region read them, and the state level
  too (it drills down from the state-wide page). Figures from fewer than five responses read
  "< 5" for everyone.
- The free-text answers stay in the region: its people read them (on the page and as an
  export); the state level never does (``Access.can_read_free_texts``). The PDF report is
  aggregates only, so it may be passed on.
- The state-wide results are the state level's (everyone else: 403).
"""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from neuewege.core.access import Action, access_for
from neuewege.core.models import Institution
from neuewege.core.views import AccessMixin
from neuewege.events.exports import CONTENT_TYPES, to_csv, to_xlsx

from . import documents, results
from .forms import ResultsFilterForm
from .results import Filters

REGION_TABLES = ["summary", "events", "survey", "steps", "trend", "feedback"]
STATE_TABLES = [*REGION_TABLES, "regions"]
CHARTS = [
    # (name, table, column, title)
    ("events", "events", "events", gettext_lazy("Events held, by format")),
    (
        "took_step",
        "survey",
        "took_step",
        gettext_lazy("Share of respondents who took a concrete step, by format"),
    ),
    ("steps", "steps", "all", gettext_lazy("Steps taken, share of all respondents")),
    ("attended", "trend", "attended", gettext_lazy("Parents attended, over the period")),
    (
        "trend_steps",
        "trend",
        "took_step",
        gettext_lazy("Share of respondents who took a concrete step, over the period"),
    ),
]


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
    """The filter form of a request and the ``Filters`` it chose (None when invalid)."""

    def __init__(self, request, *, region=None, regions=None):
        params = request.GET.dict()
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


def spreadsheet(header, rows, *, fmt, title, filename) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    content = to_csv(header, rows) if fmt == "csv" else to_xlsx(header, rows, title=title)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


def table_download(table, fmt, filename) -> HttpResponse:
    header, rows = table.export()
    return spreadsheet(header, rows, fmt=fmt, title=table.title, filename=filename)


def invalid_filters(selection) -> HttpResponse:
    messages = [str(message) for errors in selection.form.errors.values() for message in errors]
    return HttpResponse(" ".join(messages), status=400, content_type="text/plain; charset=utf-8")


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
        table.links = {fmt: f"{export_url(name, fmt)}?{query}" for fmt in CONTENT_TYPES}
    return context | {
        "results": figures,
        "empty": False,
        "tables": tables,
        "charts": {
            name: {"id": f"chart-{name}", "title": title, "data": tables[table].chart(column)}
            for name, table, column, title in CHARTS
        },
    }


class RegionResultsPage(AccessMixin):
    """A region's results: aggregates, read by the region's people and the state level."""

    def is_allowed(self):
        return self.access.can(Action.VIEW, self.region)

    def selection(self):
        return Selection(self.request, region=self.region)


class RegionResultsView(RegionResultsPage, View):
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
        reads_texts = self.access.can_read_free_texts(self.region)
        if reads_texts and not context["empty"]:
            context["free_texts"] = results.free_texts(
                selection.filters, limit=results.FREE_TEXT_LIMIT
            )
            context["free_text_limit"] = results.FREE_TEXT_LIMIT
            context["free_text_links"] = {
                fmt: reverse("results-region-comments-export", args=[key, fmt])
                + f"?{context['query']}"
                for fmt in CONTENT_TYPES
            }
        return self.render(
            "evaluation/results.html", scope="region", reads_texts=reads_texts, **context
        )


class RegionResultsExportView(RegionResultsPage, View):
    def get(self, request, region_key, table, fmt):
        if table not in REGION_TABLES or fmt not in CONTENT_TYPES:
            raise Http404
        selection = self.selection()
        if selection.filters is None:
            return invalid_filters(selection)
        chosen = results.results(selection.filters).tables()[table]
        return table_download(chosen, fmt, f"neue-wege-ergebnisse-{self.region.key}-{table}")


class RegionCommentsExportView(RegionResultsPage, View):
    """The free-text answers: the region's people only."""

    def is_allowed(self):
        return self.access.can_read_free_texts(self.region)

    def get(self, request, region_key, fmt):
        if fmt not in CONTENT_TYPES:
            raise Http404
        selection = self.selection()
        if selection.filters is None:
            return invalid_filters(selection)
        header, rows = results.free_texts(selection.filters).export()
        return spreadsheet(
            header,
            rows,
            fmt=fmt,
            title=_("Free-text answers"),
            filename=f"neue-wege-freitexte-{self.region.key}",
        )


class RegionReportView(RegionResultsPage, View):
    """The regional report as PDF: summary, charts, tables, method note, benchmark."""

    def get(self, request, region_key):
        selection = self.selection()
        if selection.filters is None:
            return invalid_filters(selection)
        figures = results.results(selection.filters)
        response = HttpResponse(documents.report_pdf(figures), content_type="application/pdf")
        name = f"neue-wege-bericht-{self.region.key}-{selection.filters.period}"
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response


class StateResultsPage(LoginRequiredMixin):
    """The state-wide results: the state level only."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.access = access_for(request.user)
            if not self.access.sees_all_regions:
                raise DjangoPermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def selection(self):
        self.regions = sorted(self.access.regions_by_key.values(), key=lambda item: item.name)
        return Selection(self.request, regions=self.regions)


class StateResultsView(StateResultsPage, View):
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
        return render(
            request,
            "evaluation/results.html",
            context
            | {
                "scope": "state",
                "chosen_region": region,
                "reads_texts": False,
                "region_query": urlencode(filters.query() if filters else {}),
            },
        )


class StateResultsExportView(StateResultsPage, View):
    def get(self, request, table, fmt):
        if table not in STATE_TABLES or fmt not in CONTENT_TYPES:
            raise Http404
        selection = self.selection()
        if selection.filters is None:
            return invalid_filters(selection)
        chosen = results.results(selection.filters, regions=self.regions).tables()[table]
        return table_download(chosen, fmt, f"neue-wege-ergebnisse-land-{table}")
