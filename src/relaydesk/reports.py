"""What every report over a window shares, on a page, through the API or at the command line:
the window of days, the person or team a command names, and the formats `relaydesk report`
prints."""

import csv
import json
from collections.abc import Sequence

from django.core.management.base import CommandError, CommandParser

from relaydesk.directory.models import Person, Team
from relaydesk.directory.selectors import team_by_path
from relaydesk.errors import InvalidInput, NotFound

DEFAULT_DAYS = 90
MAX_DAYS = 3660
FORMATS = ("table", "json", "csv")


def window_days(value: object) -> int:
    """The window in days, from what a person typed; a clear error otherwise."""
    try:
        days = DEFAULT_DAYS if value in (None, "") else int(str(value))
    except ValueError:
        raise InvalidInput({"days": [f"{value!r} is not a whole number of days."]}) from None
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput({"days": [f"The window is 1 to {MAX_DAYS} days, not {days}."]})
    return days


# -- the `relaydesk report` commands ----------------------------------------------------------


def add_common_arguments(parser: CommandParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument(
        "--days",
        default=str(DEFAULT_DAYS),
        help=f"the window of requests served, in days (default {DEFAULT_DAYS})",
    )


def window(days: str) -> int:
    try:
        return window_days(days)
    except InvalidInput as invalid:
        raise CommandError(str(invalid)) from None


def person_named(email: str) -> Person:
    """The person a command names by their email address, in any letter case."""
    found = Person.objects.filter(email__iexact=email.strip()).first()
    if found is None:
        raise CommandError(f"--person: no person has the email {email!r}")
    return found


def team_named(path: str) -> Team:
    """The team a command names by its path, or by its last part alone when unique."""
    try:
        return team_by_path(path)
    except NotFound as unknown:
        raise CommandError(str(unknown)) from None


def write_json(out, payload: object) -> None:
    # Without indentation the standard library encodes in C: a large organisation's chains
    # print in a fraction of the time.
    out.write(json.dumps(payload, ensure_ascii=False))


def write_csv(out, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)


def write_table(out, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(cell) for cell in row] for row in [header, *rows]]
    widths = [max(len(row[column]) for row in cells) for column in range(len(header))]
    for row in cells:
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        out.write(line.rstrip() + "\n")


def percent(rate: float | None) -> str:
    return "unknown" if rate is None else f"{rate:.0%}"
