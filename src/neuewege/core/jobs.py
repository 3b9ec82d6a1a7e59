"""Due jobs: the work ``neuewege run-due-jobs`` does each time cron or a systemd timer calls it
(every 15 minutes, README).

Each app declares its jobs in its ``AppConfig.ready`` with ``due_job(function, every=…)``; core
knows none of them. A job is due when it never ran, or when its last successful run began at
least ``every`` ago (minus a few minutes, so that a job of every 15 minutes is not skipped by a
timer a second early); a failed run is tried again at the next call. Every job is idempotent:
a run too many does no harm.

Two calls at once never run the same job twice: a call takes a job by inserting its unfinished
``JobRun``, which a unique constraint allows once per job (on PostgreSQL and SQLite alike); the
other call finds the job taken and leaves it. A run left unfinished by a crashed call frees the
job after ``ABANDONED_AFTER``. Every run is recorded — started, finished, result, error — and
the records are kept ``RUN_RECORD_DAYS``.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import JobRun
from .privacy import purge_personal_data

logger = logging.getLogger(__name__)

EACH_CALL = timedelta(0)
HOURLY = timedelta(hours=1)
DAILY = timedelta(days=1)
TOLERANCE = timedelta(minutes=5)
ABANDONED_AFTER = timedelta(hours=2)
RUN_RECORD_DAYS = 90


@dataclass(frozen=True)
class DueJob:
    name: str
    function: Callable[[], str]  # returns what it did, in a few words
    every: timedelta


JOBS: dict[str, DueJob] = {}


def due_job(function: Callable[[], str], *, every: timedelta = EACH_CALL) -> Callable:
    """Declare ``function`` a due job, run at most once per ``every`` (``EACH_CALL``: at every
    call of ``run-due-jobs``). The order of declaration is the order of running."""
    name = function.__name__
    if name in JOBS and JOBS[name].function is not function:
        raise ImproperlyConfigured(f"Two due jobs are called {name!r}.")
    JOBS[name] = DueJob(name, function, every)
    return function


def is_due(job: DueJob, now) -> bool:
    if job.every <= EACH_CALL:
        return True
    last = (
        JobRun.objects.filter(job=job.name, succeeded=True)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    return last is None or now - last >= job.every - TOLERANCE


def _take(job: DueJob, now) -> JobRun | None:
    """The job's new run, or None when another call runs it."""
    JobRun.objects.filter(
        job=job.name, finished_at__isnull=True, started_at__lt=now - ABANDONED_AFTER
    ).update(finished_at=now, succeeded=False, error="abandoned: the call that ran it ended")
    try:
        with transaction.atomic():
            return JobRun.objects.create(job=job.name, started_at=now)
    except IntegrityError:
        return None


def run_job(job: DueJob) -> JobRun | None:
    """Run one job now, recorded; None when another call is running it."""
    run = _take(job, timezone.now())
    if run is None:
        return None
    try:
        run.result = str(job.function() or "")
        run.succeeded = True
    except Exception as error:  # the next job (e.g. the retention purge) must still run
        logger.exception("Due job %s failed", job.name)
        run.error, run.succeeded = repr(error), False
    run.finished_at = timezone.now()
    run.save(update_fields=["result", "error", "succeeded", "finished_at"])
    return run


def run_due_jobs(*, names: list[str] | None = None, everything: bool = False) -> list[JobRun]:
    """Every job that is due (``everything``: due or not; ``names``: these only), each on its
    own: one that fails is logged and recorded, the others still run. Returns the runs; a job
    another call is running is left out."""
    unknown = sorted(set(names or []) - set(JOBS))
    if unknown:
        raise KeyError(", ".join(unknown))
    runs = []
    for job in JOBS.values():
        if names and job.name not in names:
            continue
        if not (everything or names or is_due(job, timezone.now())):
            continue
        run = run_job(job)
        if run is not None:
            runs.append(run)
    return runs


def forget_old_job_runs():
    """The records of runs are kept RUN_RECORD_DAYS."""
    cutoff = timezone.now() - timedelta(days=RUN_RECORD_DAYS)
    deleted, _ = JobRun.objects.filter(started_at__lt=cutoff).exclude(finished_at=None).delete()
    return f"{deleted} old record(s) of runs deleted"


due_job(purge_personal_data, every=DAILY)
due_job(forget_old_job_runs, every=DAILY)
