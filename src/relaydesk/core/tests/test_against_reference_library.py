"""Agreement with an independent implementation: businesstimedelta 1.0.1 (PyPI, uses pytz).

The library is driven through its own rules: one WorkDayRule per distinct interval, a HolidayRule
given the `holidays` package's table (with our whole-day closures added to it) and, for partial
closures, a ten-line time-off Rule below (the library has none for arbitrary ranges). 16 seeded
random calendars (Berlin, New York and Sydney with DST, Sydney in the southern hemisphere, and
Kolkata without) get 125 cases each for due(), business_seconds_between(), next_open() and
is_open() (the library's `rules.next(t)` period start): 8,000 comparisons. Half of the instants
lie within two days of a clock change, a fifth near a closure. The library agrees on weekends,
split days, holidays, whole-day closures, partial closures inside an interval, the exact close
("due at 17:00") and night shifts that work through a clock change.

The library is wrong, or only differs by convention, in these classes of cases, so the random
calendars avoid them (`divergences()` checks each calendar) and one test below shows each:

1. due(start, 0) outside working hours: the library returns the next opening; we return start.
2. An interval or closure boundary whose wall time falls in a DST gap or fold: pytz's
   `localize(is_dst=False)` shifts a gap time forward by the gap's length (02:30 becomes 03:30
   instead of 03:00) and takes the second occurrence of an ambiguous time; we take the first
   existing instant and the first occurrence.
3. An interval ending at 24:00: the library can only express it as an overnight rule (end
   00:00 < start), whose next() skips the rest of the current shift when the instant is inside
   it (working days 20:00-24:00: 23:00 + 30 min is the next day's 20:30, not 23:30).
4. A closed day (holiday or whole-day closure) on a 23 h or 25 h day, when the calendar works
   within an hour of midnight: the library's closed day lasts exactly 24 real hours, so it ends
   at 01:00 the next day or at 23:00 the same day; in the 25 h case Rules.next() can return a
   period of negative length and loop forever, so that case is not run.
5. A partial closure that ends at or after the close of the interval it starts in (e.g. from
   15:00 to 11:00 the next morning, or to exactly 17:00): Rules.next() only clips a working period
   at a time-off period that ends strictly before the period's end, so the closure is ignored.

Not a divergence but a limit of the adapter: HolidayRule raises TypeError when no holiday lies
within five years after an instant, so every compared calendar has a country's holidays.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import cache
from zoneinfo import ZoneInfo

import businesstimedelta as btd
import holidays
import pytest
import pytz
from businesstimedelta.rules.rule import Rule

from relaydesk.core.businesstime import Calendar, Closure, HolidaySource
from relaydesk.core.tests import reference as ref
from relaydesk.core.tests.reference import make_calendar

HOUR = 3600
DAY = 86400
FIRST_YEAR, LAST_YEAR = 2025, 2029
ZONES = {
    "Europe/Berlin": ("DE", "BY"),
    "America/New_York": ("US", "NY"),
    "Australia/Sydney": ("AU", "NSW"),
    "Asia/Kolkata": ("IN", None),
}
ALL = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
UTC = dt.UTC


# -- driving the library -------------------------------------------------------------------


class _TimeOff(Rule):
    """Time off over explicit aware ranges, shaped like the library's HolidayRule.next()."""

    def __init__(self, ranges: list[tuple[dt.datetime, dt.datetime]], tz: pytz.BaseTzInfo) -> None:
        super().__init__(tz=tz, time_off=True)
        self.ranges = sorted(ranges)

    def next(self, when: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        for start, end in self.ranges:
            if end > when:
                return max(start, when), end
        far = when + dt.timedelta(days=365 * 100)
        return far, far + dt.timedelta(days=1)


def _clock(seconds: int) -> dt.time:
    return dt.time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)


def library_rules(cal: Calendar) -> btd.Rules:
    tz = pytz.timezone(cal.timezone)
    groups: dict[tuple[int, int], list[int]] = {}
    for weekday, intervals in enumerate(cal.hours):
        for interval in intervals:
            groups.setdefault(interval, []).append(weekday)
    rules: list[Rule] = [
        btd.WorkDayRule(start_time=_clock(s), end_time=_clock(e), working_days=days, tz=tz)
        for (s, e), days in groups.items()
    ]
    whole = [c.start.date() for c in cal.closures if c.is_whole_day]
    if cal.holidays is not None:
        table = holidays.country_holidays(cal.holidays.country, subdiv=cal.holidays.subdivision)
        table.update(dict.fromkeys(whole, "closure"))
        rules.append(btd.HolidayRule(table, tz=tz))
    else:
        assert not whole, "HolidayRule needs a holiday within 5 years of every instant"
    partial = [c for c in cal.closures if not c.is_whole_day]
    if partial:
        rules.append(_TimeOff([(tz.localize(c.start), tz.localize(c.end)) for c in partial], tz))
    return btd.Rules(rules)


def library_due(rules: btd.Rules, start: dt.datetime, seconds: int) -> int:
    return int((start + btd.BusinessTimeDelta(rules, seconds=seconds)).timestamp())


def library_between(rules: btd.Rules, a: dt.datetime, b: dt.datetime) -> int:
    seconds = int(rules.difference(a, b).timedelta.total_seconds())
    return seconds if a <= b else -seconds


def library_next_open(rules: btd.Rules, t: dt.datetime) -> int:
    return int(rules.next(t)[0].timestamp())


def at(tz_name: str, instant: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(instant, pytz.timezone(tz_name))


# -- which calendars the library gets right ------------------------------------------------


@cache
def _change_days(tz_name: str) -> tuple[dt.date, ...]:
    tz = ZoneInfo(tz_name)
    changes = ref.utc_offset_changes(tz_name, FIRST_YEAR, LAST_YEAR + 2)
    return tuple(dt.datetime.fromtimestamp(t, tz).date() for t in changes)


def _unambiguous(wall: dt.datetime, tz: ZoneInfo) -> bool:
    """The wall time exists exactly once (neither in a gap nor in a fold)."""
    return (
        wall.replace(tzinfo=tz, fold=0).utcoffset() == wall.replace(tzinfo=tz, fold=1).utcoffset()
    )


def _works_between(cal: Calendar, weekday: int, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in cal.hours[weekday])


def divergences(cal: Calendar) -> list[str]:
    """The documented classes of cases (see the module docstring) this calendar falls into."""
    tz = ZoneInfo(cal.timezone)
    found = []
    if any(e == DAY for day in cal.hours for _, e in day):
        found.append("3: an interval ends at 24:00")
    whole = {c.start.date() for c in cal.closures if c.is_whole_day}
    table = (
        holidays.country_holidays(cal.holidays.country, subdiv=cal.holidays.subdivision)
        if cal.holidays
        else {}
    )
    for day in _change_days(cal.timezone):
        midnight = dt.datetime(day.year, day.month, day.day)
        for s, e in cal.hours[day.weekday()]:
            for x in (s, e):
                if not _unambiguous(midnight + dt.timedelta(seconds=x), tz):
                    found.append(f"2: boundary {_clock(x)} on {day}")
        if day in whole or day in table:
            late = _works_between(cal, day.weekday(), 23 * HOUR, DAY)
            early = _works_between(cal, (day.weekday() + 1) % 7, 0, HOUR)
            if late or early:
                nxt = midnight + dt.timedelta(days=1)
                length = (
                    nxt.replace(tzinfo=tz).timestamp() - midnight.replace(tzinfo=tz).timestamp()
                )
                found.append(f"4: {day} ({length / HOUR:.0f} h) is closed; work near midnight")
    for closure in cal.closures:
        if closure.is_whole_day:
            continue
        for wall in (closure.start, closure.end):
            if not _unambiguous(wall, tz):
                found.append(f"2: closure boundary {wall}")
        day = closure.start.date()
        s = (closure.start - dt.datetime(day.year, day.month, day.day)).seconds
        e = s + int((closure.end - closure.start).total_seconds())
        if not any(a <= s and e < b for a, b in cal.hours[day.weekday()]):
            found.append(f"5: closure {closure.start}..{closure.end} is not inside one interval")
    return found


# -- random comparable calendars -----------------------------------------------------------


def _random_week(rng: random.Random, tz_name: str) -> dict[str, list[str]]:
    shape = rng.choice(["office", "split", "night", "random"])
    if shape == "office":
        return {day: ["09:00-17:00"] for day in ALL[:5]}
    if shape == "split":
        return {day: ["08:30-12:00", "13:00-17:45"] for day in ALL[: rng.choice([5, 6])]}
    if shape == "night":  # spans the clock changes, bounded away from gaps, folds and midnight
        night = "00:30-04:30" if tz_name == "America/New_York" else "01:00-05:00"
        return {day: [night, "18:00-22:00"] for day in ALL}
    week = {}
    for day in ALL:
        cuts = sorted(rng.sample(range(4, 92), 2 * rng.randint(0, 3)))
        week[day] = [
            f"{a // 4:02d}:{a % 4 * 15:02d}-{b // 4:02d}:{b % 4 * 15:02d}"
            for a, b in zip(cuts[::2], cuts[1::2], strict=True)
        ]
    return week


def _random_closures(rng: random.Random, cal: Calendar) -> tuple[Closure, ...]:
    closures = []
    for _ in range(rng.randint(0, 6)):
        day = dt.date(FIRST_YEAR, 1, 1) + dt.timedelta(days=rng.randrange(5 * 365))
        if rng.random() < 0.5:
            closures.append(Closure.whole_day(day))
            continue
        intervals = cal.hours[day.weekday()]
        if not intervals:
            continue
        s, e = rng.choice(intervals)
        quarters = list(range(s // 900, e // 900))  # closure ends strictly before e
        if len(quarters) < 2:
            continue
        a, b = sorted(rng.sample(quarters, 2))
        midnight = dt.datetime(day.year, day.month, day.day)
        closures.append(
            Closure(
                midnight + dt.timedelta(seconds=a * 900), midnight + dt.timedelta(seconds=b * 900)
            )
        )
    return tuple(closures)


@cache
def comparable_calendars() -> tuple[Calendar, ...]:
    rng = random.Random(20261123)
    found: list[Calendar] = []
    for tz_name, region in ZONES.items():
        made = 0
        while made < 4:
            base = make_calendar(tz_name, _random_week(rng, tz_name), holidays=region)
            cal = Calendar(tz_name, base.hours, HolidaySource(*region), _random_closures(rng, base))
            if any(cal.hours) and not divergences(cal):
                found.append(cal)
                made += 1
    return tuple(found)


def _instants(rng: random.Random, cal: Calendar, count: int) -> list[int]:
    lo = int(dt.datetime(FIRST_YEAR, 1, 1, tzinfo=UTC).timestamp())
    hi = int(dt.datetime(LAST_YEAR, 12, 1, tzinfo=UTC).timestamp())
    changes = ref.utc_offset_changes(cal.timezone, FIRST_YEAR, LAST_YEAR)
    tz = ZoneInfo(cal.timezone)
    closures = [int(c.start.replace(tzinfo=tz).timestamp()) for c in cal.closures]
    out = []
    for _ in range(count):
        draw = rng.random()
        if changes and draw < 0.5:
            out.append(rng.choice(changes) + rng.randint(-2 * DAY, 2 * DAY))
        elif closures and draw < 0.7:
            out.append(rng.choice(closures) + rng.randint(-DAY, DAY))
        else:
            out.append(rng.randint(lo, hi))
    return out


def _mismatches(pairs: list[tuple[object, object, object]]) -> list[object]:
    return [case for case, ours, theirs in pairs if ours != theirs][:5]


CASES_PER_CALENDAR = 125


@pytest.mark.parametrize("index", range(16))
def test_agrees_with_businesstimedelta(index: int) -> None:
    cal = comparable_calendars()[index]
    rules = library_rules(cal)
    rng = random.Random(index)
    tz = ZoneInfo(cal.timezone)
    dues, betweens, opens = [], [], []
    for t in _instants(rng, cal, CASES_PER_CALENDAR):
        start = at(cal.timezone, t)
        n = rng.choice([rng.randint(1, 8 * HOUR), rng.randint(1, 50 * HOUR)])
        dues.append(((t, n), int(cal.due(start, n).timestamp()), library_due(rules, start, n)))
        other = at(cal.timezone, t + rng.randint(-7 * DAY, 7 * DAY))
        ours = cal.business_seconds_between(start, other)
        betweens.append(((t, other), ours, library_between(rules, start, other)))
        theirs = library_next_open(rules, start)
        opens.append((t, int(cal.next_open(start).timestamp()), theirs))
        opens.append((t, cal.is_open(dt.datetime.fromtimestamp(t, tz)), theirs == t))
    assert not _mismatches(dues), (cal, _mismatches(dues))
    assert not _mismatches(betweens), (cal, _mismatches(betweens))
    assert not _mismatches(opens), (cal, _mismatches(opens))


def test_the_comparison_covers_dst_and_every_zone() -> None:
    calendars = comparable_calendars()
    assert len(calendars) == 16
    assert {cal.timezone for cal in calendars} == set(ZONES)
    assert any(not c.is_whole_day for cal in calendars for c in cal.closures)
    assert any(c.is_whole_day for cal in calendars for c in cal.closures)
    # Some calendar works through a clock change in each DST zone.
    for tz_name in ("Europe/Berlin", "America/New_York", "Australia/Sydney"):
        night = [
            cal
            for cal in calendars
            if cal.timezone == tz_name and any(s < 2 * HOUR for day in cal.hours for s, _ in day)
        ]
        assert night, tz_name


# -- the documented divergences, each shown once -------------------------------------------

BERLIN = pytz.timezone("Europe/Berlin")


def berlin(*args: int) -> dt.datetime:
    return BERLIN.localize(dt.datetime(*args))  # type: ignore[arg-type]


def test_divergence_1_due_zero_outside_hours() -> None:
    cal = make_calendar("Europe/Berlin", {"mon": ["09:00-17:00"]})
    saturday = berlin(2026, 3, 7, 12)
    assert cal.due(saturday, 0) == saturday
    assert library_due(library_rules(cal), saturday, 0) == int(berlin(2026, 3, 9, 9).timestamp())
    assert divergences(cal) == []  # a property of the call, not of the calendar


@pytest.mark.parametrize(
    ("day", "ours", "theirs"),
    [
        # Spring forward: 02:30 does not exist. We open at 03:00 CEST, pytz at 03:30 CEST.
        (dt.date(2026, 3, 29), 2 * HOUR, 1.5 * HOUR),
        # Fall back: 02:30 happens twice. We open at the first, pytz at the second.
        (dt.date(2026, 10, 25), 3.5 * HOUR, 2.5 * HOUR),
    ],
)
def test_divergence_2_boundaries_in_gaps_and_folds(
    day: dt.date, ours: float, theirs: float
) -> None:
    cal = make_calendar("Europe/Berlin", {"sun": ["02:30-05:00"]})
    start = berlin(day.year, day.month, day.day)
    end = start + dt.timedelta(hours=30)
    assert cal.business_seconds_between(start, end) == ours
    assert library_between(library_rules(cal), start, end) == theirs
    assert divergences(cal)[0].startswith("2:")


def test_divergence_3_intervals_ending_at_midnight() -> None:
    cal = make_calendar("Europe/Berlin", {day: ["20:00-24:00"] for day in ALL})
    start = berlin(2026, 3, 10, 23)
    assert cal.due(start, 1800) == berlin(2026, 3, 10, 23, 30)
    assert library_due(library_rules(cal), start, 1800) == int(
        berlin(2026, 3, 11, 20, 30).timestamp()
    )
    assert divergences(cal) == ["3: an interval ends at 24:00"]


def test_divergence_4_closed_day_of_23_hours() -> None:
    cal = make_calendar(
        "Europe/Berlin",
        {day: ["00:00-06:00"] for day in ALL},
        holidays=("DE", "BY"),
        closures=(("2026-03-29", ""),),
    )
    start = berlin(2026, 3, 28, 5)
    # One hour on Saturday, then Monday from 00:00; the library's Sunday lasts until 01:00.
    assert int(cal.due(start, 2 * HOUR).timestamp()) == int(berlin(2026, 3, 30, 1).timestamp())
    assert library_due(library_rules(cal), start, 2 * HOUR) == int(
        berlin(2026, 3, 30, 2).timestamp()
    )
    assert divergences(cal) == ["4: 2026-03-29 (23 h) is closed; work near midnight"]


@pytest.mark.parametrize(
    ("closure_end", "ours"),
    [
        ((2026, 3, 11, 11), (2026, 3, 11, 12)),  # over night into the next morning
        ((2026, 3, 10, 17), (2026, 3, 11, 10)),  # exactly to the close
    ],
)
def test_divergence_5_partial_closures_past_the_close(
    closure_end: tuple[int, ...], ours: tuple[int, ...]
) -> None:
    base = make_calendar("Europe/Berlin", {day: ["09:00-17:00"] for day in ALL[:5]})
    closure = Closure(dt.datetime(2026, 3, 10, 15), dt.datetime(*closure_end))  # type: ignore[arg-type]
    cal = Calendar(base.timezone, base.hours, None, (closure,))
    start = berlin(2026, 3, 10, 14)
    assert cal.due(start, 2 * HOUR) == berlin(*ours)
    # The library works through the closure: 14:00 + 2 h is 16:00.
    assert library_due(library_rules(cal), start, 2 * HOUR) == int(
        berlin(2026, 3, 10, 16).timestamp()
    )
    assert divergences(cal)[0].startswith("5:")
    inside = Calendar(
        base.timezone,
        base.hours,
        None,
        (Closure(dt.datetime(2026, 3, 10, 15), dt.datetime(2026, 3, 10, 16)),),
    )
    assert divergences(inside) == []
    assert library_due(library_rules(inside), start, 2 * HOUR) == int(
        inside.due(start, 2 * HOUR).timestamp()
    )
