import pytest
from hypothesis import given
from hypothesis import strategies as st

from relaydesk.core.durations import (
    format_minutes,
    parse_minutes,
    promise_text,
    short_minutes,
    working_day_seconds,
    working_time_text,
)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("90m", 90),
        ("1h30m", 90),
        ("1h 30m", 90),
        ("8h", 480),
        (" 2H ", 120),
        ("15", 15),
        (45, 45),
        ("0m", 0),
    ],
)
def test_it_reads_the_ways_people_write_durations(text, minutes):
    assert parse_minutes(text) == minutes


@pytest.mark.parametrize(
    "text", ["", "h", "1.5h", "30s", "1h30", "an hour", "-5", "1h and 3m", True, None, 2.5]
)
def test_it_refuses_anything_else_with_the_forms_it_takes(text):
    with pytest.raises(ValueError, match="90m, 1h30m, 8h or a whole number of minutes"):
        parse_minutes(text)


def test_days_are_refused_because_they_depend_on_the_calendar():
    with pytest.raises(ValueError, match=r"write business hours instead \(e.g. 16h if a day"):
        parse_minutes("2d")


def test_negative_numbers_are_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        parse_minutes(-1)


@given(st.integers(min_value=0, max_value=10**6))
def test_what_it_shows_it_reads_back(minutes):
    shown = format_minutes(minutes).replace(" min", "m").replace(" h", "h")
    assert parse_minutes(shown) == minutes


@pytest.mark.parametrize(
    ("minutes", "written"), [(90, "1h30m"), (60, "1h"), (45, "45m"), (0, "0m")]
)
def test_the_compact_form_reads_back(minutes, written):
    assert short_minutes(minutes) == written
    assert parse_minutes(written) == minutes


EIGHT_HOURS = 8 * 3600


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "under a minute"),
        (59, "under a minute"),
        (45 * 60, "45 min"),
        (2 * 3600 + 15 * 60, "2 h 15 min"),
        (EIGHT_HOURS - 60, "7 h 59 min"),
        (EIGHT_HOURS, "1 working day"),
        (EIGHT_HOURS + 3 * 3600 + 59 * 60, "1 working day 3 h"),
        (4 * EIGHT_HOURS, "4 working days"),
        (1378 * 3600 + 38 * 60, "172 working days"),
        (-5, "under a minute"),
    ],
)
def test_it_says_long_business_time_in_working_days(seconds, text):
    assert working_time_text(seconds, EIGHT_HOURS) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1, "1 min"),
        (61, "2 min"),
        (EIGHT_HOURS - 1, "8 h"),
        (EIGHT_HOURS + 1, "1 working day 1 h"),
        (2 * EIGHT_HOURS - 1, "2 working days"),
        (12 * EIGHT_HOURS + 1, "13 working days"),
    ],
)
def test_time_left_is_rounded_up_so_none_is_claimed_gone_while_some_is_left(seconds, text):
    assert working_time_text(seconds, EIGHT_HOURS, round_up=True) == text


def test_a_calendar_that_never_opens_keeps_hours():
    assert working_time_text(30 * 3600, 0) == "30 h"


@given(
    st.integers(min_value=0, max_value=10**8),
    st.integers(min_value=3600, max_value=86_400),
)
def test_more_time_never_reads_as_fewer_working_days(seconds, day):
    def days(text: str) -> int:
        return int(text.split()[0]) if "working day" in text else 0

    for round_up in (False, True):
        shorter = working_time_text(seconds, day, round_up=round_up)
        longer = working_time_text(seconds + day, day, round_up=round_up)
        assert days(longer) >= days(shorter) + (1 if days(shorter) else 0)


@pytest.mark.parametrize(
    ("week", "seconds"),
    [
        ([[(9 * 3600, 17 * 3600)]] * 5 + [[], []], EIGHT_HOURS),
        (
            [[(8 * 3600, 12 * 3600), (13 * 3600, 17 * 3600)]] * 4
            + [[(8 * 3600, 12 * 3600)]]
            + [[]] * 2,
            EIGHT_HOURS,
        ),
        ([[(0, 86_400)]] * 7, 86_400),
        ([[]] * 7, 0),
    ],
)
def test_a_working_day_is_the_calendars_usual_open_day(week, seconds):
    assert working_day_seconds(week) == seconds


def test_a_promise_reads_in_the_units_of_its_calendar():
    assert (
        promise_text(30 * 60, 32 * 3600, EIGHT_HOURS)
        == "first answer within 30 min, done within 4 working days"
    )
    assert promise_text(10 * 60, 3600, 86_400) == "first answer within 10 min, done within 1 h"
