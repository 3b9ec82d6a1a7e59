"""The files of the evaluation's results, declared for the one download path of
``core.exporters``: every table of a region's results and of the state-wide results (CSV,
XLSX), the region's free-text answers (its people only, never the state level) and the
regional report (PDF, aggregates only). The figures are anonymous: no personal-data log. The
state-wide tables are made in the background (core/exporters.py: long exports).
The filters come as parameters of the address, as on the results pages."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from neuewege.core import exporters
from neuewege.core.access import STATE_FIGURES, VIEW
from neuewege.core.documents import TABLE_FORMATS, table
from neuewege.core.errors import NotFound
from neuewege.core.exporters import Document, Exporter, Invalid, Target

from . import documents, results
from .forms import Selection
from .permissions import READ_FREE_TEXTS

REGION_TABLES = ["summary", "events", "survey", "steps", "trend", "feedback"]
STATE_TABLES = [*REGION_TABLES, "regions"]


def _filters(selection: Selection):
    if selection.filters is None:
        messages = [str(message) for errors in selection.form.errors.values() for message in errors]
        raise Invalid(" ".join(messages))
    return selection.filters


def _chosen_table(params, tables) -> str:
    name = str(params.get("table", ""))
    if name not in tables:
        raise NotFound({"table": "no such table"})
    return name


def _region(access, params) -> Target:
    region = exporters.region_of(access, params)
    return Target(region_id=region.pk, data={"region": region, "params": params})


def _region_table(access, params) -> Target:
    target = _region(access, params)
    target.data["table"] = _chosen_table(params, REGION_TABLES)
    return target


def _file(chosen, fmt: str, filename: str) -> Document:
    header, rows = chosen.export()
    return Document(table(header, rows, fmt, title=chosen.title), f"{filename}.{fmt}")


def _region_results(target: Target, fmt: str) -> Document:
    region, name = target.data["region"], target.data["table"]
    filters = _filters(Selection(target.data["params"], region=region))
    chosen = results.results(filters).tables()[name]
    return _file(chosen, fmt, f"neue-wege-ergebnisse-{region.key}-{name}")


def _free_texts(target: Target, fmt: str) -> Document:
    region = target.data["region"]
    filters = _filters(Selection(target.data["params"], region=region))
    header, rows = results.free_texts(filters).export()
    return Document(
        table(header, rows, fmt, title=_("Free-text answers")),
        f"neue-wege-freitexte-{region.key}.{fmt}",
    )


def _report(target: Target, fmt: str) -> Document:
    region = target.data["region"]
    filters = _filters(Selection(target.data["params"], region=region))
    pdf = documents.report_pdf(results.results(filters))
    return Document(pdf, f"neue-wege-bericht-{region.key}-{filters.period}.pdf")


def _state(access, params) -> Target:
    table_name = _chosen_table(params, STATE_TABLES)
    regions = list(access.regions_by_key.values())
    # the filters checked at once: the table itself is made in the background
    _filters(Selection(params, regions=sorted(regions, key=lambda item: item.name)))
    return Target(data={"params": params, "table": table_name, "regions": regions})


def _state_results(target: Target, fmt: str) -> Document:
    regions = sorted(target.data["regions"], key=lambda item: item.name)
    filters = _filters(Selection(target.data["params"], regions=regions))
    name = target.data["table"]
    chosen = results.results(filters, regions=regions).tables()[name]
    return _file(chosen, fmt, f"neue-wege-ergebnisse-land-{name}")


REGION_RESULTS = Exporter(
    name="results-region",
    label=gettext_lazy("A table of a region's results"),
    formats=TABLE_FORMATS,
    find=_region_table,
    permission=VIEW,
    produce=_region_results,
)
FREE_TEXTS = Exporter(
    name="results-free-texts",
    label=gettext_lazy("Free-text answers"),
    formats=TABLE_FORMATS,
    find=_region,
    permission=READ_FREE_TEXTS,
    produce=_free_texts,
)
REPORT = Exporter(
    name="results-report",
    label=gettext_lazy("Regional report"),
    formats=("pdf",),
    find=_region,
    permission=VIEW,
    produce=_report,
)
STATE_RESULTS = Exporter(
    name="results-state",
    label=gettext_lazy("A table of the state-wide results"),
    formats=TABLE_FORMATS,
    find=_state,
    permission=STATE_FIGURES,
    produce=_state_results,
    background=True,  # every region's figures: long at the state's scale
)


def register():
    for declared in (REGION_RESULTS, FREE_TEXTS, REPORT, STATE_RESULTS):
        exporters.register(declared)
