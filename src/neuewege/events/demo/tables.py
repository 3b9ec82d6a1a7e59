"""Writing rows straight into the tables, in batches: COPY on PostgreSQL, ``executemany``
elsewhere (also used by the evaluation's demo data)."""

import json
from contextlib import contextmanager
from datetime import UTC, datetime

from django.db import connection
from django.db.models import Max


def json_text(value, cache={}):  # noqa: B006 - a cache of the few lists that occur
    key = tuple(value) if isinstance(value, list) else None
    if key is None:
        return json.dumps(value)
    text = cache.get(key)
    if text is None:
        text = cache[key] = json.dumps(value)
    return text


def utc_text(value: datetime) -> str:
    """A datetime as Django stores it on SQLite: UTC, without the offset."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ")[:-6]


class Table:
    """Rows of one table, written in batches: COPY on PostgreSQL, ``executemany`` elsewhere.
    Ids are handed out here, so rows can point at each other before they are written. Fields
    not named get their default (a field added to the model later included), drawn for each row
    (a random booking code; in batches where the default offers it: ``default.batch(count)``)
    — and drawn again where a unique field's value is taken already."""

    BATCH = 10_000  # defaults drawn at once

    def __init__(self, model, names: list[str], *, with_ids: bool = True):
        meta = model._meta
        self.model, self.table, self.with_ids = model, meta.db_table, with_ids
        fields = [meta.get_field(name) for name in names]
        self.defaults = []
        self.taken: dict[str, set] = {}  # the values of a unique field with a default
        self.drawn: dict[str, list] = {}  # defaults drawn in a batch, not used yet
        for other in meta.concrete_fields:
            if other in fields or other.primary_key:
                continue
            if other.has_default():
                fields.append(other)
                self.defaults.append(other)
                if other.unique:
                    self.taken[other.name] = set(
                        model.objects.values_list(other.attname, flat=True)
                    )
            elif not other.null:
                raise RuntimeError(f"{meta.label}.{other.name} needs a value in events/demo/")
        if with_ids:
            fields.insert(0, meta.pk)
            self.next_id = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.columns = [f.column for f in fields]
        self.convert = [self._converter(f) for f in fields]
        self.rows = []

    @staticmethod
    def _converter(model_field):
        kind = model_field.get_internal_type()
        if kind == "JSONField":
            return json_text
        if kind == "DateTimeField" and connection.vendor != "postgresql":
            return utc_text
        return None

    def reserve(self, count: int) -> list[int]:
        ids = list(range(self.next_id, self.next_id + count))
        self.next_id += count
        return ids

    def _default(self, field):
        batch = getattr(field.default, "batch", None)
        if batch is None:
            value = field.get_default()
        else:
            drawn = self.drawn.setdefault(field.name, [])
            if not drawn:
                drawn += batch(self.BATCH)
            value = drawn.pop()
        taken = self.taken.get(field.name)
        if taken is not None:
            while value in taken:
                value = field.get_default()  # a collision: rare enough to draw one by one
            taken.add(value)
        return value

    def add(self, *values, row_id: int | None = None) -> int | None:
        values = (*values, *(self._default(field) for field in self.defaults))  # one per row
        if self.with_ids:
            if row_id is None:
                row_id = self.reserve(1)[0]
            values = (row_id, *values)
        self.rows.append(values)
        return row_id

    def flush(self):
        if not self.rows:
            return
        converters = list(enumerate(self.convert))
        converters = [(i, c) for i, c in converters if c is not None]
        rows = self.rows
        if converters:
            rows = []
            for values in self.rows:
                values = list(values)
                for index, convert in converters:
                    if values[index] is not None:
                        values[index] = convert(values[index])
                rows.append(values)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(self.table)} ({columns}) FROM STDIN") as copy:
                    for values in rows:
                        copy.write_row(values)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})",  # noqa: S608
                    rows,
                )
        self.rows = []


@contextmanager
def bulk_load(models):
    """Many rows into the tables of ``models`` the way PostgreSQL's manual advises ("Populating
    a Database"): their foreign keys and secondary indexes are dropped while the rows are
    written and made again afterwards, each in one pass. Django's foreign keys are checked at
    the commit (deferred): millions of rows would queue millions of checks, one per row, where
    adding the key again checks all rows with one query. Within the caller's transaction: on
    an error everything is rolled back, the keys and indexes included; while it runs, other
    connections wait for these tables. The tables are analysed afterwards (autovacuum cannot
    see rows not committed yet). Elsewhere (SQLite) nothing is changed."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        # the checks queued so far, made now: a table with queued checks cannot be altered
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])"
            " ORDER BY conrelid, conname",
            [tables],
        )
        keys = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i"
            " WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary AND NOT EXISTS"
            " (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
            " ORDER BY indexrelid",
            [tables],
        )
        indexes = cursor.fetchall()
        quote = connection.ops.quote_name
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's keys: checked at the commit
        for table in tables:  # statistics for the planner: the kept counts are counted next
            cursor.execute(f"ANALYZE {quote(table)}")
