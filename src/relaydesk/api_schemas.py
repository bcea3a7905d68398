"""Schemas every API router shares: errors and cursor pages."""

from typing import Any

from ninja import Schema
from pydantic import create_model


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    message: str
    errors: list[FieldError] = []


def responses(status: int, schema: Any, *errors: int) -> dict[int, Any]:
    """A route's documented responses: its success and the JSON errors it may give."""
    return {status: schema, 401: ErrorOut, **{code: ErrorOut for code in errors}}


def page_schema(item: type[Schema]) -> type[Schema]:
    """A cursor page of `item`s: pass `next_cursor` back as `cursor` for the next page."""
    return create_model(
        f"{item.__name__.removesuffix('Out')}Page",
        __base__=Schema,
        items=(list[item], ...),
        next_cursor=(str | None, None),
    )
