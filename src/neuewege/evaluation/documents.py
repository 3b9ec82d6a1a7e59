"""The regional report of the evaluation as a PDF: summary, bar charts, tables, a method note
the programme's published result to compare with, and the feedback of speakers and family
centres (their scale questions; no free texts).

Made from a template extending ``core/pdf_base.html`` by ``core.documents`` (WeasyPrint,
fetching nothing, PDF/A-2b with tags); the exporter "results-report" serves it. WeasyPrint
runs no JavaScript, so the charts are simple inline SVG bars drawn from the same tables as the
page's charts. The report holds aggregates only — no free-text answers — so that it may be
passed on (steering group, funders); the small-number rule holds as everywhere ("< 5").
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from neuewege.core.documents import render_pdf

from . import results
from .results import Results, Table

BAR_WIDTH = 100  # the SVG's units: a share in percent is drawn as it is


def bars(table: Table, code: str, *, benchmark: dict | None = None) -> dict:
    """A bar chart of one column of ``table``: per row (totals left out) its label, the text
    of its value and the bar's length in SVG units; a benchmark marks where the programme's
    result lies."""
    index = [column.code for column in table.columns].index(code)
    rows = [row for row in table.rows if not row.is_total]
    values = [row.cells[index].shown or 0 for row in rows]
    is_percent = bool(rows) and rows[0].cells[index].percent
    scale = 100 if is_percent else max(values, default=0) or 1
    return {
        "title": table.columns[index].label,
        "rows": [
            {
                "label": row.label,
                "text": str(row.cells[index]),
                "length": round(BAR_WIDTH * value / scale, 1),
                "benchmark": (benchmark or {}).get(row.key),
            }
            for row, value in zip(rows, values, strict=True)
        ],
    }


def feedback_blocks(figures: Results, table: Table) -> list[dict]:
    """The feedback table as one small table per question: a row per format and for all
    formats, a column per figure (responses, average, 4 or 5), so that it fits the page."""
    groups = [*figures.formats, None]
    width = len(results.FEEDBACK_FIGURES)
    return [
        {
            "label": row.label,
            "rows": [
                {
                    "label": figures.format_label(code) if code else str(results.COLUMNS["all"]),
                    "is_total": code is None,
                    "cells": row.cells[width * index : width * (index + 1)],
                }
                for index, code in enumerate(groups)
            ],
        }
        for row in table.rows
    ]


def report_pdf(figures: Results) -> bytes:
    """The report of one region's results (``figures.filters.region``), in the active
    language."""
    filters = figures.filters
    if filters.region is None:
        raise ValueError("The report is about one region.")
    tables = figures.tables()
    summary = {row.key: row.cells[0] for row in tables["summary"].rows}
    chosen = []
    if filters.format:
        chosen.append(figures.format_label(filters.format))
    if filters.family_centre is not None:
        chosen.append(filters.family_centre.name)
    return render_pdf(
        "evaluation/report_pdf.html",
        {
            "region": filters.region,
            "filters": filters,
            "chosen": chosen,
            "empty": figures.is_empty,
            "tables": tables,
            "summary": summary,
            "charts": [
                bars(tables["survey"], "took_step", benchmark=results.BENCHMARK),
                bars(tables["steps"], "all"),
                bars(tables["events"], "events"),
            ],
            "feedback": feedback_blocks(figures, tables["feedback"]),
            "feedback_figures": [str(label) for label in results.FEEDBACK_FIGURES.values()],
            "benchmark_quote": results.BENCHMARK_QUOTE,
            "benchmark_source": results.BENCHMARK_SOURCE,
            "benchmark": [
                {
                    "format": figures.format_label(code),
                    "programme": value,
                    "region": figures.by_format[code].took_step_share,
                }
                for code, value in results.BENCHMARK.items()
            ],
            "min_responses": results.MIN_RESPONSES,
            "suppressed": results.SUPPRESSED,
            "created": timezone.localdate(),
            "title": _("Results of the events and the follow-up survey"),
        },
    )
