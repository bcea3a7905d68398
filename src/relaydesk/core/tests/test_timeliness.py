from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relaydesk.core.timeliness import Standing, Timeliness, timeliness

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
HOUR = timedelta(hours=1)


def open_request(due_at=None, warn_at=None) -> Standing:
    return Standing(True, False, due_at, warn_at, 8 * 3600, 0, None)


def done_request(used: int, target: int | None = 8 * 3600, slack: int | None = None) -> Standing:
    return Standing(False, True, None, None, target, used, slack)


@pytest.mark.parametrize(
    ("standing", "expected"),
    [
        (open_request(NOW + HOUR, NOW - HOUR), Timeliness.AT_RISK),
        (open_request(NOW - HOUR, NOW - 2 * HOUR), Timeliness.LATE),
        (open_request(NOW, NOW - HOUR), Timeliness.LATE),  # due now: late from this instant
        (open_request(NOW + 2 * HOUR, NOW + HOUR), Timeliness.NONE),
        (open_request(), Timeliness.NONE),  # paused: no clock runs
        (done_request(3600), Timeliness.ON_TIME),
        (done_request(9 * 3600), Timeliness.DONE_LATE),
        (done_request(3600, slack=3600), Timeliness.EARLY),
        (done_request(3600, slack=-60), Timeliness.DONE_LATE),  # after the date it was needed by
        (done_request(9 * 3600, slack=3600), Timeliness.DONE_LATE),  # the promise was broken
        (done_request(3600, target=None), Timeliness.NONE),
        (Standing(False, False, None, None, 8 * 3600, 9 * 3600, None), Timeliness.NONE),
    ],
)
def test_it_says_whether_a_request_is_on_time(standing, expected):
    assert timeliness(standing, NOW) == expected


def test_each_word_reads_as_people_say_it():
    assert [t.label for t in Timeliness if t] == [
        "at risk",
        "late",
        "done on time",
        "done early",
        "done late",
    ]


@given(st.integers(min_value=-(10**6), max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_an_open_request_past_its_due_time_is_late_whatever_its_warning(due_in, warned_ago):
    due_at = NOW + timedelta(seconds=due_in)
    standing = open_request(due_at, due_at - timedelta(seconds=warned_ago))

    assert (timeliness(standing, NOW) == Timeliness.LATE) == (due_in <= 0)
