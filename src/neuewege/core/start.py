"""The start page of a region answers "what needs me today": each app declares its panels
(``start_panel`` in its ``AppConfig.ready``), core knows none of the capabilities — as with the
navigation (``core/navigation.py``).

A panel is built only for an account with its ``permission`` on the region (the same question
its pages ask, so a panel never points at a refusal). Its ``context`` — a function of the app's
selectors, called with ``(access, region, user)`` — returns what the panel's ``template`` shows
(the template says in plain words when the list is empty), or None when the panel does not
concern this account (no centre of theirs, nothing failed): then it is left out. Each context
reads a fixed number of queries, however much data the region holds.

A panel that names the models it ``reads`` is kept rendered in the cache (where all workers
share one: KEEP_START_PANELS) for its account, region and language, until one of those models
changes (a version per model, raised by the model signals on every save, delete and change of
a many-to-many relation, at once and again at the commit; ``changed`` for a write that bypasses
them) and at most FRESH_FOR seconds (what changes with the clock alone: a date that has ended,
a task now overdue, work that stalled). The permission is asked on every request, so a panel
goes as soon as its right does.
"""

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Value, Window
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .access import IMPORT, VIEW, Access
from .models import ExportFile, ImportBatch, Region, User
from .progress import STALLED_AFTER, State

FAILED_SINCE = timedelta(days=30)  # failed work older than this no longer needs anyone
logger = logging.getLogger(__name__)

START_ROWS = 10  # the rows a panel lists; it says how many there are in all
FRESH_FOR = 120  # seconds a rendered panel is kept at most


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    permission: str  # asked on the region
    template: str
    context: Callable[[Access, Region, User], dict | None]
    reads: Collection[str] = ()  # the models ("app.Model") it shows; none: rendered each time


PANELS: dict[str, Panel] = {}
WATCHED: set[str] = set()  # the models some panel reads


def start_panel(
    key: str, *, order: int, permission: str, template: str, context, reads=()
) -> Panel:
    existing = PANELS.get(key)
    panel = Panel(key, order, permission, template, context, reads)
    if existing is not None and existing != panel:  # ready() may run more than once
        raise ImproperlyConfigured(f"The start panel {key!r} is declared twice.")
    PANELS[key] = panel
    for model in panel.reads:
        _watch(model)
    return panel


def panels(access: Access, region: Region, request=None) -> list[dict]:
    """The panels this account may see in ``region``, in order, each rendered (``html``; its
    context as ``data`` when it was rendered now)."""
    chosen = [
        panel
        for panel in sorted(PANELS.values(), key=lambda panel: (panel.order, panel.key))
        if access.has(panel.permission, region)
    ]
    keys = _cache_keys(chosen, access, region) if settings.KEEP_START_PANELS else {}
    kept = cache.get_many(list(keys.values())) if keys else {}
    shown = []
    for panel in chosen:
        key = keys.get(panel.key)
        if key in kept:
            html, data = kept[key], None
        else:
            data = panel.context(access, region, access.user)
            html = "" if data is None else _render(panel, data, region, request)
            if key:
                cache.set(key, html, FRESH_FOR)
        if html:
            shown.append({"key": panel.key, "html": mark_safe(html), "data": data})  # noqa: S308
    return shown


def _render(panel: Panel, data: dict, region: Region, request) -> str:
    context = {"key": panel.key, "panel": data, "region": region, "today": timezone.localdate()}
    return render_to_string(panel.template, context, request=request)


def _cache_keys(chosen: list[Panel], access: Access, region: Region) -> dict[str, str]:
    """The cache key of each panel that reads models: the account as its panels see it, the
    region, the language and the versions of the models read."""
    models = sorted({model for panel in chosen for model in panel.reads})
    if not models:
        return {}
    versions = cache.get_many([_version_key(model) for model in models])
    user = access.user
    who = f"{user.pk}.{access.role}.{user.person_id or ''}.{access.own_institution_id or ''}"
    keys = {}
    for panel in chosen:
        if panel.reads:
            seen = ".".join(str(versions.get(_version_key(model), 0)) for model in panel.reads)
            keys[panel.key] = f"start:{panel.key}:{region.pk}:{who}:{get_language()}:{seen}"
    return keys


def _version_key(model: str) -> str:
    return f"start:version:{model}"


def changed(*models: str) -> None:
    """Panels that read these models ("app.Model") are rendered again: called by the model
    signals, and by a write that bypasses them (``QuerySet.update``, ``bulk_create``)."""
    labels = set(models) & WATCHED
    for label in labels:
        _raise_version(label)  # at once: this request's next page shows it
    if labels and connection.in_atomic_block:  # and at the commit, for pages begun meanwhile:
        _at_commit().update(labels)  # once per model and transaction


def _at_commit() -> set[str]:
    """The models to raise at the commit of the transaction running: one callback each."""
    for _savepoints, callback, _robust in connection.run_on_commit:
        if getattr(callback, "start_models", None) is not None:
            return callback.start_models

    def raise_versions():
        for label in raise_versions.start_models:
            _raise_version(label)

    raise_versions.start_models = set()
    transaction.on_commit(raise_versions, robust=True)
    return raise_versions.start_models


def _changed(sender, instance=None, model=None, action="post", **kwargs):
    if action.startswith("pre_"):
        return
    if model is not None:  # m2m_changed: the relation's two sides
        changed(type(instance)._meta.label, model._meta.label)
    else:
        changed(sender._meta.label)


def _raise_version(model: str) -> None:
    key = _version_key(model)
    try:
        try:
            cache.incr(key)
        except ValueError:  # not there (yet, or any more)
            cache.set(key, 1, None)
    except Exception:  # the cache away: the write stands, panels are at most FRESH_FOR old
        logger.warning("Could not mark %s changed for the start pages", model, exc_info=True)


def _watch(model: str) -> None:
    """Listen to the model's saves and deletes (of these models only: a delete listener keeps
    Django from deleting a model's rows in bulk)."""
    if model not in WATCHED:
        WATCHED.add(model)
        post_save.connect(_changed, sender=model, dispatch_uid=f"start-saved-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"start-deleted-{model}")


m2m_changed.connect(_changed, dispatch_uid="start-panels-related")


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
    model: str  # "app.Model" of the runs
    permission: str
    runs: Callable[[Region, User], QuerySet]
    describe: Callable[[Any], tuple[str, str]]  # (label, url)
    related: tuple[str, ...] = ()
    also_failed: Q = field(default_factory=Q)  # failed besides its state (e.g. an error noted)


WORK_SOURCES: dict[str, WorkSource] = {}
WORK_MODELS: list[str] = []  # what the failed-work panel reads


def failed_work_source(key: str, **declared) -> WorkSource:
    """Declare an app's background work to the failed-work panel (``AppConfig.ready``)."""
    source = WorkSource(key, **declared)
    existing = WORK_SOURCES.get(key)
    if existing is not None and existing != source:  # ready() may run more than once
        raise ImproperlyConfigured(f"The work source {key!r} is declared twice.")
    WORK_SOURCES[key] = source
    if source.model not in WORK_MODELS:
        WORK_MODELS.append(source.model)
        _watch(source.model)
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
    model="core.ImportBatch",
    permission=IMPORT,
    runs=lambda region, user: ImportBatch.objects.filter(region=region),
    describe=_import,
    related=("region",),
)
failed_work_source(
    "exports",
    model="core.ExportFile",
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
    reads=WORK_MODELS,  # the sources' models, as the apps declare them
)
