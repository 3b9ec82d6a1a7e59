"""The privacy registry: every kind of personal data the platform keeps, with its legal basis
and how long it is kept — and the one purge that works through it.

Each app declares its data categories in its ``AppConfig.ready`` with ``data_category(…)``;
core declares its own below. A category names the rows past their retention (``expired``, a
queryset for a cut-off time) and what happens to them (``erase``: deleted unless it anonymises).
The retention is a number of days, from the Django setting of that name where settings.py has
one, else from the environment variable, else the default — so a new category needs no change
in core.

A parent's rights (``find_parent``, the exporter "parent-data", ``erase_parent``): staff of a region
find everything stored about one parent by e-mail or phone in the categories that declare
``find``, export it (DSGVO Art. 15) and erase it (Art. 17) with the category's own erasure,
which keeps the anonymous evaluation; every row exported or erased is written to the
personal-data log.

``purge_personal_data`` (a daily due job) takes each category in turn, in batches: writes the
rows to the purge archive first when the operator keeps one (``NEUEWEGE_PURGE_ARCHIVE_DIR``:
one JSON-lines file per run, readable by the owner only), then erases them, then reports the
rows per category — and the run is recorded with the due jobs. A batch is one transaction:
nothing is erased that the archive does not hold.
"""

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access import PARENT_DATA
from .models import (
    BarrierReport,
    ExportFile,
    ImportBatch,
    Person,
    PersonalDataLog,
    Region,
    User,
)

logger = logging.getLogger(__name__)

BATCH = 2000


def delete(rows: models.QuerySet, now: datetime) -> int:
    return rows.delete()[1].get(rows.model._meta.label, 0)


@dataclass(frozen=True)
class DataCategory:
    name: str
    label: str  # what it is, for the operator
    legal_basis: str
    variable: str  # the environment variable of its retention in days
    default_days: int
    expired: Callable[[datetime], models.QuerySet]  # the rows kept longer than the retention
    erase: Callable[[models.QuerySet, datetime], int] = delete  # returns the rows erased
    archived_fields: list[str] = field(default_factory=list)  # written to the archive first
    setting: str = ""  # the Django setting that holds the retention, where settings.py has one
    # a parent's rows in a region, found by e-mail or phone (DSGVO Art. 15 and 17); None for
    # data that is not a parent's
    find: Callable[[Region, str, str], models.QuerySet] | None = None
    labels: dict = field(default_factory=dict)  # archived field → what it is, for the parent
    # Data of the people who use the public pages (parents, reporters of barriers): why it is
    # kept and from when its retention counts, in their words. The privacy statement lists
    # every category that gives a purpose, with its legal basis and retention (core/legal.py).
    purpose: str = ""
    retention_start: str = ""

    @property
    def retention_days(self) -> int:
        if self.setting and hasattr(settings, self.setting):
            return int(getattr(settings, self.setting))
        return int(os.environ.get(self.variable, self.default_days))

    def due(self, now: datetime) -> models.QuerySet:
        return self.expired(now - timedelta(days=self.retention_days))


CATEGORIES: dict[str, DataCategory] = {}


def data_category(name: str, **declaration) -> DataCategory:
    if name in CATEGORIES:
        raise ImproperlyConfigured(f"Two data categories are called {name!r}.")
    CATEGORIES[name] = category = DataCategory(name=name, **declaration)
    return category


class Archive:
    """The purge archive of one run: created when the first row is written."""

    def __init__(self, now: datetime):
        directory = settings.PURGE_ARCHIVE_DIR
        self.path = Path(directory) / f"purge-{now:%Y%m%dT%H%M%S}.jsonl" if directory else None

    def write(self, category: DataCategory, rows: models.QuerySet):
        if self.path is None or not category.archived_fields:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as archive:
            for row in rows.values(*category.archived_fields):
                line = {"category": category.name, "row": row}
                archive.write(json.dumps(line, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n")
            archive.flush()
            os.fsync(archive.fileno())


def purge_personal_data() -> str:
    """Every category's rows past their retention: archived (if kept), then erased."""
    now = timezone.now()
    archive = Archive(now)
    done = []
    for category in CATEGORIES.values():
        erased = 0
        while True:
            with transaction.atomic(durable=True):
                ids = list(category.due(now).values_list("pk", flat=True)[:BATCH])
                if not ids:
                    break
                batch = category.due(now).model.objects.filter(pk__in=ids)
                archive.write(category, batch)
                erased_now = category.erase(batch, now)
                erased += erased_now
            if len(ids) < BATCH or not erased_now:  # the last batch, or rows that stay due
                break
        logger.info("Purge: %s %s row(s)", category.name, erased)
        done.append(f"{category.name} {erased}")
    return "erased: " + ", ".join(done)


# A parent's rights


@dataclass
class Found:
    category: DataCategory
    rows: models.QuerySet

    def values(self) -> list[dict]:
        return list(self.rows.values(*self.category.archived_fields))

    def labelled(self) -> list[list[tuple[str, object]]]:
        """Each row as (label, value) pairs for the page and the PDF, choices in words."""
        labels, meta = self.category.labels, self.rows.model._meta
        choices = {
            name: dict(meta.get_field(name).choices)
            for name in self.category.archived_fields
            if "__" not in name and name != "pk" and meta.get_field(name).choices
        }
        return [
            [
                (
                    str(labels.get(name, name)),
                    choices[name].get(value, value) if name in choices else value,
                )
                for name, value in row.items()
                if name != "pk"
            ]
            for row in self.values()
        ]


def find_parent(*, region: Region, email: str = "", phone: str = "") -> list[Found]:
    """Everything stored about the parent with this e-mail or phone in ``region``."""
    email, phone = email.strip(), phone.strip()
    if not (email or phone):
        return []
    found = [
        Found(category, category.find(region, email, phone))
        for category in CATEGORIES.values()
        if category.find is not None
    ]
    return [item for item in found if item.rows.exists()]


def show_parent(*, access, region: Region, email: str = "", phone: str = "") -> list[Found]:
    """``find_parent`` for a page: every row shown is logged as read."""
    found = find_parent(region=region, email=email, phone=phone)
    with transaction.atomic(durable=True):
        _log(
            access=access,
            region=region,
            found=found,
            action=PersonalDataLog.Action.VIEW,
            purpose=_("A parent's request (GDPR Art. 15/17): search"),
        )
    return found


def _log(*, access, region: Region, found: list[Found], action: str, purpose: str):
    from .services import log_personal_data

    for item in found:
        for row in item.rows:
            log_personal_data(
                access=access, region_id=region.pk, action=action, record=row, purpose=purpose
            )


def _parent_copy_target(access, params):
    """The exporter "parent-data" finds what it copies: the region, and the parent's rows (each
    written to the personal-data log by the download path)."""
    from .exporters import Target, region_of
    from .forms import ParentContactForm

    region = region_of(access, params)
    form = ParentContactForm({"email": params.get("email", ""), "phone": params.get("phone", "")})
    if not form.is_valid():
        return Target(region_id=region.pk, data=(region, None, form))
    found = find_parent(region=region, **form.cleaned_data)
    rows = [row for item in found for row in item.rows]
    return Target(region_id=region.pk, records=rows, data=(region, found, form))


def _parent_copy(target, fmt: str):
    """DSGVO Art. 15: what is stored about the parent, by category, as JSON or PDF."""
    from .documents import render_pdf
    from .exporters import Document, Invalid

    region, found, form = target.data
    if found is None:
        raise Invalid(" ".join(str(error) for errors in form.errors.values() for error in errors))
    if fmt == "json":
        data = as_data(region, found)
        body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        return Document(body.encode(), "auskunft.json")
    context = {"region": region, "found": found, "created_at": timezone.now()}
    return Document(render_pdf("core/parent_data_pdf.html", context), "auskunft.pdf")


def register_exporters():
    from .exporters import Exporter, register

    register(
        Exporter(
            name="parent-data",
            label=_("A parent's data (GDPR Art. 15)"),
            formats=("pdf", "json"),
            find=_parent_copy_target,
            permission=PARENT_DATA,
            produce=_parent_copy,
            personal_data=_("Art. 15 GDPR: a copy for the parent"),
            form_only=True,
        )
    )


def as_data(region: Region, found: list[Found]) -> dict:
    """The copy for the parent as plain data (JSON)."""
    return {
        "region": region.name,
        "created_at": timezone.now(),
        "categories": [
            {"name": item.category.name, "label": str(item.category.label), "rows": item.values()}
            for item in found
        ],
    }


def erase_parent(*, access, region: Region, email: str = "", phone: str = "") -> dict[str, int]:
    """DSGVO Art. 17: each category's own erasure of the parent's rows, in one transaction,
    every row logged as deleted; the anonymous evaluation stays."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        found = find_parent(region=region, email=email, phone=phone)
        _log(
            access=access,
            region=region,
            found=found,
            action=PersonalDataLog.Action.DELETE,
            purpose=_("Art. 17 GDPR: erased at the parent's request"),
        )
        return {
            item.category.name: item.category.erase(
                item.rows.model.objects.filter(pk__in=[row.pk for row in item.rows]), now
            )
            for item in found
        }


# Core's own categories


def _import_reports(rows, now):
    return rows.update(report=None)


data_category(
    "personal_data_log",
    label=_("Personal-data log: who read, exported or changed parents' data"),
    legal_basis=_("Art. 6 (1) c GDPR with § 78a SGB X (proof of processing)"),
    variable="NEUEWEGE_ACCESS_LOG_DAYS",
    setting="ACCESS_LOG_RETENTION_DAYS",
    default_days=730,
    expired=lambda cutoff: PersonalDataLog.objects.filter(at__lt=cutoff),
    archived_fields=["at", "user_id", "region_id", "action", "record", "purpose"],
    purpose=_("To prove who read, exported or changed your details, and when."),
    retention_start=_("counted from the entry"),
)
data_category(
    "unconfirmed_uploads",
    label=_("Uploaded files that were never imported (they hold contact data)"),
    legal_basis=_("Art. 6 (1) e GDPR (the region's task)"),
    variable="NEUEWEGE_UPLOAD_DAYS",
    default_days=1,
    expired=lambda cutoff: ImportBatch.objects.filter(
        applied_at__isnull=True, created_at__lt=cutoff
    ).exclude(confirmed_at__gte=cutoff),  # an import that started may still run
)
data_category(
    "import_reports",
    label=_("Reports of imports, which name every record (the counts stay)"),
    legal_basis=_("Art. 6 (1) e GDPR (the region's task)"),
    variable="NEUEWEGE_UPLOAD_DAYS",
    default_days=1,
    expired=lambda cutoff: ImportBatch.objects.filter(applied_at__lt=cutoff, report__isnull=False),
    erase=_import_reports,
)
data_category(
    "export_files",
    label=_("Files of long exports, kept for the account that asked (may hold parents' data)"),
    legal_basis=_("Art. 6 (1) e GDPR (the region's task)"),
    variable="NEUEWEGE_EXPORT_FILE_DAYS",
    default_days=1,  # also how long the account can download the file (core/exporters.py)
    expired=lambda cutoff: ExportFile.objects.filter(created_at__lt=cutoff),
)
data_category(
    "barrier_reports",
    label=_("Reports of barriers, with the reporter's contact"),
    legal_basis=_("Art. 6 (1) e GDPR with § 12b BGG (feedback mechanism)"),
    variable="NEUEWEGE_BARRIER_REPORT_DAYS",
    default_days=365,
    expired=lambda cutoff: BarrierReport.objects.filter(created_at__lt=cutoff),
    archived_fields=["created_at", "page_url", "description", "contact"],
    labels={
        "created_at": _("Sent at"),
        "page_url": _("The page"),
        "description": _("Your description of the barrier"),
        "contact": _("Your e-mail or phone, if you give it"),
    },
    purpose=_("To remove the barrier you reported and, if you give a contact, to answer you."),
    retention_start=_("counted from the report"),
)
for name, model, label in (
    (
        "sign_in_attempts",
        AccessAttempt,
        _("Failed sign-ins (account and address), kept for the throttling"),
    ),
    ("sign_in_failures", AccessFailureLog, _("Log of failed sign-ins (account and address)")),
    ("sign_ins", AccessLog, _("Log of sign-ins (account and address)")),
):
    data_category(
        name,
        label=label,
        legal_basis=_("Art. 6 (1) f GDPR (protection against guessing)"),
        variable="NEUEWEGE_SIGN_IN_LOG_DAYS",
        default_days=30,
        expired=lambda cutoff, model=model: model.objects.filter(attempt_time__lt=cutoff),
    )
data_category(
    "sessions",
    label=_("Expired sessions of signed-in staff"),
    legal_basis=_("Art. 6 (1) e GDPR (operating the platform)"),
    variable="NEUEWEGE_SESSION_DAYS",
    default_days=0,  # from their expiry
    expired=lambda cutoff: Session.objects.filter(expire_date__lt=cutoff),
)
data_category(
    "change_log_of_people",
    label=_("Change log entries of people and accounts (names, contacts, roles)"),
    legal_basis=_("Art. 6 (1) c GDPR (proof of changes)"),
    variable="NEUEWEGE_CHANGE_LOG_DAYS",
    default_days=730,
    expired=lambda cutoff: LogEntry.objects.filter(
        content_type__in=ContentType.objects.get_for_models(Person, User).values(),
        timestamp__lt=cutoff,
    ),
    archived_fields=["timestamp", "actor_id", "content_type_id", "object_pk", "action", "changes"],
)
