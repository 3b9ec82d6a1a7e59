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
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .access import IMPORT, Access
from .models import Region, User
from .progress import STALLED_AFTER, State

FAILED_SINCE = timedelta(days=30)  # failed work older than this no longer needs anyone


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


def failed_work(queryset):
    """Background work (``core.models.BackgroundWork``) that failed, or stalled
    (``progress.has_stalled``), in the last FAILED_SINCE: what the failed-work panels list."""
    now = timezone.now()
    stalled = Q(
        work_state__in=[State.WAITING, State.RUNNING], work_updated_at__lt=now - STALLED_AFTER
    )
    return queryset.filter(
        Q(work_state=State.FAILED) | stalled,
        work_updated_at__gte=now - FAILED_SINCE,
    )


def failed_item(label, url, at) -> dict:
    return {"label": label, "url": url, "at": at}


def failed_imports(access: Access, region: Region, user: User) -> dict | None:
    """The region's imports that failed, and the long exports (document batches) the account
    asked for that failed: None when nothing failed."""
    from .exporters import EXPORTERS
    from .models import ExportFile, ImportBatch

    batches = failed_work(ImportBatch.objects.filter(region=region)).only(
        "pk", "filename", "work_updated_at"
    )
    items = [
        failed_item(
            batch.filename,
            reverse("import-preview", args=[region.key, batch.pk]),
            batch.work_updated_at,
        )
        for batch in batches.order_by("-work_updated_at")[:10]
    ]
    if user is not None:
        exports = ExportFile.objects.filter(owner=user)
        exports = exports.filter(
            Q(error__gt="", work_updated_at__gte=timezone.now() - FAILED_SINCE)
            | Q(pk__in=failed_work(exports).values("pk"))
        ).only("pk", "exporter", "work_updated_at")
        for export in exports.order_by("-work_updated_at")[:10]:
            exporter = EXPORTERS.get(export.exporter)
            label = exporter.label if exporter else export.exporter
            items.append(
                failed_item(label, reverse("export-file", args=[export.pk]), export.work_updated_at)
            )
    return {"items": items} if items else None


# Core's own panel
start_panel(
    "failed-imports",
    order=90,
    permission=IMPORT,
    template="core/start/failed_work.html",
    context=failed_imports,
)
