"""What every API router shares: bounded input types, errors, cursor pages, and the errors
every operation may answer, added to the OpenAPI document in one place."""

import copy
from datetime import date
from typing import Annotated, Any

from annotated_types import Interval
from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, create_model
from pydantic_core import PydanticCustomError

from relaydesk.clean_input import BIGGEST, CONTROL_CHARACTERS

# -- bounded input ----------------------------------------------------------------------------


def _not_a_boolean(value: Any) -> Any:
    # JSON's true would otherwise be taken as the id 1.
    if isinstance(value, bool):
        raise PydanticCustomError("boolean", "give a whole number, not true or false")
    return value


def whole_number(**bounds: int) -> Any:
    """An integer within `bounds` (ge, le: shown in the document), never true or false."""
    # The check of the type comes last, so it runs first and the bounds stay plain JSON Schema.
    return Annotated[int, Interval(**bounds), BeforeValidator(_not_a_boolean)]


DatabaseId = whole_number(ge=1, le=BIGGEST)

# The years a date given to the API may have: the holiday calendars know them, the longest
# promise counted from 2200 ends centuries before the last date Python holds, and every page
# can show them in every timezone.
# The page forms hold the same years, with the same words (relaydesk.forms).
FIRST_YEAR, LAST_YEAR = 1900, 2200
OUT_OF_YEARS = f"give a date between the years {FIRST_YEAR} and {LAST_YEAR}"


def _within_years(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError("out_of_years", OUT_OF_YEARS)
    return value


BoundedDateTime = Annotated[
    AwareDatetime,
    AfterValidator(_within_years),
    Field(description=f"With its offset; between the years {FIRST_YEAR} and {LAST_YEAR}."),
]

BoundedDate = Annotated[
    date,
    AfterValidator(_within_years),
    Field(description=f"A day between the years {FIRST_YEAR} and {LAST_YEAR}."),
]

CURSOR_LENGTH = 500
Cursor = Annotated[
    str | None,
    Field(max_length=CURSOR_LENGTH, description="The `next_cursor` of the page before."),
]


# -- what comes out ---------------------------------------------------------------------------


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    message: str
    errors: list[FieldError] = []


def responses(status: int, schema: Any, *errors: int) -> dict[int, Any]:
    """A route's documented responses: its success and the JSON errors particular to it (403 for
    a role that may not, 404 for an object named in the body, 409 for a stale version); those
    every operation may give are added by `with_common_errors`."""
    return {status: schema, **{code: ErrorOut for code in errors}}


def page_schema(item: type[Schema]) -> type[Schema]:
    """A cursor page of `item`s: pass `next_cursor` back as `cursor` for the next page."""
    return create_model(
        f"{item.__name__.removesuffix('Out')}Page",
        __base__=Schema,
        items=(list[item], ...),
        next_cursor=(str | None, None),
    )


# -- the errors every operation may answer ----------------------------------------------------

_ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorOut"}


def _error(description: str, message: str, *fields: tuple[str, str]) -> dict[str, Any]:
    example = {"message": message, "errors": [{"field": f, "message": m} for f, m in fields]}
    return {
        "description": description,
        "content": {"application/json": {"schema": _ERROR_SCHEMA, "example": example}},
    }


COMMON_ERRORS = {
    400: _error(
        "The body is not JSON, or the cursor is not one this server gave out.",
        "Cannot parse request body",
    ),
    401: _error(
        "Not signed in, or the personal token is unknown, revoked, or its person left.",
        "The personal token is not valid: it is unknown, revoked, or its person left.",
    ),
    403: _error(
        "Your role does not allow this (or, signed in by session, the CSRF token is missing).",
        "Your role does not allow this.",
    ),
    404: _error(
        "There is no such object, or it is not yours to see.",
        "There is no such object, or it is not yours to see.",
    ),
    409: _error(
        "The object changed since the version you acted on, the move makes no sense now, or "
        "the Idempotency-Key was used already.",
        "request #42 changed since version 3; reload it and try again",
    ),
    413: _error(
        "The body is over the size limit.", "The body is over the limit of 2,621,440 bytes."
    ),
    422: _error(
        "An input is not valid: each field named, as sent, with what is wrong.",
        "The input is not valid.",
        ("title", "String should have at most 200 characters"),
    ),
}


def with_common_errors(document: dict[str, Any]) -> dict[str, Any]:
    """Document, on every operation of an OpenAPI `document`, the errors it can answer
    whatever it does: 422 (any input, the query and the path included, may be refused), 401
    where it needs a sign-in, 404 where the path names an object, 400 and 413 where it takes a
    body or a cursor, 403 where an unsafe method meets the session's CSRF check. Every error
    response gets its example."""
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            # Ninja keys statuses by number, an operation's openapi_extra by text.
            answers = {int(code): answer for code, answer in operation.get("responses", {}).items()}
            operation["responses"] = answers
            parameters = operation.get("parameters", [])
            wanted = {422}
            if operation.get("security"):
                wanted.add(401)
            if any(parameter["in"] == "path" for parameter in parameters):
                wanted.add(404)
            if "requestBody" in operation:
                wanted |= {400, 413}
            if any(parameter["name"] == "cursor" for parameter in parameters):
                wanted.add(400)
            if method != "get" and operation.get("security"):
                wanted.add(403)
            for status in wanted - set(answers):
                answers[status] = copy.deepcopy(COMMON_ERRORS[status])
            for status, answer in answers.items():
                if status in COMMON_ERRORS:
                    common = COMMON_ERRORS[status]
                    answer["description"] = common["description"]
                    answer.setdefault("content", copy.deepcopy(common["content"]))
                    for media in answer["content"].values():
                        media.setdefault(
                            "example", common["content"]["application/json"]["example"]
                        )
    return document


def with_links(document: dict[str, Any], sources: dict[str, list[str]]) -> dict[str, Any]:
    """Add OpenAPI links: the object a source operation answers with (created, or the first of
    a list) feeds every operation that takes it, as a path parameter or a field of its body.

    `sources` maps such a name (`request_id`, `team_id`; `slug` and `service` take a service's
    slug) to the operations, as "METHOD /path" under the API's root, whose answer names such
    objects. A client, or a stateful fuzzer, can then follow a created request to its
    transitions, comments and transfer, and a listed service into a new request."""
    schemas = document.get("components", {}).get("schemas", {})
    paths = document.get("paths", {})
    root = _common_root(paths)
    for name, named in sources.items():
        field = "slug" if name in {"slug", "service"} else "id"
        for source in named:
            method, path = source.split(" ", 1)
            operation = paths[root + path][method.lower()]
            answer = next(a for s, a in operation["responses"].items() if s in {200, 201})
            value = f"$response.body#{_pointer_to(answer, schemas)}{field}"
            links = answer.setdefault("links", {})
            for target in paths.values():
                for taker in target.values():
                    link = {"operationId": taker["operationId"]}
                    if any(
                        p["in"] == "path" and p["name"] == name for p in taker.get("parameters", [])
                    ):
                        link["parameters"] = {name: value}
                    elif name != "slug" and name in _body_fields(taker, schemas):
                        # (a body's own `slug` names the object it makes, not another one)
                        link["requestBody"] = {name: value}
                    else:
                        continue
                    links[taker["operationId"]] = link
    return document


def _body_fields(operation: dict[str, Any], schemas: dict[str, Any]) -> set[str]:
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body is None:
        return set()
    shown = schemas.get(body["schema"].get("$ref", "").rsplit("/", 1)[-1], {})
    return set(shown.get("properties", {}))


def _common_root(paths: dict[str, Any]) -> str:
    return "/api/v1" if all(path.startswith("/api/v1/") for path in paths) else ""


def _pointer_to(answer: dict[str, Any], schemas: dict[str, Any]) -> str:
    """Where the (first) object of an answer lies: itself, a list's first, a page's first."""
    schema = answer["content"]["application/json"]["schema"]
    if schema.get("type") == "array":
        return "/0/"
    shown = schemas.get(schema.get("$ref", "").rsplit("/", 1)[-1], {})
    return "/items/0/" if "items" in shown.get("properties", {}) else "/"


# What the input gate (relaydesk.clean_input) refuses before any operation runs, said in the
# document so that a client knows it: control characters in texts and keys, numbers past 64 bits.
CLEAN_TEXT = f"^[^{CONTROL_CHARACTERS.pattern[1:-1]}]*$"


def with_clean_input(document: dict[str, Any]) -> dict[str, Any]:
    """Bound, in every input of an OpenAPI `document` (parameters and bodies), each text to
    `CLEAN_TEXT`, each free mapping's keys likewise, each whole number to 64 bits; and close
    each object to the fields it names."""
    schemas = document.get("components", {}).get("schemas", {})
    seen: set[str] = set()

    def bound(schema: dict[str, Any]) -> None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                bound(schemas[name])
            return
        for key in ("anyOf", "allOf", "oneOf", "prefixItems"):
            for inner in schema.get(key, []):
                bound(inner)
        for inner in schema.get("properties", {}).values():
            bound(inner)
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                bound(schema[key])
        kind = schema.get("type")
        if kind == "string" and not {"enum", "format", "pattern", "const"} & set(schema):
            schema["pattern"] = CLEAN_TEXT
        elif kind == "object" and "properties" in schema:
            # Other fields are ignored; a client has no reason to send any.
            schema.setdefault("additionalProperties", False)
        elif kind == "object":
            schema.setdefault("propertyNames", {"pattern": CLEAN_TEXT})
        elif kind == "integer":
            schema.setdefault("minimum", -BIGGEST)
            schema.setdefault("maximum", BIGGEST)

    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                bound(parameter["schema"])
            for media in operation.get("requestBody", {}).get("content", {}).values():
                bound(media["schema"])
    return document
