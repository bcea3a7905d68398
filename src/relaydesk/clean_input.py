"""One gate for input no field can hold: control characters, and whole numbers past 64 bits.

PostgreSQL cannot store a NUL byte at all, and no field of Relaydesk has a use for control
characters other than tab and line breaks; SQLite fails on an integer past 2^63 - 1 where
PostgreSQL finds nothing. Refusing both here, before any view runs, keeps the answer the same on
both databases: under /api/ a 422 naming each field (JSON bodies, query parameters and the
path alike), on a page a 400. Form fields on pages are also refused by Django's own validators,
beside the field.
"""

import json
import re
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse

# C0 controls and DEL, less tab, line feed and carriage return.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DIGITS = re.compile(r"-?\d+")
BIGGEST = 2**63 - 1  # of a 64-bit signed integer: every id and count column
MESSAGE = "control characters (such as NUL) and whole numbers beyond ±2^63 are not allowed"


def _unholdable(text: str) -> bool:
    """A control character anywhere, or the whole text a number beyond 64 bits (an id in a
    query or a path; a long number inside searched words is just text)."""
    if CONTROL_CHARACTERS.search(text):
        return True
    return bool(DIGITS.fullmatch(text)) and abs(int(text)) > BIGGEST


def unholdable_locations(value: Any, where: tuple = ()) -> Iterator[tuple]:
    """Where in a parsed JSON value (keys included) a string holds a control character, or a
    number lies beyond 64 bits."""
    if isinstance(value, str):
        if CONTROL_CHARACTERS.search(value):
            yield where
    elif isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > BIGGEST:
            yield where
    elif isinstance(value, dict):
        for key, item in value.items():
            if CONTROL_CHARACTERS.search(str(key)):
                yield (*where, key)
            yield from unholdable_locations(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from unholdable_locations(item, (*where, index))


def _refused(request: HttpRequest) -> list[str]:
    """The fields of the request's query and JSON body that hold what no field can."""
    fields = [
        key
        for key, values in request.GET.lists()
        if any(_unholdable(value) for value in [key, *values])
    ]
    if request.content_type == "application/json" and request.body:
        try:
            body = json.loads(request.body)
        except ValueError:
            body = None  # malformed: the API says so itself
        fields += [".".join(map(str, loc)) or "body" for loc in unholdable_locations(body)]
    return list(dict.fromkeys(fields))


class RefuseControlCharacters:
    """Middleware: see the module's doc."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        fields = _refused(request)
        if any(_unholdable(part) for part in request.path.split("/")):
            fields.insert(0, "path")
        if not fields:
            return None
        if request.path_info.startswith("/api/"):
            errors = [{"field": field, "message": MESSAGE} for field in fields]
            return JsonResponse(
                {"message": "The input is not valid.", "errors": errors}, status=422
            )
        raise BadRequest(f"{', '.join(fields)}: {MESSAGE}")
