"""`relaydesk calendar due`: when a promise of N business minutes falls due on a calendar file."""

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relaydesk.core.businesstime import Calendar
from relaydesk.core.calendar_spec import CalendarSpecError, load_calendar_file


class Command(BaseCommand):
    help = (
        "Print when a promise of --minutes business minutes starting at --start falls due. "
        'With --jsonl, read one {"start": ..., "minutes": ...} object per line on standard input '
        'and write one {"due": ...} per line (or {"error": ...} for a bad line).'
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--calendar", required=True, type=Path, help="YAML or JSON file")
        parser.add_argument("--start", help="ISO 8601 with an offset, e.g. 2026-12-23T16:00+01:00")
        parser.add_argument("--minutes", help="business minutes (a whole number)")
        parser.add_argument("--jsonl", action="store_true", help="batch mode on standard input")

    def handle(
        self, *args, calendar: Path, start: str | None, minutes: str | None, jsonl: bool, **options
    ) -> None:
        try:
            engine = load_calendar_file(calendar)
        except (CalendarSpecError, OSError) as exc:
            raise CommandError(str(exc)) from None
        if jsonl:
            if start is not None or minutes is not None:
                raise CommandError("--jsonl reads starts and minutes from standard input only")
            if not self._batch(engine):
                raise CommandError("some lines could not be computed (see their errors)")
            return
        if start is None or minutes is None:
            raise CommandError("give --start and --minutes, or --jsonl")
        try:
            self.stdout.write(due_iso(engine, start, minutes))
        except ValueError as exc:
            raise CommandError(str(exc)) from None

    def _batch(self, engine: Calendar) -> bool:
        all_good = True
        out = sys.stdout
        for number, line in enumerate(sys.stdin, start=1):
            if not line.strip():
                continue
            try:
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"not a JSON object ({exc.msg})") from None
                if not isinstance(item, dict):
                    raise ValueError('expected an object like {"start": ..., "minutes": ...}')
                result: dict[str, Any] = {
                    "due": due_iso(engine, item.get("start"), item.get("minutes"))
                }
            except ValueError as exc:
                all_good = False
                result = {"error": f"line {number}: {exc}"}
            out.write(json.dumps(result) + "\n")
        out.flush()
        return all_good


def due_iso(engine: Calendar, start: Any, minutes: Any) -> str:
    """The due instant as ISO 8601 in the calendar's timezone; ValueError names the bad field."""
    if not isinstance(start, str):
        raise ValueError(f"start: expected an ISO 8601 string, got {start!r}")
    try:
        instant = datetime.fromisoformat(start)
    except ValueError:
        raise ValueError(f"start: {start!r} is not an ISO 8601 date and time") from None
    if instant.utcoffset() is None:
        raise ValueError(f"start: {start!r} has no offset; add one such as +01:00 or Z")
    if isinstance(minutes, str) and minutes.strip().isdigit():
        minutes = int(minutes)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0:
        raise ValueError(f"minutes: expected a whole number of minutes ≥ 0, got {minutes!r}")
    return engine.due(instant, minutes * 60).isoformat()
