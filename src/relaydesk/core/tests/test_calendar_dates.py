from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relaydesk.core.businesstime import Calendar, Closure, HolidaySource
from relaydesk.core.calendar_dates import (
    calendar_dates,
    closure_text,
    coming_holidays,
    day_text,
)

WEEKDAYS = {weekday: [(9 * 3600, 17 * 3600)] for weekday in range(5)}
BAVARIA = Calendar("Europe/Berlin", WEEKDAYS, HolidaySource("DE", "BY"))


def test_a_day_reads_with_its_weekday_and_month_name():
    assert day_text(date(2027, 1, 1)) == "Fri 1 Jan 2027"


def test_a_whole_day_closure_is_one_day():
    assert closure_text(Closure.whole_day(date(2026, 12, 24))) == "Thu 24 Dec 2026"


def test_a_closure_of_whole_days_names_its_first_and_last_day():
    closure = Closure(datetime(2026, 12, 24), datetime(2027, 1, 2))

    assert closure_text(closure) == "Thu 24 Dec 2026 \N{EN DASH} Fri 1 Jan 2027"


def test_a_partial_closure_shows_its_hours():
    afternoon = Closure(datetime(2026, 12, 31, 12), datetime(2027, 1, 1))
    lunch = Closure(datetime(2026, 6, 3, 12, 30), datetime(2026, 6, 3, 13, 45, 30))

    assert closure_text(afternoon) == "Thu 31 Dec 2026, 12:00\N{EN DASH}24:00"
    assert closure_text(lunch) == "Wed 3 Jun 2026, 12:30\N{EN DASH}13:45:30"


def test_a_partial_closure_over_several_days_shows_both_ends():
    closure = Closure(datetime(2026, 12, 31, 12), datetime(2027, 1, 2))

    assert closure_text(closure) == "Thu 31 Dec 2026 12:00 \N{EN DASH} Fri 1 Jan 2027 24:00"


def test_coming_holidays_have_names_and_cross_new_year():
    coming = coming_holidays(BAVARIA, date(2026, 12, 7), days=40)

    assert [(line.text, line.name) for line in coming] == [
        ("Fri 25 Dec 2026", "Christmas Day"),
        ("Sat 26 Dec 2026", "Second Day of Christmas"),
        ("Fri 1 Jan 2027", "New Year's Day"),
        ("Wed 6 Jan 2027", "Epiphany"),
    ]


def test_a_calendar_without_holidays_has_none_coming():
    assert coming_holidays(Calendar("Europe/Berlin", WEEKDAYS), date(2026, 12, 7)) == ()


def test_closures_are_past_once_they_end_on_the_calendars_wall_clock():
    calendar = Calendar(
        "Europe/Berlin",
        WEEKDAYS,
        closures=(Closure.whole_day(date(2026, 12, 24)), Closure.whole_day(date(2026, 12, 31))),
    )
    # 23:30 UTC is already 00:30 on 25 Dec in Berlin.
    dates = calendar_dates(calendar, datetime(2026, 12, 24, 23, 30, tzinfo=UTC))

    assert [line.is_past for line in dates.closures] == [True, False]


def test_now_must_be_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar_dates(BAVARIA, datetime(2026, 12, 7))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_the_coming_holidays_are_exactly_the_days_the_calendar_is_closed_for(today):
    assert BAVARIA.holidays is not None
    until = today + timedelta(days=365)
    closed = {
        day
        for year in (today.year, until.year)
        for day in BAVARIA.holidays.dates(year)
        if today <= day < until
    }

    coming = coming_holidays(BAVARIA, today)

    assert [line.day for line in coming] == sorted(closed)
    assert all(line.name for line in coming)
