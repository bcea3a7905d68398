"""Keyset (cursor) pagination: a page costs the same however deep it is."""

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Field, Model, Q, QuerySet


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None


def keyset_page(
    queryset: QuerySet, *, order: tuple[str, ...], cursor: str | None, size: int
) -> Page:
    """Return `size` rows after `cursor` in `order` (field names, '-' for descending).

    The last field must be unique (normally the id) so that the order is total.
    """
    if cursor:
        values = _typed(queryset.model, order, _decode(cursor, len(order)))
        queryset = queryset.filter(_after(order, values))
    rows = list(queryset.order_by(*order)[: size + 1])
    if len(rows) <= size:
        return Page(rows, None)
    rows = rows[:size]
    last = rows[-1]
    return Page(rows, _encode([_value(last, field.lstrip("-")) for field in order]))


def _after(order: tuple[str, ...], values: list[Any]) -> Q:
    # (a, b, c) > (x, y, z)  ==  a > x  or  (a = x and (b > y or (b = y and c > z)))
    condition = Q()
    for field, value in reversed(list(zip(order, values, strict=True))):
        name = field.lstrip("-")
        beyond = Q(**{f"{name}__{'lt' if field.startswith('-') else 'gt'}": value})
        condition = beyond if not condition else beyond | (Q(**{name: value}) & condition)
    return condition


def _value(row: Any, path: str) -> Any:
    for part in path.split("__"):
        row = getattr(row, part)
    return row


def _encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=_iso).encode()).decode().rstrip("=")


def _iso(value: Any) -> str:
    # Dates and times as ISO text to the microsecond: the cursor must be exactly the row's.
    return value.isoformat()


def _typed(model: type[Model], order: tuple[str, ...], values: list[Any]) -> list[Any]:
    # A well-formed cursor can still be forged with values of the wrong type; checking them
    # against the fields keeps that a 400 instead of a database error.
    typed = []
    for field_name, value in zip(order, values, strict=True):
        field = _field(model, field_name.lstrip("-"))
        if isinstance(value, dict | list):
            raise InvalidCursor("cursor is not one this server gave out")
        try:
            typed.append(None if value is None else field.to_python(value))
        except (ValidationError, TypeError, ValueError):
            raise InvalidCursor("cursor is not one this server gave out") from None
    return typed


def _field(model: type[Model], path: str) -> Field:
    *relations, last = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(last)


def _decode(cursor: str, length: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise InvalidCursor("cursor is not one this server gave out") from None
    if not isinstance(values, list) or len(values) != length:
        raise InvalidCursor("cursor is not one this server gave out")
    return values
