"""Jobs run by ``neuewege run-due-jobs`` (cron). Each is idempotent: running it twice in a row
does nothing the second time. Apps add theirs to ``DUE_JOBS``."""

from datetime import timedelta

from django.utils import timezone

from .models import ImportBatch

UNCONFIRMED_IMPORT_LIFETIME = timedelta(days=1)


def discard_unconfirmed_imports():
    """Uploaded files that were never confirmed hold contact data: delete them after a day."""
    cutoff = timezone.now() - UNCONFIRMED_IMPORT_LIFETIME
    deleted, _ = ImportBatch.objects.filter(applied_at__isnull=True, created_at__lt=cutoff).delete()
    return f"{deleted} unconfirmed upload(s) deleted"


DUE_JOBS = [discard_unconfirmed_imports]


def run_due_jobs():
    return [(job.__name__, job()) for job in DUE_JOBS]
