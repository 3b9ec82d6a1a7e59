"""Background tasks of core: checking and applying an uploaded import (core/imports.py) and
making the file of a long export (core/exporters.py), with progress for the page that waits
(core/progress.py)."""

from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from . import exporters
from .access import access_for
from .imports import Importer
from .models import ExportFile, ImportBatch
from .progress import Progress


def _importer(batch: ImportBatch):
    """The import as the account that uploaded the file may do it (an upload whose account was
    deleted meanwhile is seen by no one, and may change nothing)."""
    return Importer(access=access_for(batch.uploaded_by), kind=batch.kind, region=batch.region)


@task()
def check_import(*, batch_id: int):
    """Check every row of an upload, saving nothing; the report is kept with the upload."""
    batch = ImportBatch.objects.select_related("region", "uploaded_by").get(pk=batch_id)
    with translation.override(batch.language), Progress(batch) as work:
        report = _importer(batch).check(batch.filename, bytes(batch.content), work)
        work.finish(report=report.as_json())


@task()
def apply_import(*, batch_id: int):
    """Write a confirmed upload, all rows or none. The rows are checked again: the records may
    have changed since the check."""
    batch = ImportBatch.objects.select_related("region", "uploaded_by").get(pk=batch_id)
    with translation.override(batch.language), Progress(batch) as work:
        with transaction.atomic(durable=True):
            report = _importer(batch).apply(batch.filename, bytes(batch.content), work)
            if report.is_valid:  # in the same transaction as the records
                ImportBatch.objects.filter(pk=batch.pk).update(
                    applied_at=timezone.now(),
                    created_count=report.created_count,
                    updated_count=report.updated_count,
                    content=b"",
                )
        work.finish(report=report.as_json())


@task()
def make_export(*, file_id: int):
    """The file of a long export, made as the account that asked for it and kept for it."""
    file = ExportFile.objects.select_related("owner").defer("content").get(pk=file_id)
    with translation.override(file.language), Progress(file) as work:
        exporters.make_in_background(file, work)
