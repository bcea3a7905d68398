"""Hand-written SQL for the few statements every write through the API makes.

Building a query through the ORM costs about half a millisecond of CPU each time (cloning,
resolving, compiling), more than the database takes to answer it. The bearer token's lookup,
the service a new request asks, and the rows every write to a request inserts (the request, its
hops, events and outbox rows) run on every call of the busiest operation, so their statements
are built once per model here (bench/RESULTS.md, "API request creation"). Values go through the
ORM's own converters and preparation, so rows and instances are the ORM's, on SQLite and
PostgreSQL alike.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.db.models.constants import OnConflict


@dataclass(frozen=True)
class Columns:
    """The columns of one model in a SELECT, under a table alias, and how to read them back."""

    model: type[Model]
    sql: str  # the select list: alias."column", ... in field order
    attnames: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]

    def __len__(self) -> int:
        return len(self.attnames)

    def instance(self, row: Sequence[Any], start: int = 0) -> Model | None:
        """The model instance held in row[start:start + len(self)]; None when its primary key
        is NULL (the missing side of a LEFT JOIN)."""
        values = list(row[start : start + len(self)])
        if values[0] is None:
            return None
        for position, converters, expression in self.converters:
            for convert in converters:
                values[position] = convert(values[position], expression, connection)
        return self.model.from_db(connection.alias, self.attnames, values)


def columns(model: type[Model], alias: str) -> Columns:
    return _columns(model, alias, connection.vendor)


@cache
def _columns(model: type[Model], alias: str, vendor: str) -> Columns:
    pk = model._meta.pk
    fields = [pk, *(f for f in model._meta.concrete_fields if f is not pk)]
    quote = connection.ops.quote_name
    converters = []
    for position, field in enumerate(fields):
        expression = field.get_col(alias)
        found = connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        )
        if found:
            converters.append((position, tuple(found), expression))
    return Columns(
        model=model,
        sql=", ".join(f"{quote(alias)}.{quote(field.column)}" for field in fields),
        attnames=tuple(field.attname for field in fields),
        converters=tuple(converters),
    )


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def keep_prefetched(instance: Model, relation: str, related: list[Model]) -> None:
    """Hold `related` as `instance.<relation>.all()`, as prefetch_related leaves it, so that
    code reading the relation finds it loaded."""
    loaded = getattr(instance, relation).all()
    loaded._result_cache = related
    loaded._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[relation] = loaded


# Rows per INSERT statement: far under SQLite's limit on parameters, and few statements to keep.
INSERT_BATCH = 100


@dataclass(frozen=True)
class _Insert:
    sql: str
    fields: tuple[Field, ...]
    returns_pk: bool


def insert_all(objs: Sequence[Model], *, ignore_conflicts: bool = False) -> None:
    """Insert `objs` (new objects of one model, without keys) and give them their primary keys,
    as save(force_insert=True) and bulk_create do, INSERT_BATCH rows to a statement; each
    statement is built once per model and row count."""
    for start in range(0, len(objs), INSERT_BATCH):
        batch = objs[start : start + INSERT_BATCH]
        model = type(batch[0])
        statement = _insert_statement(model, len(batch), ignore_conflicts, connection.vendor)
        for obj in batch:
            # As save() does: a related object saved since it was set gives its key now.
            obj._prepare_related_fields_for_save(operation_name="insert_all")
        params = [
            field.get_db_prep_save(field.pre_save(obj, True), connection)
            for obj in batch
            for field in statement.fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, params)
            keys = cursor.fetchall() if statement.returns_pk else [(None,)] * len(batch)
        for obj, (pk,) in zip(batch, keys, strict=True):
            if pk is not None:
                obj.pk = pk
            obj._state.adding, obj._state.db = False, connection.alias


@cache
def _insert_statement(
    model: type[Model], count: int, ignore_conflicts: bool, vendor: str
) -> _Insert:
    meta, ops, quote = model._meta, connection.ops, connection.ops.quote_name
    fields = tuple(f for f in meta.concrete_fields if not f.generated and f is not meta.auto_field)
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    suffix = ops.on_conflict_suffix_sql(fields, on_conflict, None, None)
    # Rows skipped as conflicts return no key: what bulk_create(ignore_conflicts=True) gives.
    returns_pk = meta.auto_field is not None and not ignore_conflicts
    returning = f" RETURNING {quote(meta.auto_field.column)}" if returns_pk else ""
    sql = (
        f"{ops.insert_statement(on_conflict=on_conflict)} {quote(meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES {', '.join([placeholders] * count)} {suffix}{returning}"
    )
    return _Insert(sql=sql, fields=fields, returns_pk=returns_pk)
