"""Model instances from hand-written SQL, for the few reads every API call makes.

Building a query through the ORM costs about half a millisecond of CPU each time (cloning,
resolving, compiling), more than the database takes to answer it. The bearer token's lookup and
the service a new request asks run on every call of the busiest operation, so they are written
once as SQL (bench/RESULTS.md, "API creation"). Values go through the converters the ORM itself
applies, so the instances are the ORM's own, on SQLite and PostgreSQL alike.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Model


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
