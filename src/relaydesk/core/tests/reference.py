"""A slow, obviously-correct business-time model for tests: it walks local days one by one.

It shares no code with businesstime.py beyond reading a Calendar's fields. All instants are
integer epoch seconds. Wall times are mapped to instants by brute force: the first instant whose
local wall clock shows the time (first occurrence when ambiguous), else (in a DST gap) the first
instant whose wall clock is past it, found by stepping one second at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import holidays

from relaydesk.core.businesstime import Calendar

_EPOCH = datetime(1970, 1, 1)


def local_wall(instant: int, tz: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(instant, tz).replace(tzinfo=None)


@lru_cache(maxsize=200_000)
def instant_of(wall: datetime, tz: ZoneInfo) -> int:
    candidates = []
    for fold in (0, 1):
        offset = wall.replace(tzinfo=tz, fold=fold).utcoffset()
        assert offset is not None
        candidates.append(int((wall - offset - _EPOCH).total_seconds()))
    existing = [x for x in candidates if local_wall(x, tz) == wall]
    if existing:
        return min(existing)
    instant = min(candidates)
    while local_wall(instant, tz) <= wall:
        instant += 1
    return instant


@cache
def _holiday_table(country: str, subdivision: str | None) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=subdivision)


def is_holiday(cal: Calendar, day: date) -> bool:
    if cal.holidays is None:
        return False
    return day in _holiday_table(cal.holidays.country, cal.holidays.subdivision)


@lru_cache(maxsize=200_000)
def day_intervals(cal: Calendar, day: date) -> tuple[tuple[int, int], ...]:
    """The open instants [a, b) of one local day, in order (memoised: a pure function)."""
    if is_holiday(cal, day):
        return ()
    tz = ZoneInfo(cal.timezone)
    midnight = datetime(day.year, day.month, day.day)
    pieces = []
    for start, end in cal.hours[day.weekday()]:
        a = instant_of(midnight + timedelta(seconds=start), tz)
        b = instant_of(midnight + timedelta(seconds=end), tz)
        if b > a:
            pieces.append((a, b))
    for closure in cal.closures:
        cs, ce = instant_of(closure.start, tz), instant_of(closure.end, tz)
        pieces = [
            piece
            for a, b in pieces
            for piece in ((a, min(b, cs)), (max(a, ce), b))
            if piece[1] > piece[0]
        ]
    return tuple(sorted(pieces))


def local_date(cal: Calendar, instant: int) -> date:
    return datetime.fromtimestamp(instant, ZoneInfo(cal.timezone)).date()


def intervals_from(cal: Calendar, instant: int, max_days: int) -> Iterator[tuple[int, int]]:
    day = local_date(cal, instant) - timedelta(days=1)
    for _ in range(max_days):
        yield from day_intervals(cal, day)
        day += timedelta(days=1)


def between(cal: Calendar, a: int, b: int) -> int:
    if b < a:
        return -between(cal, b, a)
    days = (local_date(cal, b) - local_date(cal, a)).days + 3
    return sum(max(0, min(e, b) - max(s, a)) for s, e in intervals_from(cal, a, days))


def is_open(cal: Calendar, t: int) -> bool:
    return any(s <= t < e for s, e in intervals_from(cal, t, 3))


def next_open(cal: Calendar, t: int, max_days: int = 4000) -> int | None:
    for s, e in intervals_from(cal, t, max_days):
        if e > t:
            return max(s, t)
    return None


def due(cal: Calendar, t: int, n: int, max_days: int = 20_000) -> int | None:
    if n == 0:
        return t
    for s, e in intervals_from(cal, t, max_days):
        if e <= t:
            continue
        begin = max(s, t)
        if n <= e - begin:
            return begin + n
        n -= e - begin
    return None


# -- test helpers (shared by the test modules) ---------------------------------------------

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def seconds_of(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def make_calendar(
    timezone: str,
    hours: dict[str, list[str]],
    holidays: tuple[str, str | None] | None = None,
    closures: tuple[tuple[str, str], ...] = (),
) -> Calendar:
    """Build a Calendar from 'HH:MM-HH:MM' strings and ('YYYY-MM-DD[THH:MM]', ...) closures."""
    from relaydesk.core.businesstime import Closure, HolidaySource

    week = {
        WEEKDAYS.index(day): [
            (seconds_of(text.split("-")[0]), seconds_of(text.split("-")[1])) for text in texts
        ]
        for day, texts in hours.items()
    }
    return Calendar(
        timezone,
        week,  # type: ignore[arg-type]
        HolidaySource(*holidays) if holidays else None,
        tuple(
            Closure.whole_day(date.fromisoformat(start))
            if not end
            else Closure(datetime.fromisoformat(start), datetime.fromisoformat(end))
            for start, end in closures
        ),
    )


def utc_offset_changes(timezone: str, first_year: int, last_year: int) -> list[int]:
    """Epoch seconds of the UTC-offset changes of `timezone` in the given years (to the second)."""
    tz = ZoneInfo(timezone)
    changes = []
    t = int(datetime(first_year, 1, 1, tzinfo=tz).timestamp())
    end = int(datetime(last_year + 1, 1, 1, tzinfo=tz).timestamp())
    step = 6 * 3600
    while t < end:
        if (
            datetime.fromtimestamp(t, tz).utcoffset()
            != datetime.fromtimestamp(t + step, tz).utcoffset()
        ):
            lo, hi = t, t + step
            while hi - lo > 1:
                mid = (lo + hi) // 2
                same = (
                    datetime.fromtimestamp(mid, tz).utcoffset()
                    == datetime.fromtimestamp(lo, tz).utcoffset()
                )
                lo, hi = (mid, hi) if same else (lo, mid)
            changes.append(hi)
        t += step
    return changes
