"""The start page of a region answers "what needs me today": each app declares its panels
(``start_panel`` in its ``AppConfig.ready``), core knows none of the capabilities — as with the
navigation (``core/navigation.py``).

A panel is built only for an account with its ``permission`` on the region (the same question
its pages ask, so a panel never points at a refusal). Its ``context`` — a function of the app's
selectors, called with ``(access, region, user)`` — returns what the panel's ``template`` shows
(the template says in plain words when the list is empty), or None when the panel does not
concern this account (no centre of theirs, nothing failed): then it is left out. Each context
reads a fixed number of queries, however much data the region holds.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Q, QuerySet, Value, Window
from django.urls import reverse
from django.utils import timezone

from .access import IMPORT, VIEW, Access
from .models import ExportFile, ImportBatch, Region, User
from .progress import STALLED_AFTER, State

FAILED_SINCE = timedelta(days=30)  # failed work older than this no longer needs anyone
START_ROWS = 10  # the rows a panel lists; it says how many there are in all


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    permission: str  # asked on the region
    template: str
    context: Callable[[Access, Region, User], dict | None]


PANELS: dict[str, Panel] = {}


def start_panel(key: str, *, order: int, permission: str, template: str, context) -> Panel:
    existing = PANELS.get(key)
    panel = Panel(key, order, permission, template, context)
    if existing is not None and existing != panel:  # ready() may run more than once
        raise ImproperlyConfigured(f"The start panel {key!r} is declared twice.")
    PANELS[key] = panel
    return panel


def panels(access: Access, region: Region) -> list[dict]:
    """The panels this account may see in ``region``, in order, each with its context."""
    shown = []
    for panel in sorted(PANELS.values(), key=lambda panel: (panel.order, panel.key)):
        if not access.has(panel.permission, region):
            continue
        context = panel.context(access, region, access.user)
        if context is not None:
            shown.append({"key": panel.key, "template": panel.template, "data": context})
    return shown


def first_rows(queryset, count: int = START_ROWS) -> tuple[list, int]:
    """The first ``count`` rows of ``queryset`` and how many rows it has in all, in one query
    (a window count over the whole selection)."""
    rows = list(queryset.annotate(rows_in_all=Window(Count("pk")))[:count])
    return rows, (rows[0].rows_in_all if rows else 0)


# Background work that failed: one panel for the work of every app, in one query


@dataclass(frozen=True)
class WorkSource:
    """Background work (``core.models.BackgroundWork``) of an app whose failures the start page
    lists: ``runs(region, user)`` selects it, ``describe(run)`` names and links one run
    (``related``: what it reads), for accounts with ``permission`` on the region."""

    key: str
    permission: str
    runs: Callable[[Region, User], QuerySet]
    describe: Callable[[Any], tuple[str, str]]  # (label, url)
    related: tuple[str, ...] = ()
    also_failed: Q = field(default_factory=Q)  # failed besides its state (e.g. an error noted)


WORK_SOURCES: dict[str, WorkSource] = {}


def failed_work_source(key: str, **declared) -> WorkSource:
    """Declare an app's background work to the failed-work panel (``AppConfig.ready``)."""
    source = WorkSource(key, **declared)
    existing = WORK_SOURCES.get(key)
    if existing is not None and existing != source:  # ready() may run more than once
        raise ImproperlyConfigured(f"The work source {key!r} is declared twice.")
    WORK_SOURCES[key] = source
    return source


def failed_work(queryset, also: Q | None = None):
    """Background work that failed, or stalled (``progress.has_stalled``), in the last
    FAILED_SINCE (or matches ``also``)."""
    now = timezone.now()
    stalled = Q(
        work_state__in=[State.WAITING, State.RUNNING], work_updated_at__lt=now - STALLED_AFTER
    )
    failed = Q(work_state=State.FAILED) | stalled
    if also:
        failed |= also
    return queryset.filter(failed, work_updated_at__gte=now - FAILED_SINCE)


def failed_work_panel(access: Access, region: Region, user: User) -> dict | None:
    """The work of the region (and the account's own exports) that failed, newest first,
    among the sources the account may act on: one query, and one per source with a failure
    for the labels. None when nothing failed."""
    sources = [source for source in WORK_SOURCES.values() if access.has(source.permission, region)]
    selections = [
        failed_work(source.runs(region, user), source.also_failed)
        .annotate(source=Value(source.key))
        .values_list("source", "pk", "work_updated_at")
        .order_by()
        for source in sources
    ]
    if not selections:
        return None
    found = list(
        selections[0].union(*selections[1:], all=True).order_by("-work_updated_at")[:START_ROWS]
    )
    if not found:
        return None
    runs = {}
    for key in {key for key, _pk, _at in found}:
        source = WORK_SOURCES[key]
        pks = [pk for of, pk, _at in found if of == key]
        for run in source.runs(region, user).filter(pk__in=pks).select_related(*source.related):
            runs[key, run.pk] = (source, run)
    items = []
    for key, pk, at in found:
        if (key, pk) in runs:  # not gone meanwhile
            source, run = runs[key, pk]
            label, url = source.describe(run)
            items.append({"label": label, "url": url, "at": at})
    return {"items": items}


# Core's own work: the region's imports, and the long exports (document batches) the account
# asked for


def _import(batch) -> tuple[str, str]:
    return batch.filename, reverse("import-preview", args=[batch.region.key, batch.pk])


def _export(export) -> tuple[str, str]:
    from .exporters import EXPORTERS

    exporter = EXPORTERS.get(export.exporter)
    label = exporter.label if exporter else export.exporter
    return label, reverse("export-file", args=[export.pk])


failed_work_source(
    "imports",
    permission=IMPORT,
    runs=lambda region, user: ImportBatch.objects.filter(region=region),
    describe=_import,
    related=("region",),
)
failed_work_source(
    "exports",
    permission=IMPORT,
    runs=lambda region, user: ExportFile.objects.filter(owner=user),
    describe=_export,
    also_failed=Q(error__gt=""),
)


start_panel(
    "failed-work",
    order=90,
    permission=VIEW,
    template="core/start/failed_work.html",
    context=failed_work_panel,
)
