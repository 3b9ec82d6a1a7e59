"""Long work in the background, with a progress bar for the person waiting for it.

A model that holds such work inherits ``BackgroundWork`` (core/models.py); the task runs it
inside ``Progress``::

    with Progress(batch) as progress:      # running; failed if the block raises
        ...progress(done, total)...        # how far it is, for the page that polls
        progress.finish(applied_at=now)    # done, with the result saved in the same write

and the page includes ``includes/progress.html`` while the work is not finished
(``progress_response`` in core/views/base.py answers the polling). Work whose task died
without a word (the worker was killed, or never started) shows as failed after
``STALLED_AFTER``.

Progress written inside the work's own transaction would stay invisible until the commit: on
PostgreSQL it goes through a connection of its own; SQLite allows one writer at a time, so
there the bar stands still until the transaction ends.
"""

import logging
from contextvars import ContextVar
from datetime import timedelta

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from .models import BackgroundWork

logger = logging.getLogger(__name__)

STALLED_AFTER = timedelta(minutes=15)
State = BackgroundWork.State
_RUNNING: ContextVar["Progress | None"] = ContextVar("progress", default=None)


def is_finished(work: BackgroundWork) -> bool:
    return work.work_state in (State.DONE, State.FAILED)


def has_stalled(work: BackgroundWork) -> bool:
    """Not finished, and no word from the task for STALLED_AFTER."""
    return not is_finished(work) and work.work_updated_at < timezone.now() - STALLED_AFTER


def percent(work: BackgroundWork) -> int:
    if work.work_state == State.DONE:
        return 100
    return min(100, 100 * work.work_done // work.work_total) if work.work_total else 0


def time_limit(value, maximum: int) -> int:
    """A solver's time limit as given (a form, the API): whole seconds from 1 to ``maximum``,
    else a field error on ``time_limit_seconds``."""
    from django.utils.translation import gettext as _

    from .errors import ValidationFailed

    try:
        limit = int(value)
    except (TypeError, ValueError):
        limit = 0
    if not 1 <= limit <= maximum:
        raise ValidationFailed(
            {
                "time_limit_seconds": _("Give a time limit from 1 to %(max)d seconds.")
                % {"max": maximum}
            }
        )
    return limit


def report(done: int, total: int):
    """How far the work running now is, for code that its task calls without handing it the
    ``Progress`` (an exporter's ``produce`` in a long export); outside such work: nothing."""
    running = _RUNNING.get()
    if running is not None:
        running(done, total)


def queue(work: BackgroundWork, **values):
    """Mark ``work`` as waiting for its task (saved with ``values``, through the ORM)."""
    _save(work, work_state=State.WAITING, work_done=0, work_total=0, **values)


class Progress:
    def __init__(self, work: BackgroundWork):
        self.work = work
        self._side = None  # PostgreSQL: a connection of its own, for writes inside a transaction

    def __enter__(self):
        _save(self.work, work_state=State.RUNNING, work_done=0, work_total=0)
        self._token = _RUNNING.set(self)
        return self

    def __call__(self, done: int, total: int):
        values = {"work_done": done, "work_total": total, "work_updated_at": timezone.now()}
        for name, value in values.items():
            setattr(self.work, name, value)
        if not connection.in_atomic_block:
            type(self.work).objects.filter(pk=self.work.pk).update(**values)
        elif connection.vendor == "postgresql":
            self._write_aside(values)

    def finish(self, **values):
        """Done; ``values`` (the work's result) are saved in the same write."""
        total = self.work.work_total
        _save(self.work, work_state=State.DONE, work_done=total, work_total=total, **values)

    def __exit__(self, error_type, error, traceback):
        _RUNNING.reset(self._token)
        if self._side is not None:
            self._side.close()
        if error is not None:
            logger.error("Background work %r failed", self.work, exc_info=error)
            _save(self.work, work_state=State.FAILED)
        return False  # the task fails too, with its traceback

    def _write_aside(self, values):
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        model = type(self.work)
        quote = self._side.ops.quote_name
        fields = [model._meta.get_field(name) for name in values]
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608 (names)
                f"WHERE {quote(model._meta.pk.column)} = %s",
                [
                    field.get_db_prep_save(value, self._side)
                    for field, value in zip(fields, values.values(), strict=True)
                ]
                + [self.work.pk],
            )


def _save(work, **values):
    from .start import changed  # (start reads the states declared here)

    values["work_updated_at"] = timezone.now()
    for name, value in values.items():
        setattr(work, name, value)
    type(work).objects.filter(pk=work.pk).update(**values)
    changed(type(work)._meta.label)  # the start page's failed work: the update sends no signal
