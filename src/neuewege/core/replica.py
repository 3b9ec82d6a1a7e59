"""Reads that tolerate lag, from a PostgreSQL replica (``DATABASE_REPLICA_URL``).

Every read goes to the primary ("default") unless a page opts in with ``replica_reads()``: the
evaluation's results, the dashboards and the state overview, the parents' event search and the
navigator's offer search. Their figures and lists may lag by the replica's delay, as their
caches let them lag already. Whatever the page, these stay on the primary:

- every write;
- every read inside a transaction: a capacity decision (booking, the waiting list's move-up,
  the training assignment: a row lock and the count under it, in one ``transaction.atomic``)
  is never made on a replica, even when called from a page that opted in;
- sessions, which a page may read late and write back (a stale copy would undo a sign-in or
  drop a message).

Without ``DATABASE_REPLICA_URL`` the router is not installed and ``replica_reads()`` changes
nothing.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
NEVER_ON_REPLICA = {"sessions"}  # app labels

_lag_tolerated = ContextVar("neuewege_replica_reads", default=False)


@contextmanager
def replica_reads():
    """Reads inside may come from the replica (outside a transaction). Also a decorator of a
    view or a view's ``get``: ``@replica_reads()``, the page rendered inside."""
    token = _lag_tolerated.set(True)
    try:
        yield
    finally:
        _lag_tolerated.reset(token)


class ReplicaRouter:
    """settings.DATABASE_ROUTERS when DATABASE_REPLICA_URL is set."""

    def db_for_read(self, model, **hints):
        if (
            _lag_tolerated.get()
            and model._meta.app_label not in NEVER_ON_REPLICA
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        # named, not None: a row read from the replica must not pull its relations from there
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's schema by replication
