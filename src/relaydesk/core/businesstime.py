"""Business-time arithmetic: weekly working hours in a timezone, minus public holidays and closures.

Rules (each one is tested in tests/test_businesstime.py):

* Business time is real elapsed time (UTC seconds) inside the open intervals, so a 00:00-24:00
  day lasts 23 h or 25 h on DST days while a 09:00-17:00 day stays 8 h.
* Local wall-clock boundaries (hours, closures, holiday midnights) are mapped to instants so:
  a wall time in a spring-forward gap moves forward to the first existing instant after the gap;
  an ambiguous wall time (fall-back) is its first occurrence (fold=0). "24:00" is the next 00:00.
* Intervals are half-open [open, close): is_open() is True at the opening second, False at close.
* Precision is the second: microseconds of every input instant are dropped (floored) on entry;
  every returned datetime is a whole second, in the calendar's timezone (zoneinfo.ZoneInfo).
  Compare or subtract results as instants (.timestamp(), or in UTC): within one zone Python
  compares and adds by wall clock, which misorders the repeated hour when clocks fall back.
* due(start, n) for n > 0 is the earliest instant by which n business seconds have elapsed since
  start, so work that runs out exactly at a close is due at the close, not at the next opening.
  due(start, 0) is start itself (floored), even outside working hours; n < 0 is a ValueError.
* business_seconds_between(a, b) with b < a is -business_seconds_between(b, a).
* Naive datetimes (or tzinfo whose utcoffset() is None) raise NaiveDatetimeError (a ValueError).
* Holidays are the `holidays` package's default (public) holidays, observed days included;
  a holiday or a whole-day closure closes the whole local day.
* A search that finds no open time for HORIZON_YEARS local years (a calendar without hours, or
  closed by closures) raises CalendarNeverOpensError (a ValueError); instants outside the local
  years MIN_YEAR..MAX_YEAR raise OverflowError.
"""

from __future__ import annotations

import operator
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from relaydesk.core.durations import working_day_seconds

__all__ = [
    "DAY_SECONDS",
    "HORIZON_YEARS",
    "MAX_YEAR",
    "MIN_YEAR",
    "WEEKDAY_NAMES",
    "Calendar",
    "CalendarNeverOpensError",
    "Closure",
    "HolidayRegionError",
    "HolidaySource",
    "NaiveDatetimeError",
    "wall_to_epoch",
]

DAY_SECONDS = 86_400
HORIZON_YEARS = 10
MIN_YEAR = 2
MAX_YEAR = 9998
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_ONE_DAY = timedelta(days=1)
_BIG = 1 << 62
_GROWTH_BATCH = 8  # at most this many years are added per step when growing forward
_JOIN_YEARS = 16  # farther than this from the cached years, a span is started afresh
_MAX_YEAR_SECONDS = 367 * 86_400  # more than any local year can hold

Interval = tuple[int, int]
DayHours = tuple[Interval, ...]
WeekHours = tuple[DayHours, DayHours, DayHours, DayHours, DayHours, DayHours, DayHours]
# (lo_epoch, hi_epoch, starts, ends, offsets, cum_ends, cum_at_hi): see Calendar.__post_init__.
Span = tuple[int, int, list[int], list[int], list[int], list[int], int]


class NaiveDatetimeError(ValueError):
    """A naive datetime was given where a timezone-aware one is required."""


class CalendarNeverOpensError(ValueError):
    """The calendar has no open time within the search horizon."""


class HolidayRegionError(ValueError):
    """Unknown holiday country or subdivision; `field` is "country" or "subdivision"."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _naive_error(what: str, value: object) -> NaiveDatetimeError:
    return NaiveDatetimeError(
        f"{what} must be a timezone-aware datetime, got naive {value!r}; "
        "attach a tzinfo (e.g. zoneinfo.ZoneInfo) first"
    )


def _epoch_second(value: datetime, what: str) -> int:
    """Floor an aware datetime to whole UTC epoch seconds."""
    if value.utcoffset() is None:
        raise _naive_error(what, value)
    ts = value.timestamp()
    t = int(ts)
    return t - 1 if t > ts else t


def wall_to_epoch(wall: datetime, tz: ZoneInfo) -> int:
    """The epoch second of a naive local wall time, by the module's gap and fold rules."""
    first = int(wall.replace(tzinfo=tz, fold=0).timestamp())
    if datetime.fromtimestamp(first, tz).replace(tzinfo=None) == wall:
        return first  # exists; when ambiguous, fold=0 is the first occurrence
    # In a gap: fold=0 used the offset before the gap (an instant after it), fold=1 the offset
    # after (an instant before it). Find the first instant whose wall clock is past `wall`.
    other = int(wall.replace(tzinfo=tz, fold=1).timestamp())
    lo, hi = min(first, other), max(first, other)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, tz).replace(tzinfo=None) > wall:
            hi = mid
        else:
            lo = mid
    return hi


@lru_cache(maxsize=1)
def _supported_regions() -> dict[str, frozenset[str]]:
    import holidays

    return {
        country: frozenset(subdivisions)
        for country, subdivisions in holidays.list_supported_countries(
            include_aliases=False
        ).items()
    }


@lru_cache(maxsize=1024)
def _named_holidays(
    country: str, subdivision: str | None, year: int
) -> tuple[tuple[date, str], ...]:
    import holidays

    # Neighbouring years too: an observed day can move across New Year. Names in English where
    # the package has them (the pages are English); the language never changes the dates.
    table = holidays.country_holidays(
        country, subdiv=subdivision, years=range(year - 1, year + 2), language="en_US"
    )
    return tuple(sorted((day, name) for day, name in table.items() if day.year == year))


@lru_cache(maxsize=1024)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(day for day, _ in _named_holidays(country, subdivision, year))


@dataclass(frozen=True)
class HolidaySource:
    """Public holidays of a country (ISO 3166-1 alpha-2) and optional subdivision code."""

    country: str
    subdivision: str | None = None

    def __post_init__(self) -> None:
        regions = _supported_regions()
        if not isinstance(self.country, str) or self.country not in regions:
            raise HolidayRegionError(
                "country",
                f"unknown holiday country {self.country!r}; use an upper-case ISO 3166-1 "
                "alpha-2 code supported by the holidays package, e.g. 'DE' or 'US'",
            )
        if self.subdivision is not None and self.subdivision not in regions[self.country]:
            known = ", ".join(sorted(regions[self.country])) or "none"
            raise HolidayRegionError(
                "subdivision",
                f"unknown subdivision {self.subdivision!r} of {self.country}; known: {known}",
            )

    def dates(self, year: int) -> frozenset[date]:
        """The holiday dates (observed days included) that fall in local year `year`."""
        return _holiday_dates(self.country, self.subdivision, year)

    def named(self, year: int) -> tuple[tuple[date, str], ...]:
        """(date, name) of each holiday in local year `year`, by date; the dates are dates()."""
        return _named_holidays(self.country, self.subdivision, year)


@dataclass(frozen=True, order=True)
class Closure:
    """A closed range [start, end) of naive local wall-clock datetimes (whole seconds)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, datetime):
                raise TypeError(f"Closure.{name} must be a datetime, got {value!r}")
            if value.tzinfo is not None:
                raise ValueError(f"Closure.{name} must be a naive local wall-clock time")
            if value.microsecond:
                raise ValueError(f"Closure.{name} must be a whole second")
        if self.end <= self.start:
            raise ValueError(f"Closure end {self.end} must be after its start {self.start}")

    @classmethod
    def whole_day(cls, day: date) -> Closure:
        """The whole local day: [day 00:00, next day 00:00)."""
        midnight = datetime(day.year, day.month, day.day)
        return cls(midnight, midnight + _ONE_DAY)

    @property
    def is_whole_day(self) -> bool:
        """True if this is exactly one local day from midnight to midnight."""
        return self.start.time() == datetime.min.time() and self.end == self.start + _ONE_DAY


def _normalise_hours(hours: object) -> WeekHours:
    if isinstance(hours, Mapping):
        days: list[Iterable[Interval]] = [() for _ in range(7)]
        for key, value in hours.items():
            if isinstance(key, bool) or not isinstance(key, int) or not 0 <= key <= 6:
                raise ValueError(f"hours keys are weekdays 0 (Mon) .. 6 (Sun), got {key!r}")
            days[key] = value
    else:
        days = list(hours)  # type: ignore[call-overload]
        if len(days) != 7:
            raise ValueError("hours must map weekdays 0..6 or be a sequence of 7 days")
    week = []
    for weekday, intervals in enumerate(days):
        day = []
        for interval in intervals:
            start, end = (operator.index(x) for x in interval)
            if not 0 <= start < end <= DAY_SECONDS:
                raise ValueError(
                    f"{WEEKDAY_NAMES[weekday]}: interval ({start}, {end}) needs "
                    f"0 <= start < end <= {DAY_SECONDS} (seconds of the local day)"
                )
            day.append((start, end))
        day.sort()
        for (_, prev_end), (start, end) in pairwise(day):
            if start < prev_end:
                raise ValueError(f"{WEEKDAY_NAMES[weekday]}: interval ({start}, {end}) overlaps")
        week.append(tuple(day))
    return tuple(week)  # type: ignore[return-value]


def _merge_ranges(ranges: Iterable[Interval]) -> list[Interval]:
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        elif end > start:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


@dataclass(frozen=True)
class Calendar:
    """Working time: weekly hours in `timezone`, minus holidays and closures.

    `hours` is indexed by weekday (0 = Monday) and holds (start, end) seconds of the local day,
    end <= 86400; a Mapping {weekday: intervals} is accepted and normalised. Immutable and
    hashable; open intervals are materialised lazily per local year and cached on the instance.
    """

    timezone: str
    hours: WeekHours
    holidays: HolidaySource | None = None
    closures: tuple[Closure, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.timezone, str):
            raise ValueError(f"timezone must be an IANA name, got {self.timezone!r}")
        try:
            tz = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {self.timezone!r}") from exc
        set_ = object.__setattr__
        set_(self, "hours", _normalise_hours(self.hours))
        holidays = self.holidays
        if isinstance(holidays, tuple):
            holidays = HolidaySource(*holidays)
        if holidays is not None and not isinstance(holidays, HolidaySource):
            raise TypeError(f"holidays must be a HolidaySource or None, got {holidays!r}")
        set_(self, "holidays", holidays)
        closures = tuple(self.closures)
        for closure in closures:
            if not isinstance(closure, Closure):
                raise TypeError(f"closures must be Closure objects, got {closure!r}")
        set_(self, "closures", tuple(sorted(closures)))
        # Per-instance cache, outside the dataclass fields (not compared, hashed or copied).
        set_(self, "_hash", hash((self.timezone, self.hours, self.holidays, self.closures)))
        set_(self, "_tz", tz)
        set_(self, "_never_open", not any(self.hours))
        set_(self, "_lock", threading.RLock())
        set_(self, "_closed_epochs", None)
        set_(self, "_years", None)  # (first_year, last_year, cum_at_lo, cum_at_hi), under _lock
        # The span of materialised years, replaced as a whole (readers need no lock):
        # (lo_epoch, hi_epoch, starts, ends, offsets, cum_ends, cum_at_hi) where interval i is
        # [starts[i], ends[i]), cum_ends[i] is the business seconds counted up to ends[i] and
        # offsets[i] = ends[i] - cum_ends[i], so the count at an open instant t is t - offsets[i].
        set_(self, "_span", (_BIG, -_BIG, [], [], [], [], 0))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type[Calendar], tuple[object, ...]]:
        return (Calendar, (self.timezone, self.hours, self.holidays, self.closures))

    @property
    def tz(self) -> ZoneInfo:
        """The calendar's timezone as a ZoneInfo."""
        return self._tz

    @cached_property
    def working_day(self) -> int:
        """The seconds of its usual working day: what pages count long business durations in
        ("4 working days")."""
        return working_day_seconds(self.hours)

    # -- public operations -------------------------------------------------------------------

    def due(self, start: datetime, business_seconds: int) -> datetime:
        """The instant at which `business_seconds` of business time have elapsed since `start`."""
        if start.utcoffset() is None:
            raise _naive_error("start", start)
        n = business_seconds
        if n.__class__ is not int:
            if isinstance(n, bool):
                raise TypeError("business_seconds must be an int, got a bool")
            n = operator.index(n)
        ts = start.timestamp()
        t = int(ts)
        if t > ts:
            t -= 1
        if n <= 0:
            if n == 0:
                return datetime.fromtimestamp(t, self._tz)
            raise ValueError(f"business_seconds must be >= 0, got {n}")
        span = self._span
        while True:
            lo, hi, starts, ends, offsets, cum_ends, _ = span
            if not lo <= t < hi:
                span = self._cover(t, t)
                continue
            i = bisect_right(ends, t)
            if i == len(ends):
                span = self._grow_forward(t, t, n)
                continue
            s = starts[i]
            target = (t if t > s else s) - offsets[i] + n
            j = bisect_left(cum_ends, target, i)
            if j == len(cum_ends):
                span = self._grow_forward(t, ends[-1], target - cum_ends[-1])
                continue
            return datetime.fromtimestamp(offsets[j] + target, self._tz)

    def business_seconds_between(self, a: datetime, b: datetime) -> int:
        """Business seconds in [a, b); negative (the reverse count) when b < a."""
        ta = _epoch_second(a, "a")
        tb = _epoch_second(b, "b")
        if tb < ta:
            return -self._between(tb, ta)
        return self._between(ta, tb)

    def is_open(self, t: datetime) -> bool:
        """True if the second containing `t` is business time."""
        x = _epoch_second(t, "t")
        span = self._span
        if not span[0] <= x < span[1]:
            span = self._cover(x, x)
        starts, ends = span[2], span[3]
        i = bisect_right(ends, x)
        return i < len(ends) and starts[i] <= x

    def next_open(self, t: datetime) -> datetime:
        """`t` (floored to the second) if open, else the next opening instant."""
        x = _epoch_second(t, "t")
        span = self._span
        if not span[0] <= x < span[1]:
            span = self._cover(x, x)
        i = bisect_right(span[3], x)
        if i == len(span[3]):
            span = self._grow_forward(x, x)
            i = bisect_right(span[3], x)
        s = span[2][i]
        return datetime.fromtimestamp(x if x > s else s, self._tz)

    # -- materialisation ---------------------------------------------------------------------

    def _between(self, ta: int, tb: int) -> int:
        span = self._span
        if not (span[0] <= ta and tb < span[1]):
            span = self._cover(ta, tb)
        _, _, starts, ends, offsets, _, tail = span
        return _position(tb, starts, ends, offsets, tail) - _position(
            ta, starts, ends, offsets, tail
        )

    def _local_year(self, t: int) -> int:
        try:
            return datetime.fromtimestamp(t, self._tz).year
        except (OverflowError, OSError, ValueError) as exc:
            raise OverflowError(f"instant {t} is outside the supported range") from exc

    def _year_start(self, year: int) -> int:
        return wall_to_epoch(datetime(year, 1, 1), self._tz)

    def _closed_ranges(self) -> list[Interval]:
        if self._closed_epochs is None:
            tz = self._tz
            ranges = _merge_ranges(
                (wall_to_epoch(c.start, tz), wall_to_epoch(c.end, tz)) for c in self.closures
            )
            object.__setattr__(self, "_closed_epochs", ranges)
        return self._closed_epochs

    def _year_intervals(self, year: int) -> tuple[list[int], list[int]]:
        """Open intervals (epoch seconds) of the local days of `year`, merged and sorted."""
        tz = self._tz
        starts: list[int] = []
        ends: list[int] = []
        if not self._never_open:
            holidays = self.holidays.dates(year) if self.holidays is not None else frozenset()
            day = date(year, 1, 1)
            while day.year == year:
                intervals = self.hours[day.weekday()]
                if intervals and day not in holidays:
                    midnight = datetime(year, day.month, day.day)
                    for s, e in intervals:
                        a = wall_to_epoch(midnight + timedelta(seconds=s), tz)
                        b = wall_to_epoch(midnight + timedelta(seconds=e), tz)
                        if b <= a:
                            continue  # swallowed by a DST gap
                        if ends and ends[-1] >= a:
                            ends[-1] = max(ends[-1], b)
                        else:
                            starts.append(a)
                            ends.append(b)
                day += _ONE_DAY
        closed = self._closed_ranges()
        if not closed or not starts:
            return starts, ends
        out_s: list[int] = []
        out_e: list[int] = []
        k = bisect_right([ce for _, ce in closed], starts[0])
        for a, b in zip(starts, ends, strict=True):
            while k < len(closed) and closed[k][1] <= a:
                k += 1
            m = k
            while a < b:
                if m < len(closed) and closed[m][0] < b:
                    cs, ce = closed[m]
                    if cs > a:
                        out_s.append(a)
                        out_e.append(cs)
                    a = max(a, ce)
                    m += 1
                else:
                    out_s.append(a)
                    out_e.append(b)
                    break
        return out_s, out_e

    def _extend(self, first: int, last: int) -> Span:
        """Materialise local years first..last, contiguous with the current span or replacing
        it when too far away; call with the lock held."""
        if first < MIN_YEAR or last > MAX_YEAR:
            raise OverflowError(f"business time is only supported in years {MIN_YEAR}..{MAX_YEAR}")
        lo, hi, starts, ends, offsets, cum_ends, _ = self._span
        years = self._years
        if years is None or first > years[1] + _JOIN_YEARS or last < years[0] - _JOIN_YEARS:
            # Start afresh: joining would materialise the years in between.
            years = (first, first - 1, 0, 0)
            lo = hi = self._year_start(first)
            starts, ends, offsets, cum_ends = [], [], [], []
        y_first, y_last, cum_lo, cum_hi = years
        pre_s: list[int] = []
        pre_e: list[int] = []
        for year in range(first, y_first):
            s, e = self._year_intervals(year)
            pre_s += s
            pre_e += e
        post_s: list[int] = []
        post_e: list[int] = []
        for year in range(y_last + 1, last + 1):
            s, e = self._year_intervals(year)
            post_s += s
            post_e += e
        cum_lo -= sum(e - s for s, e in zip(pre_s, pre_e, strict=True))
        pre_off, pre_cum = _cumulate(pre_s, pre_e, cum_lo)
        post_off, post_cum = _cumulate(post_s, post_e, cum_hi)
        cum_hi = post_cum[-1] if post_cum else cum_hi
        if first < y_first:
            lo = self._year_start(first)
        if last > y_last:
            hi = self._year_start(last + 1)
        span = (
            lo,
            hi,
            pre_s + starts + post_s,
            pre_e + ends + post_e,
            pre_off + offsets + post_off,
            pre_cum + cum_ends + post_cum,
            cum_hi,
        )
        object.__setattr__(self, "_years", (min(first, y_first), max(last, y_last), cum_lo, cum_hi))
        object.__setattr__(self, "_span", span)
        return span

    def _cover(self, a: int, b: int) -> Span:
        """A span containing the instants a <= b (materialising years as needed)."""
        with self._lock:
            span = self._span
            if span[0] <= a and b < span[1]:
                return span
            first, last = self._local_year(a), self._local_year(b)
            years = self._years
            if (
                years is not None
                and years[0] - _JOIN_YEARS <= last
                and first <= years[1] + _JOIN_YEARS
            ):
                first, last = min(first, years[0]), max(last, years[1])
            span = self._extend(first, last)
            while a < span[0]:  # only at odd year boundaries (e.g. an ambiguous midnight)
                span = self._extend(self._years[0] - 1, self._years[1])
            while b >= span[1]:
                span = self._extend(self._years[0], self._years[1] + 1)
            return span

    def _grow_forward(self, start: int, after: int, remaining: int = 0) -> Span:
        """A span containing `start` with open time ending after `after`; `remaining` business
        seconds must still fit before MAX_YEAR."""
        with self._lock:
            span = self._cover(start, after)
            if self._never_open:
                raise CalendarNeverOpensError(
                    f"calendar in {self.timezone} has no working hours, so it never opens"
                )
            from_year = self._local_year(after)
            while True:
                ends = span[3]
                if ends and ends[-1] > after:
                    return span
                first, last = self._years[0], self._years[1]
                if remaining > (MAX_YEAR - last) * _MAX_YEAR_SECONDS or last >= MAX_YEAR:
                    raise OverflowError(f"business time is only supported up to year {MAX_YEAR}")
                if last - from_year >= HORIZON_YEARS:
                    when = datetime.fromtimestamp(after, self._tz)
                    raise CalendarNeverOpensError(
                        f"calendar in {self.timezone} has no open time in the {HORIZON_YEARS} "
                        f"years after {when.isoformat()}"
                    )
                batch = min(_GROWTH_BATCH, last - first + 1)
                span = self._extend(first, min(last + batch, from_year + HORIZON_YEARS, MAX_YEAR))


def _position(t: int, starts: list[int], ends: list[int], offsets: list[int], tail: int) -> int:
    """Business seconds counted (from the span's origin) up to instant t."""
    i = bisect_right(ends, t)
    if i == len(ends):
        return tail
    s = starts[i]
    return (t if t > s else s) - offsets[i]


def _cumulate(starts: list[int], ends: list[int], cum: int) -> tuple[list[int], list[int]]:
    offsets: list[int] = []
    cum_ends: list[int] = []
    for s, e in zip(starts, ends, strict=True):
        cum += e - s
        cum_ends.append(cum)
        offsets.append(e - cum)
    return offsets, cum_ends
