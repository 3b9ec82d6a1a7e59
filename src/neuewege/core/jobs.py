"""Jobs run by ``neuewege run-due-jobs`` (cron). Each is idempotent: running it twice in a row
does nothing the second time. Apps add theirs to ``DUE_JOBS``."""

import logging
from datetime import timedelta

from django.utils import timezone

from .models import ImportBatch

logger = logging.getLogger(__name__)

UNCONFIRMED_IMPORT_LIFETIME = timedelta(days=1)


def discard_unconfirmed_imports():
    """Uploaded files hold contact data: those never imported are deleted after a day (unless an
    import of one started within that day and may still run); of those imported, the report
    (which names every record) is emptied after a day, and the counts stay."""
    cutoff = timezone.now() - UNCONFIRMED_IMPORT_LIFETIME
    deleted, _ = (
        ImportBatch.objects.filter(applied_at__isnull=True, created_at__lt=cutoff)
        .exclude(confirmed_at__gte=cutoff)
        .delete()
    )
    ImportBatch.objects.filter(applied_at__lt=cutoff, report__isnull=False).update(report=None)
    return f"{deleted} unconfirmed upload(s) deleted"


DUE_JOBS = [discard_unconfirmed_imports]


def run_due_jobs():
    """Every job, each on its own: one that fails is logged and reported, the others still run.
    Returns (name, result, succeeded) per job."""
    results = []
    for job in DUE_JOBS:
        try:
            results.append((job.__name__, job(), True))
        except Exception as error:  # the next job (e.g. the retention purge) must still run
            logger.exception("Due job %s failed", job.__name__)
            results.append((job.__name__, repr(error), False))
    return results
