"""Business-time engine: worked examples, the documented rules, and properties against reference.py.

Property notes: for n > 0, due(s, n) always ends an open second, so is_open(due(s, n) - 1 s)
holds while due(s, n) itself may be a closing instant (work that runs out at 17:00 is due at
17:00). due(s, 0) is s (floored to the second) even outside working hours.
"""

from __future__ import annotations

import pickle
import random
import threading
from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relaydesk.core import businesstime as bt
from relaydesk.core.businesstime import (
    Calendar,
    CalendarNeverOpensError,
    Closure,
    HolidayRegionError,
    HolidaySource,
    NaiveDatetimeError,
)
from relaydesk.core.tests import reference as ref
from relaydesk.core.tests.reference import make_calendar

HOUR = 3600
BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS_9_17 = {day: ["09:00-17:00"] for day in ("tue", "wed", "thu", "fri")}
OFFICE = make_calendar(
    "Europe/Berlin",
    {"mon": ["09:00-12:30", "13:30-17:30"], **WEEKDAYS_9_17},
    holidays=("DE", "BY"),
    closures=(("2026-12-24", ""), ("2026-12-31T14:00", "2027-01-02T00:00")),
)
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def local(tz: str | ZoneInfo, *args: int, fold: int = 0) -> datetime:
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    return datetime(*args, tzinfo=zone, fold=fold)  # type: ignore[misc]


def berlin(*args: int) -> datetime:
    return local(BERLIN, *args)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def every_day(timezone: str, *intervals: str, **kwargs: object) -> Calendar:
    return make_calendar(timezone, {day: list(intervals) for day in ALL_DAYS}, **kwargs)  # type: ignore[arg-type]


# -- worked examples -----------------------------------------------------------------------


def test_weekend_is_skipped() -> None:
    # Fri 2026-03-06 16:00 + 2 h: one hour on Friday, one on Monday (a split day).
    assert OFFICE.due(berlin(2026, 3, 6, 16), 2 * HOUR) == berlin(2026, 3, 9, 10)
    assert (
        OFFICE.business_seconds_between(berlin(2026, 3, 6, 16), berlin(2026, 3, 9, 10)) == 2 * HOUR
    )


def test_work_that_runs_out_at_close_is_due_at_close() -> None:
    assert OFFICE.due(berlin(2026, 3, 6, 16), HOUR) == berlin(2026, 3, 6, 17)
    assert OFFICE.is_open(berlin(2026, 3, 6, 16, 59, 59))
    assert not OFFICE.is_open(berlin(2026, 3, 6, 17))
    assert OFFICE.is_open(berlin(2026, 3, 9, 9))  # [open, close): open at the opening second
    assert OFFICE.next_open(berlin(2026, 3, 6, 17)) == berlin(2026, 3, 9, 9)
    assert OFFICE.due(berlin(2026, 3, 6, 17), 1) == berlin(2026, 3, 9, 9, 0, 1)


def test_start_outside_hours_counts_from_the_next_opening() -> None:
    assert OFFICE.due(berlin(2026, 3, 7, 12), HOUR) == berlin(2026, 3, 9, 10)
    assert OFFICE.due(berlin(2026, 3, 9, 7), 60) == berlin(2026, 3, 9, 9, 1)
    assert OFFICE.next_open(berlin(2026, 3, 9, 7)) == berlin(2026, 3, 9, 9)
    assert OFFICE.next_open(berlin(2026, 3, 9, 10, 5)) == berlin(2026, 3, 9, 10, 5)


def test_lunch_break() -> None:
    monday = (2026, 3, 9)
    assert OFFICE.due(berlin(*monday, 12), 1800) == berlin(*monday, 12, 30)
    assert OFFICE.due(berlin(*monday, 12), 1801) == berlin(*monday, 13, 30, 1)
    assert OFFICE.due(berlin(*monday, 12, 45), 60) == berlin(*monday, 13, 31)
    assert not OFFICE.is_open(berlin(*monday, 12, 30))
    assert OFFICE.next_open(berlin(*monday, 12, 45)) == berlin(*monday, 13, 30)
    assert OFFICE.business_seconds_between(berlin(*monday, 0), berlin(*monday, 23)) == 7.5 * HOUR


def test_due_zero_is_start_even_when_closed() -> None:
    saturday_noon = berlin(2026, 3, 7, 12)
    assert OFFICE.due(saturday_noon, 0) == saturday_noon
    assert OFFICE.due(berlin(2026, 3, 9, 10), 0) == berlin(2026, 3, 9, 10)


def test_microseconds_are_floored() -> None:
    t = berlin(2026, 3, 9, 9).replace(microsecond=999_999)
    assert OFFICE.due(t, 0) == berlin(2026, 3, 9, 9)
    assert OFFICE.due(t, 1) == berlin(2026, 3, 9, 9, 0, 1)
    assert OFFICE.next_open(t) == berlin(2026, 3, 9, 9)
    later = berlin(2026, 3, 9, 9, 0, 1).replace(microsecond=100)
    assert OFFICE.business_seconds_between(t, later) == 1
    assert OFFICE.is_open(berlin(2026, 3, 6, 16, 59, 59).replace(microsecond=999_999))
    assert not OFFICE.is_open(berlin(2026, 3, 9, 8, 59, 59).replace(microsecond=999_999))
    assert all(r.microsecond == 0 for r in (OFFICE.due(t, 5), OFFICE.next_open(t)))


def test_between_is_antisymmetric() -> None:
    a, b = berlin(2026, 3, 6, 10), berlin(2026, 3, 10, 11)
    assert OFFICE.business_seconds_between(a, b) == 7 * HOUR + 7.5 * HOUR + 2 * HOUR
    assert OFFICE.business_seconds_between(b, a) == -OFFICE.business_seconds_between(a, b)
    assert OFFICE.business_seconds_between(a, a) == 0


def test_bavarian_holidays_2026() -> None:
    # Epiphany (Tue 6 Jan) and Corpus Christi (Thu 4 Jun) are holidays in Bavaria, not nationally.
    assert not OFFICE.is_open(berlin(2026, 1, 6, 10))
    assert OFFICE.due(berlin(2026, 1, 5, 17), HOUR) == berlin(2026, 1, 7, 9, 30)  # Mon closes 17:30
    assert OFFICE.due(berlin(2026, 6, 3, 16), 2 * HOUR) == berlin(2026, 6, 5, 10)
    national = make_calendar("Europe/Berlin", WEEKDAYS_9_17, holidays=("DE", None))
    assert national.is_open(berlin(2026, 1, 6, 10))
    assert not national.is_open(berlin(2026, 4, 3, 10))  # Good Friday


def test_us_state_holidays_and_observed_days() -> None:
    la = "America/Los_Angeles"
    ca = make_calendar(la, WEEKDAYS_9_17, holidays=("US", "CA"))
    us = make_calendar(la, WEEKDAYS_9_17, holidays=("US", None))
    cesar_chavez_day = local(la, 2026, 3, 31, 10)  # a Tuesday, California only
    assert not ca.is_open(cesar_chavez_day)
    assert us.is_open(cesar_chavez_day)
    # 4 July 2026 is a Saturday, observed on Friday 3 July; these calendars are closed Mondays.
    for cal in (ca, us):
        assert cal.due(local(la, 2026, 7, 2, 16), 2 * HOUR) == local(la, 2026, 7, 7, 10)


def test_whole_day_and_partial_closures_over_new_year() -> None:
    # Wed 23 Dec 8 h; 24 Dec closed; 25/26 holidays; Mon 28 Dec 7.5 h; 29, 30 Dec 8 h each;
    # Thu 31 Dec closed from 14:00 (5 h); 1 Jan holiday; the closure ends Sat 2 Jan 00:00.
    start, end = berlin(2026, 12, 23, 9), berlin(2027, 1, 4, 9)
    assert OFFICE.business_seconds_between(start, end) == 36.5 * HOUR
    assert not OFFICE.is_open(berlin(2026, 12, 24, 10))
    assert OFFICE.is_open(berlin(2026, 12, 31, 13, 59, 59))
    assert not OFFICE.is_open(berlin(2026, 12, 31, 14))
    assert OFFICE.due(berlin(2026, 12, 31, 13), 2 * HOUR) == berlin(2027, 1, 4, 10)


def test_closure_spanning_midnight() -> None:
    cal = make_calendar(
        "Europe/Berlin",
        {**WEEKDAYS_9_17, "mon": ["09:00-17:00"]},
        closures=(("2026-03-10T15:00", "2026-03-11T11:00"),),
    )
    assert (
        cal.business_seconds_between(berlin(2026, 3, 10, 9), berlin(2026, 3, 11, 17)) == 12 * HOUR
    )
    assert cal.is_open(berlin(2026, 3, 10, 14, 59, 59))
    assert not cal.is_open(berlin(2026, 3, 10, 15))
    assert not cal.is_open(berlin(2026, 3, 11, 10, 59, 59))
    assert cal.is_open(berlin(2026, 3, 11, 11))
    assert cal.next_open(berlin(2026, 3, 10, 15)) == berlin(2026, 3, 11, 11)
    assert cal.due(berlin(2026, 3, 10, 14), 2 * HOUR) == berlin(2026, 3, 11, 12)
    night = every_day("Europe/Berlin", "00:00-06:00", "22:00-24:00")
    night = Calendar(
        night.timezone,
        night.hours,
        None,
        (Closure(datetime(2026, 3, 7, 23), datetime(2026, 3, 8, 2)),),
    )
    assert night.business_seconds_between(berlin(2026, 3, 7, 22), berlin(2026, 3, 8, 6)) == 5 * HOUR
    assert night.due(berlin(2026, 3, 7, 22, 30), HOUR) == berlin(2026, 3, 8, 2, 30)


def test_24_00_means_next_midnight() -> None:
    weekend = make_calendar("Europe/Berlin", {"sat": ["00:00-24:00"], "sun": ["00:00-24:00"]})
    assert weekend.business_seconds_between(berlin(2026, 3, 7), berlin(2026, 3, 9)) == 48 * HOUR
    assert weekend.due(berlin(2026, 3, 7, 23), 2 * HOUR) == berlin(2026, 3, 8, 1)
    assert weekend.is_open(berlin(2026, 3, 8, 0))
    assert not weekend.is_open(berlin(2026, 3, 9, 0))
    assert weekend.due(berlin(2026, 3, 8, 23), HOUR) == berlin(2026, 3, 9, 0)
    assert weekend.next_open(berlin(2026, 3, 9, 0)) == berlin(2026, 3, 14, 0)


def test_year_boundary_is_seamless() -> None:
    always = every_day("Europe/Berlin", "00:00-24:00")
    assert (
        always.business_seconds_between(berlin(2026, 12, 31, 12), berlin(2027, 1, 1, 12))
        == 24 * HOUR
    )
    assert always.due(berlin(2026, 12, 31, 23), 2 * HOUR) == berlin(2027, 1, 1, 1)
    assert always.due(berlin(2026, 12, 31, 23), HOUR) == berlin(2027, 1, 1, 0)
    assert always.is_open(berlin(2027, 1, 1, 0))


# -- daylight saving time ------------------------------------------------------------------

# (timezone, the day clocks spring forward, the day they fall back) in 2026.
DST_DAYS = [
    ("Europe/Berlin", date(2026, 3, 29), date(2026, 10, 25)),
    ("America/New_York", date(2026, 3, 8), date(2026, 11, 1)),
    ("Australia/Sydney", date(2026, 10, 4), date(2026, 4, 5)),  # southern hemisphere
    ("America/Santiago", date(2026, 9, 6), date(2026, 4, 4)),  # changes at midnight
]


def ts(value: datetime) -> int:
    return int(value.timestamp())


def day_length(cal: Calendar, day: date) -> int:
    start = local(cal.timezone, day.year, day.month, day.day)
    nxt = day + timedelta(days=1)
    return cal.business_seconds_between(start, local(cal.timezone, nxt.year, nxt.month, nxt.day))


@pytest.mark.parametrize(("timezone", "spring", "fall"), DST_DAYS)
def test_dst_days_are_23_and_25_hours_long_around_the_clock(
    timezone: str, spring: date, fall: date
) -> None:
    always = every_day(timezone, "00:00-24:00")
    assert day_length(always, spring) == 23 * HOUR
    assert day_length(always, fall) == 25 * HOUR
    assert day_length(always, spring + timedelta(days=7)) == 24 * HOUR
    start = local(timezone, spring.year, spring.month, spring.day)
    assert always.due(start, 24 * HOUR).timestamp() - start.timestamp() == 24 * HOUR
    nxt = spring + timedelta(days=1)
    # One real day after the start of a 23 h day is 01:00 (or 00:00 in Santiago, whose day
    # starts at 01:00 because 00:00 does not exist).
    assert always.due(start, 24 * HOUR).date() == nxt


@pytest.mark.parametrize(("timezone", "spring", "fall"), DST_DAYS)
def test_dst_days_are_8_hours_long_nine_to_five(timezone: str, spring: date, fall: date) -> None:
    office = every_day(timezone, "09:00-17:00")
    assert day_length(office, spring) == 8 * HOUR
    assert day_length(office, fall) == 8 * HOUR
    # Across the night of the change: 17:00 + 1 h of work is 10:00 the next day.
    before = spring - timedelta(days=1)
    start = local(timezone, before.year, before.month, before.day, 16)
    assert office.due(start, 2 * HOUR) == local(timezone, spring.year, spring.month, spring.day, 10)


def test_no_dst_in_kolkata() -> None:
    always = every_day("Asia/Kolkata", "00:00-24:00")
    for day in (date(2026, 3, 29), date(2026, 10, 25), date(2026, 3, 8), date(2026, 11, 1)):
        assert day_length(always, day) == 24 * HOUR


@pytest.mark.parametrize(
    ("timezone", "day", "interval", "opens_utc", "closes_utc"),
    [
        # Boundaries in a spring-forward gap move forward to the first existing instant.
        (
            "Europe/Berlin",
            date(2026, 3, 29),
            "02:30-05:00",
            utc(2026, 3, 29, 1),
            utc(2026, 3, 29, 3),
        ),
        (
            "Europe/Berlin",
            date(2026, 3, 29),
            "01:00-02:30",
            utc(2026, 3, 29, 0),
            utc(2026, 3, 29, 1),
        ),
        (
            "America/New_York",
            date(2026, 3, 8),
            "02:30-04:00",
            utc(2026, 3, 8, 7),
            utc(2026, 3, 8, 8),
        ),
        (
            "Australia/Sydney",
            date(2026, 10, 4),
            "02:30-04:00",
            utc(2026, 10, 3, 16),
            utc(2026, 10, 3, 17),
        ),
        (
            "America/Santiago",
            date(2026, 9, 6),
            "00:00-02:00",
            utc(2026, 9, 6, 4),
            utc(2026, 9, 6, 5),
        ),
        # Ambiguous boundaries use the first occurrence (fold=0).
        (
            "Europe/Berlin",
            date(2026, 10, 25),
            "02:30-05:00",
            utc(2026, 10, 25, 0, 30),
            utc(2026, 10, 25, 4),
        ),
        (
            "Europe/Berlin",
            date(2026, 10, 25),
            "01:00-02:30",
            utc(2026, 10, 24, 23),
            utc(2026, 10, 25, 0, 30),
        ),
        (
            "America/New_York",
            date(2026, 11, 1),
            "01:30-04:00",
            utc(2026, 11, 1, 5, 30),
            utc(2026, 11, 1, 9),
        ),
        (
            "Australia/Sydney",
            date(2026, 4, 5),
            "02:30-04:00",
            utc(2026, 4, 4, 15, 30),
            utc(2026, 4, 4, 18),
        ),
    ],
)
def test_gap_and_ambiguous_boundaries(
    timezone: str, day: date, interval: str, opens_utc: datetime, closes_utc: datetime
) -> None:
    # Compare instants as epoch seconds: aware datetimes in a fold never compare equal across
    # zones (PEP 495).
    cal = make_calendar(timezone, {ALL_DAYS[day.weekday()]: [interval]})
    midnight = local(timezone, day.year, day.month, day.day)
    opens, closes = ts(opens_utc), ts(closes_utc)
    second = timedelta(seconds=1)
    assert ts(cal.next_open(midnight)) == opens
    assert cal.is_open(opens_utc)
    assert not cal.is_open(opens_utc - second)
    assert cal.is_open(closes_utc - second)
    assert not cal.is_open(closes_utc)
    assert ts(cal.due(midnight, closes - opens)) == closes
    assert cal.business_seconds_between(midnight, midnight + timedelta(days=1)) == closes - opens
    assert cal.next_open(midnight).tzinfo == ZoneInfo(timezone)


def test_interval_inside_a_gap_vanishes_that_day_only() -> None:
    cal = make_calendar("Europe/Berlin", {"sun": ["02:00-03:00"]})
    assert day_length(cal, date(2026, 3, 29)) == 0
    assert cal.next_open(berlin(2026, 3, 29)) == berlin(2026, 4, 5, 2)
    assert day_length(cal, date(2026, 4, 5)) == HOUR


def test_closure_boundaries_follow_the_same_rules() -> None:
    always = every_day("Europe/Berlin", "00:00-24:00")
    cal = Calendar(
        always.timezone,
        always.hours,
        None,
        (Closure(datetime(2026, 3, 29, 2, 30), datetime(2026, 3, 29, 4)),),
    )
    assert day_length(cal, date(2026, 3, 29)) == 22 * HOUR
    assert cal.next_open(utc(2026, 3, 29, 1)) == utc(2026, 3, 29, 2)


# -- errors and edge cases -----------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda cal, t: cal.due(t, 60),
        lambda cal, t: cal.due(t, 0),
        lambda cal, t: cal.business_seconds_between(t, datetime(2026, 1, 1, tzinfo=UTC)),
        lambda cal, t: cal.business_seconds_between(datetime(2026, 1, 1, tzinfo=UTC), t),
        lambda cal, t: cal.is_open(t),
        lambda cal, t: cal.next_open(t),
    ],
)
def test_naive_datetimes_are_rejected(call: object) -> None:
    with pytest.raises(NaiveDatetimeError, match="timezone-aware") as info:
        call(OFFICE, datetime(2026, 3, 9, 10))  # type: ignore[operator]
    assert isinstance(info.value, ValueError)


def test_bad_durations() -> None:
    t = berlin(2026, 3, 9, 10)
    with pytest.raises(ValueError, match=">= 0"):
        OFFICE.due(t, -1)
    with pytest.raises(TypeError):
        OFFICE.due(t, 1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        OFFICE.due(t, True)


def test_calendar_without_hours_never_opens() -> None:
    cal = Calendar("UTC", {})  # type: ignore[arg-type]
    t = utc(2026, 1, 1)
    with pytest.raises(CalendarNeverOpensError, match="never opens"):
        cal.next_open(t)
    with pytest.raises(CalendarNeverOpensError):
        cal.due(t, 1)
    assert cal.due(t, 0) == t
    assert not cal.is_open(t)
    assert cal.business_seconds_between(t, utc(2030, 1, 1)) == 0


def test_calendar_closed_beyond_the_horizon() -> None:
    closed = Calendar(
        "Europe/Berlin", OFFICE.hours, None, (Closure(datetime(2026, 1, 1), datetime(2040, 1, 1)),)
    )
    with pytest.raises(CalendarNeverOpensError, match="10 years"):
        closed.next_open(berlin(2026, 6, 1))
    with pytest.raises(CalendarNeverOpensError):
        closed.due(berlin(2025, 12, 31, 16), 2 * HOUR)
    reopens = Calendar(
        "Europe/Berlin", OFFICE.hours, None, (Closure(datetime(2026, 1, 1), datetime(2031, 1, 1)),)
    )
    assert reopens.next_open(berlin(2027, 6, 1)) == berlin(2031, 1, 1, 9)  # a Wednesday
    assert reopens.due(berlin(2025, 12, 31, 16), 2 * HOUR) == berlin(2031, 1, 1, 10)


def test_long_durations_cross_many_years() -> None:
    start = berlin(2026, 5, 4, 12)
    n = 2 * 365 * 24 * HOUR  # two years of business time: ~9 years of a 40-hour week
    result = OFFICE.due(start, n)
    assert result.year == 2035
    assert OFFICE.business_seconds_between(start, result) == n
    assert result.timestamp() == ref.due(OFFICE, int(start.timestamp()), n)


def test_years_outside_the_supported_range() -> None:
    with pytest.raises(OverflowError):
        OFFICE.due(utc(9998, 6, 1), 10**9)
    with pytest.raises(OverflowError):
        OFFICE.is_open(utc(1, 1, 2))


def test_results_are_in_the_calendar_timezone() -> None:
    result = OFFICE.due(utc(2026, 3, 9, 8), 60)
    assert result.tzinfo == BERLIN
    assert result == berlin(2026, 3, 9, 9, 1)
    assert OFFICE.next_open(utc(2026, 3, 7)).tzinfo == BERLIN


def test_calendar_is_immutable_hashable_and_picklable() -> None:
    twin = make_calendar(
        "Europe/Berlin",
        {"mon": ["13:30-17:30", "09:00-12:30"], **WEEKDAYS_9_17},
        holidays=("DE", "BY"),
        closures=(("2026-12-31T14:00", "2027-01-02T00:00"), ("2026-12-24", "")),
    )
    assert twin == OFFICE
    assert hash(twin) == hash(OFFICE)
    assert len({OFFICE, twin}) == 1
    assert OFFICE.hours[0] == ((9 * HOUR, 12.5 * HOUR), (13.5 * HOUR, 17.5 * HOUR))
    with pytest.raises(FrozenInstanceError):
        OFFICE.timezone = "UTC"  # type: ignore[misc]
    clone = pickle.loads(pickle.dumps(OFFICE))
    assert clone == OFFICE
    assert clone.due(berlin(2026, 3, 6, 16), 2 * HOUR) == berlin(2026, 3, 9, 10)


def test_invalid_calendars() -> None:
    with pytest.raises(ValueError, match="unknown timezone"):
        Calendar("Mars/Olympus", {})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="overlaps"):
        Calendar("UTC", {0: [(0, 100), (50, 200)]})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="start < end"):
        Calendar("UTC", {0: [(100, 100)]})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="weekdays"):
        Calendar("UTC", {7: [(0, 100)]})  # type: ignore[arg-type]
    with pytest.raises(HolidayRegionError) as info:
        HolidaySource("XX")
    assert info.value.field == "country"
    with pytest.raises(HolidayRegionError) as info:
        HolidaySource("DE", "XX")
    assert info.value.field == "subdivision"
    assert "BY" in str(info.value)
    with pytest.raises(ValueError, match="after"):
        Closure(datetime(2026, 1, 2), datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="naive"):
        Closure(utc(2026, 1, 1), utc(2026, 1, 2))


def test_concurrent_first_use_is_consistent() -> None:
    rng = random.Random(7)
    cases = [
        (
            utc(2024, 1, 1) + timedelta(seconds=rng.randrange(6 * 365 * 86400)),
            rng.randrange(1, 500 * HOUR),
        )
        for _ in range(400)
    ]
    expected = [OFFICE.due(t, n) for t, n in cases]
    fresh = make_calendar(
        OFFICE.timezone,
        {"mon": ["09:00-12:30", "13:30-17:30"], **WEEKDAYS_9_17},
        holidays=("DE", "BY"),
    )
    fresh = Calendar(fresh.timezone, fresh.hours, fresh.holidays, OFFICE.closures)
    results: list[list[datetime]] = [[] for _ in range(4)]

    def work(slot: int) -> None:
        order = cases[slot::4] + cases
        results[slot] = [fresh.due(t, n) for t, n in order][len(cases[slot::4]) :]

    threads = [threading.Thread(target=work, args=(slot,)) for slot in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(result == expected for result in results)


# -- properties ----------------------------------------------------------------------------

FIRST_YEAR, LAST_YEAR = 2025, 2028
LO = int(utc(FIRST_YEAR, 1, 1).timestamp())
HI = int(utc(LAST_YEAR, 12, 31).timestamp())
TIMEZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/Santiago",
    "Australia/Lord_Howe",
    "UTC",
)
HOLIDAY_SOURCES = (None, ("DE", "BY"), ("US", "CA"), ("AU", "NSW"), ("IN", None))


def _random_calendar(rng: random.Random) -> Calendar:
    grid = 15 * 60
    week: dict[int, list[tuple[int, int]]] = {}
    for weekday in range(7):
        if rng.random() < 0.1:
            week[weekday] = [(0, 86400)]
            continue
        cuts = sorted(rng.sample(range(97), 2 * rng.randint(0, 3)))
        week[weekday] = [(a * grid, b * grid) for a, b in zip(cuts[::2], cuts[1::2], strict=True)]
    closures = []
    for _ in range(rng.randint(0, 4)):
        start = datetime(FIRST_YEAR, 1, 1) + timedelta(minutes=15 * rng.randrange(4 * 365 * 96))
        if rng.random() < 0.4:
            closures.append(Closure.whole_day(start.date()))
        else:
            closures.append(Closure(start, start + timedelta(minutes=15 * rng.randint(1, 96 * 10))))
    source = rng.choice(HOLIDAY_SOURCES)
    return Calendar(
        rng.choice(TIMEZONES),
        week,  # type: ignore[arg-type]
        HolidaySource(*source) if source else None,
        tuple(closures),
    )


@cache
def calendar_pool() -> tuple[Calendar, ...]:
    """Hand-picked calendars with DST-sensitive boundaries plus seeded random ones."""
    picked = (
        OFFICE,
        every_day(
            "Europe/Berlin", "00:00-24:00", closures=(("2026-03-29T02:30", "2026-03-29T04:00"),)
        ),
        make_calendar("America/New_York", WEEKDAYS_9_17, holidays=("US", "CA")),
        every_day("America/New_York", "00:00-03:30", "22:00-24:00", closures=(("2026-11-01", ""),)),
        every_day(
            "Australia/Sydney", "01:30-02:30", "02:30-06:00", "09:00-17:00", holidays=("AU", "NSW")
        ),
        make_calendar(
            "Asia/Kolkata", {d: ["10:00-18:30"] for d in ALL_DAYS[:6]}, holidays=("IN", None)
        ),
        make_calendar(
            "America/Santiago",
            {"sat": ["20:00-24:00"], "sun": ["00:00-24:00"], "mon": ["00:00-01:00"]},
        ),
        every_day("Australia/Lord_Howe", "01:45-02:15", "09:00-17:00"),
        make_calendar(
            "UTC", {"wed": ["10:00-11:00"]}, closures=(("2026-02-01", "2026-03-20T10:30"),)
        ),
    )
    rng = random.Random(20261123)
    randoms = tuple(_random_calendar(rng) for _ in range(12))
    return tuple(cal for cal in picked + randoms if any(cal.hours))


@cache
def _changes(timezone: str) -> tuple[int, ...]:
    return tuple(ref.utc_offset_changes(timezone, FIRST_YEAR, LAST_YEAR))


@st.composite
def calendars_and_instants(
    draw: st.DrawFn, count: int = 1, near: int = 0
) -> tuple[Calendar, list[datetime]]:
    """A pool calendar and instants, half of them near its UTC-offset changes; with `near`,
    the later instants lie within `near` seconds of the first."""
    cal = draw(st.sampled_from(calendar_pool()))
    changes = _changes(cal.timezone)
    tz = ZoneInfo(cal.timezone)
    instants: list[datetime] = []
    for _ in range(count):
        if instants and near:
            t = ts(instants[0]) + draw(st.integers(-near, near))
        elif changes and draw(st.booleans()):
            t = draw(st.sampled_from(changes)) + draw(st.integers(-2 * 86400, 2 * 86400))
        else:
            t = draw(st.integers(LO, HI))
        instants.append(datetime.fromtimestamp(t, tz if draw(st.booleans()) else UTC))
    return cal, instants


durations = st.one_of(
    st.integers(0, 4 * HOUR),
    st.integers(0, 400 * HOUR),
    st.integers(1, 40).map(lambda hours: hours * HOUR),
)


def cap(cal: Calendar, n: int) -> int:
    """Keep durations under ~half a year of the calendar's weekly hours (the reference is slow)."""
    weekly = sum(end - start for day in cal.hours for start, end in day)
    return min(n, 26 * weekly)


PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(calendars_and_instants(), durations)
def test_due_matches_reference(case: tuple[Calendar, list[datetime]], n: int) -> None:
    cal, (start,) = case
    n = cap(cal, n)
    assert ts(cal.due(start, n)) == ref.due(cal, ts(start), n)


@PROPS
@given(st.one_of(calendars_and_instants(count=2, near=90 * 86400), calendars_and_instants(count=2)))
def test_between_matches_reference(case: tuple[Calendar, list[datetime]]) -> None:
    cal, (a, b) = case
    assert cal.business_seconds_between(a, b) == ref.between(cal, ts(a), ts(b))


@settings(max_examples=400, deadline=None)
@given(calendars_and_instants())
def test_is_open_and_next_open_match_reference(case: tuple[Calendar, list[datetime]]) -> None:
    cal, (t,) = case
    assert cal.is_open(t) == ref.is_open(cal, ts(t))
    assert ts(cal.next_open(t)) == ref.next_open(cal, ts(t))
    assert cal.is_open(cal.next_open(t))


@PROPS
@given(calendars_and_instants(), durations)
def test_between_inverts_due(case: tuple[Calendar, list[datetime]], n: int) -> None:
    cal, (start,) = case
    n = cap(cal, n)
    result = cal.due(start, n)
    assert cal.business_seconds_between(start, result) == n
    assert result.tzinfo == ZoneInfo(cal.timezone)
    if n > 0:
        # The n-th second is open; the result may be a closing instant, never a later opening.
        # (Step back in UTC: aware ZoneInfo arithmetic is wall-clock arithmetic.)
        before = result.astimezone(UTC) - timedelta(seconds=1)
        assert cal.is_open(before)
        assert cal.business_seconds_between(start, before) == n - 1


@PROPS
@given(calendars_and_instants(count=2), durations, durations)
def test_due_is_monotonic(case: tuple[Calendar, list[datetime]], n: int, m: int) -> None:
    cal, (a, b) = case
    a, b = sorted((a, b), key=ts)
    small, large = sorted((cap(cal, n), cap(cal, m)))
    # Compare instants, not datetimes: Python orders two datetimes of one zone by wall clock,
    # which misorders the repeated hour when clocks fall back (PEP 495).
    assert ts(cal.due(a, small)) <= ts(cal.due(a, large))
    assert ts(cal.due(a, small)) <= ts(cal.due(b, small))


@PROPS
@given(calendars_and_instants(), durations, durations)
def test_due_composes(case: tuple[Calendar, list[datetime]], n: int, m: int) -> None:
    cal, (start,) = case
    n, m = cap(cal, n), cap(cal, m)
    assert ts(cal.due(cal.due(start, n), m)) == ts(cal.due(start, n + m))


@PROPS
@given(calendars_and_instants(count=3))
def test_between_is_additive(case: tuple[Calendar, list[datetime]]) -> None:
    cal, (a, b, c) = case
    between = cal.business_seconds_between
    assert between(a, b) + between(b, c) == between(a, c)
    assert between(a, b) == -between(b, a)


@settings(max_examples=60, deadline=None)
@given(calendars_and_instants(), st.integers(0, 365 * 86400))
def test_fresh_calendar_agrees_with_warm_one(case: tuple[Calendar, list[datetime]], n: int) -> None:
    # A new instance materialises years in another order (backwards, then forwards).
    cal, (start,) = case
    n = cap(cal, n)
    fresh = Calendar(cal.timezone, cal.hours, cal.holidays, cal.closures)
    fresh.is_open(start + timedelta(days=800))
    assert ts(fresh.due(start, n)) == ts(cal.due(start, n))


def test_module_docstring_names_the_rules() -> None:
    doc = bt.__doc__ or ""
    for phrase in ("first existing instant", "fold=0", "due(start, 0)", "floored", "b < a"):
        assert phrase in doc
