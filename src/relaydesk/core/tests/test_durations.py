import pytest
from hypothesis import given
from hypothesis import strategies as st

from relaydesk.core.durations import format_minutes, parse_minutes, short_minutes


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
