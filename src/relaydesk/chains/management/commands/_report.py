"""What the `relaydesk report` commands share: the window and the formats they print in."""

import csv
import json
from collections.abc import Sequence

from django.core.management.base import CommandError, CommandParser

from relaydesk.chains import selectors
from relaydesk.errors import InvalidInput

FORMATS = ("table", "json", "csv")


def add_common_arguments(parser: CommandParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument(
        "--days",
        default=str(selectors.DEFAULT_DAYS),
        help=f"the window of requests served, in days (default {selectors.DEFAULT_DAYS})",
    )


def window(days: str) -> int:
    try:
        return selectors.window_days(days)
    except InvalidInput as invalid:
        raise CommandError(str(invalid)) from None


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
