"""Parse, validate and serialise the calendar file shape (YAML, JSON or a dict) into a Calendar.

Every problem is collected with the path of the field it concerns (e.g. ``hours.mon[1]``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .businesstime import (
    WEEKDAY_NAMES,
    Calendar,
    Closure,
    HolidayRegionError,
    HolidaySource,
)

__all__ = [
    "CalendarSpecError",
    "SpecIssue",
    "calendar_from_mapping",
    "calendar_to_mapping",
    "load_calendar_file",
    "parse_calendar_text",
]

TOP_LEVEL_KEYS = ("timezone", "hours", "holidays", "closures")
HOLIDAY_KEYS = ("country", "subdivision")
CLOSURE_KEYS = ("date", "start", "end")

_INTERVAL = re.compile(
    r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*-\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$"
)


@dataclass(frozen=True)
class SpecIssue:
    """One problem in a calendar spec: the field path and a human message."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class CalendarSpecError(ValueError):
    """A calendar spec is invalid; `errors` lists every problem found."""

    def __init__(self, errors: list[SpecIssue], source: str | None = None) -> None:
        self.errors = list(errors)
        self.source = source
        where = f"{source}: " if source else ""
        lines = "\n".join(f"  - {issue}" for issue in self.errors)
        count = len(self.errors)
        super().__init__(f"{where}invalid calendar ({count} problem{'s' * (count != 1)}):\n{lines}")


class _Collector:
    def __init__(self) -> None:
        self.errors: list[SpecIssue] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append(SpecIssue(path, message))


def _format_seconds(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def _format_interval(interval: tuple[int, int]) -> str:
    return f"{_format_seconds(interval[0])}-{_format_seconds(interval[1])}"


def _parse_clock(hh: str, mm: str, ss: str | None, *, is_end: bool) -> tuple[int | None, str]:
    hours, minutes, seconds = int(hh), int(mm), int(ss or 0)
    if minutes > 59 or seconds > 59:
        return None, "minutes and seconds must be 00..59"
    if hours == 24 and (minutes or seconds):
        return None, "24:00 is the latest time of day"
    if hours > 24:
        return None, "hours must be 00..24"
    if hours == 24 and not is_end:
        return None, "24:00 is allowed only as an end (the next midnight)"
    return hours * 3600 + minutes * 60 + seconds, ""


def _parse_interval(value: object, path: str, out: _Collector) -> tuple[int, int] | None:
    if not isinstance(value, str):
        hint = (
            " (quote it: YAML reads an unquoted 12:30 as a number)"
            if isinstance(value, int)
            else ""
        )
        out.add(path, f"expected a string 'HH:MM-HH:MM', got {value!r}{hint}")
        return None
    match = _INTERVAL.match(value)
    if not match:
        out.add(path, f"expected 'HH:MM-HH:MM' (e.g. '09:00-17:30'), got {value!r}")
        return None
    start, problem = _parse_clock(*match.group(1, 2, 3), is_end=False)
    if start is None:
        out.add(path, f"start of {value!r}: {problem}")
        return None
    end, problem = _parse_clock(*match.group(4, 5, 6), is_end=True)
    if end is None:
        out.add(path, f"end of {value!r}: {problem}")
        return None
    if end <= start:
        out.add(path, f"end must be after start in {value!r} (use 24:00 for midnight)")
        return None
    return start, end


def _parse_hours(value: object, out: _Collector) -> dict[int, list[tuple[int, int]]]:
    week: dict[int, list[tuple[int, int]]] = {}
    if not isinstance(value, Mapping):
        out.add("hours", f"expected a mapping of weekday -> list of intervals, got {value!r}")
        return week
    for key, intervals in value.items():
        path = f"hours.{key}"
        if key not in WEEKDAY_NAMES:
            out.add(path, f"unknown weekday {key!r}; expected one of {', '.join(WEEKDAY_NAMES)}")
            continue
        if intervals is None:
            intervals = []
        if isinstance(intervals, str) or not isinstance(intervals, list):
            out.add(path, f"expected a list of 'HH:MM-HH:MM' strings, got {intervals!r}")
            continue
        parsed: list[tuple[int, tuple[int, int]]] = []
        for index, item in enumerate(intervals):
            interval = _parse_interval(item, f"{path}[{index}]", out)
            if interval is not None:
                parsed.append((index, interval))
        parsed.sort(key=lambda pair: pair[1])
        for (prev_index, prev), (index, current) in pairwise(parsed):
            if current[0] < prev[1]:
                first, second = sorted((prev_index, index))
                out.add(
                    f"{path}[{second}]",
                    f"{intervals[second]!r} overlaps {path}[{first}] ({intervals[first]!r})",
                )
        week[WEEKDAY_NAMES.index(key)] = [interval for _, interval in parsed]
    return week


def _parse_holidays(value: object, out: _Collector) -> HolidaySource | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        out.add(
            "holidays", f"expected a mapping like {{country: DE, subdivision: BY}}, got {value!r}"
        )
        return None
    for key in value:
        if key not in HOLIDAY_KEYS:
            out.add(f"holidays.{key}", f"unknown key; expected one of {', '.join(HOLIDAY_KEYS)}")
    country = value.get("country")
    subdivision = value.get("subdivision")
    if country is None:
        out.add("holidays.country", "required (an ISO 3166-1 alpha-2 code such as DE)")
        return None
    for key, code in (("country", country), ("subdivision", subdivision)):
        if code is not None and not isinstance(code, str):
            hint = (
                " (quote it: YAML reads NO, ON, YES... as booleans)"
                if isinstance(code, bool)
                else ""
            )
            out.add(f"holidays.{key}", f"expected a code string, got {code!r}{hint}")
            return None
    try:
        source = HolidaySource(country, subdivision)
    except HolidayRegionError as exc:
        out.add(f"holidays.{exc.field}", str(exc))
        return None
    return source


def _parse_instant(value: object, path: str, out: _Collector) -> datetime | None:
    """A naive local datetime from a datetime, a date (its midnight) or an ISO string."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            out.add(path, f"expected a local date-time like '2026-12-31T14:00', got {value!r}")
            return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            out.add(path, "closures are local wall-clock times; remove the UTC offset")
            return None
        if value.microsecond:
            out.add(path, "closure times have a precision of whole seconds")
            return None
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    out.add(path, f"expected a local date-time like '2026-12-31T14:00', got {value!r}")
    return None


def _parse_date(value: object, path: str, out: _Collector) -> date | None:
    if isinstance(value, datetime):
        out.add(path, f"expected a date like 2026-12-24, got a date-time {value!r}")
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    out.add(path, f"expected a date like 2026-12-24, got {value!r}")
    return None


def _parse_closures(value: object, out: _Collector) -> list[Closure]:
    closures: list[Closure] = []
    if value is None:
        return closures
    if not isinstance(value, list):
        out.add("closures", f"expected a list of closures, got {value!r}")
        return closures
    for index, item in enumerate(value):
        path = f"closures[{index}]"
        if not isinstance(item, Mapping):
            out.add(path, f"expected {{date: ...}} or {{start: ..., end: ...}}, got {item!r}")
            continue
        unknown = [key for key in item if key not in CLOSURE_KEYS]
        for key in unknown:
            out.add(f"{path}.{key}", "unknown key; expected date, or start and end")
        if unknown:
            continue
        has_range = "start" in item or "end" in item
        if "date" in item:
            if has_range:
                out.add(path, "give either date (a whole day) or start and end, not both")
                continue
            day = _parse_date(item["date"], f"{path}.date", out)
            if day is not None:
                closures.append(Closure.whole_day(day))
            continue
        if not has_range:
            out.add(path, "needs date (a whole day) or start and end (a local range)")
            continue
        bounds = {}
        for key in ("start", "end"):
            if key not in item:
                out.add(f"{path}.{key}", "required with " + ("end" if key == "start" else "start"))
            else:
                bounds[key] = _parse_instant(item[key], f"{path}.{key}", out)
        start, end = bounds.get("start"), bounds.get("end")
        if start is None or end is None:
            continue
        if end <= start:
            out.add(f"{path}.end", f"must be after start ({start.isoformat()})")
            continue
        closures.append(Closure(start, end))
    return closures


def calendar_from_mapping(data: Mapping[str, Any], *, source: str | None = None) -> Calendar:
    """Validate the calendar dict shape and build a Calendar; raises CalendarSpecError."""
    out = _Collector()
    if not isinstance(data, Mapping):
        out.add("", f"expected a mapping with keys {', '.join(TOP_LEVEL_KEYS)}, got {data!r}")
        raise CalendarSpecError(out.errors, source)
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            out.add(str(key), f"unknown key; expected one of {', '.join(TOP_LEVEL_KEYS)}")
    timezone = data.get("timezone")
    if timezone is None:
        out.add("timezone", "required (an IANA name such as Europe/Berlin)")
    elif not isinstance(timezone, str):
        out.add("timezone", f"expected an IANA name such as Europe/Berlin, got {timezone!r}")
    else:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            out.add(
                "timezone", f"unknown timezone {timezone!r}; use an IANA name like Europe/Berlin"
            )
    if "hours" not in data:
        out.add("hours", "required (use {} for a calendar that is always closed)")
        hours: dict[int, list[tuple[int, int]]] = {}
    else:
        hours = _parse_hours(data["hours"], out)
    holidays = _parse_holidays(data.get("holidays"), out)
    closures = _parse_closures(data.get("closures"), out)
    if out.errors:
        raise CalendarSpecError(out.errors, source)
    return Calendar(str(timezone), hours, holidays, tuple(closures))  # type: ignore[arg-type]


def calendar_to_mapping(calendar: Calendar) -> dict[str, Any]:
    """The file shape of `calendar`, JSON-serialisable; calendar_from_mapping() reverses it."""
    data: dict[str, Any] = {
        "timezone": calendar.timezone,
        "hours": {
            WEEKDAY_NAMES[weekday]: [_format_interval(interval) for interval in intervals]
            for weekday, intervals in enumerate(calendar.hours)
        },
    }
    if calendar.holidays is not None:
        holidays = {"country": calendar.holidays.country}
        if calendar.holidays.subdivision is not None:
            holidays["subdivision"] = calendar.holidays.subdivision
        data["holidays"] = holidays
    if calendar.closures:
        data["closures"] = [
            {"date": closure.start.date().isoformat()}
            if closure.is_whole_day
            else {"start": _format_local(closure.start), "end": _format_local(closure.end)}
            for closure in calendar.closures
        ]
    return data


def _format_local(value: datetime) -> str:
    return value.isoformat(timespec="seconds" if value.second else "minutes")


# -- files ---------------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys instead of keeping the last one."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"found duplicate key {key!r}",
                key_node.start_mark,
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def parse_calendar_text(text: str, *, source: str | None = None) -> Calendar:
    """Parse YAML or JSON text (JSON if it starts with '{') into a Calendar."""
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text, object_pairs_hook=_json_pairs)
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno}, column {exc.colno}"
            raise CalendarSpecError(
                [SpecIssue("", f"invalid JSON at {where}: {exc.msg}")], source
            ) from exc
        except ValueError as exc:
            raise CalendarSpecError([SpecIssue("", f"invalid JSON: {exc}")], source) from exc
    else:
        try:
            data = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass
        except yaml.YAMLError as exc:
            raise CalendarSpecError([SpecIssue("", _describe_yaml_error(exc))], source) from exc
    if data is None:
        raise CalendarSpecError([SpecIssue("", "the calendar is empty")], source)
    return calendar_from_mapping(data, source=source)


def _describe_yaml_error(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return f"invalid YAML{where}: {problem}" + (f" ({context})" if context else "")


def load_calendar_file(path: str | Path) -> Calendar:
    """Read a YAML or JSON calendar file; every failure is a CalendarSpecError naming the file."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CalendarSpecError([SpecIssue("", f"not UTF-8 text: {exc}")], source) from exc
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise CalendarSpecError([SpecIssue("", f"cannot read the file: {reason}")], source) from exc
    return parse_calendar_text(text, source=source)
