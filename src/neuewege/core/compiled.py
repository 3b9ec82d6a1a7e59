"""Queries compiled once and run many times: for the hot reads whose SQL costs more to build than
to run (the parents' searches: an ORM query of nested subqueries and windows takes ~25 ms of
Python to build and compile, and a few ms in the database).

The ORM stays the one definition of the query. Where a value changes from run to run (the time
now, the family centres near the place asked for), the query holds a ``Param``; ``compiled``
builds and compiles the query once per shape (its ``key``: which filters it has, which page)
and connection, and ``CompiledQuery.rows`` passes only the values::

    now = Param("now", DateTimeField())
    query = compiled(("upcoming", page), EventSession, lambda: dates.filter(starts_at__gt=now))
    rows = query.rows(now=timezone.now())

Rows are named tuples with the queryset's ``values_list`` names, converted as Django converts
them (dates on SQLite). A key names the shape completely: two queries of one key must differ in
their ``Param`` values only."""

import json
from collections import namedtuple
from collections.abc import Callable, Hashable
from typing import Any

from django.db import connections, router
from django.db.models import BooleanField, Expression, Field, Func, Model, QuerySet

MAX_SHAPES = 512  # per connection: shapes × pages asked; beyond, the oldest are compiled again


class Param(Expression):
    """A value of a compiled query passed at each run (``name=value`` to ``rows``), prepared for
    the database as ``output_field`` prepares its values, or by ``prepare(connection, value)``."""

    def __init__(self, name: str, output_field: Field | None = None, *, prepare=None):
        super().__init__(output_field=output_field)
        self.name, self.prepare = name, prepare

    def as_sql(self, compiler, connection):
        return "%s", [self]  # the parameter itself: filled in by CompiledQuery.rows

    def value_for(self, value, connection):
        if self.prepare is not None:
            return self.prepare(connection, value)
        return self.output_field.get_db_prep_value(value, connection, prepared=False)


def _id_array(connection, ids):
    ids = [int(value) for value in ids]
    return ids if connection.vendor == "postgresql" else json.dumps(ids)


class OneOf(Func):
    """``expression`` is one of the integers of the Param ``name``, passed as one parameter
    however many there are: an array on PostgreSQL, a JSON list elsewhere (SQLite's
    ``json_each``). IN with a placeholder per value costs more to compile and send than the
    query takes to run once a search covers hundreds of family centres."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, expression, name: str):
        super().__init__(expression, Param(name, prepare=_id_array))

    def as_sql(self, compiler, connection, **extra_context):
        column, column_params = compiler.compile(self.source_expressions[0])
        values, value_params = compiler.compile(self.source_expressions[1])
        # the column from the compiler, the values one parameter
        query = f"{column} IN (SELECT value FROM json_each({values}))"  # noqa: S608
        return query, (*column_params, *value_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        column, column_params = compiler.compile(self.source_expressions[0])
        values, value_params = compiler.compile(self.source_expressions[1])
        return f"{column} = ANY({values})", (*column_params, *value_params)


class CompiledQuery:
    """The SQL of one shape of a query, its parameters (values and ``Param``), the names of its
    columns and the converters Django applies to them."""

    def __init__(self, queryset: QuerySet):
        query = queryset.query
        compiler = query.get_compiler(using=queryset.db)
        self.alias = queryset.db
        self.sql, self.params = compiler.as_sql()
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        self.Row = namedtuple("Row", names, rename=True)
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        self.converters = list(compiler.get_converters(fields).items())

    def rows(self, **values: Any) -> list:
        connection = connections[self.alias]
        params = [
            param.value_for(values[param.name], connection) if isinstance(param, Param) else param
            for param in self.params
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = [list(row) for row in rows]
            for row in rows:
                for position, (functions, expression) in self.converters:
                    value = row[position]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[position] = value
        return [self.Row(*row) for row in rows]


def compiled(key: Hashable, model: type[Model], build: Callable[[], QuerySet]) -> CompiledQuery:
    """The query of ``key`` compiled for the connection that reads ``model`` (the database
    router's choice: a replica where reads tolerate lag), built by ``build`` (a ``values_list``
    queryset of ``model``) the first time."""
    using = router.db_for_read(model)
    connection = connections[using]
    kept = connection.__dict__.setdefault("_neuewege_compiled", {})
    query = kept.get(key)
    if query is None:
        if len(kept) >= MAX_SHAPES:
            kept.pop(next(iter(kept)))
        query = kept[key] = CompiledQuery(build().using(using))
    return query
