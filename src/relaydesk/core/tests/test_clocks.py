from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from relaydesk.core.calendar_spec import calendar_from_mapping
from relaydesk.core.clocks import Clock, ClockReading, ClockState, open_for, read_clock

BERLIN_OFFICE = calendar_from_mapping(
    {
        "timezone": "Europe/Berlin",
        "hours": {day: ["09:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
        "holidays": {"country": "DE", "subdivision": "BY"},
    }
)
# Wider opening hours, so that pauses and resumptions land inside them often.
SHIFTS = calendar_from_mapping(
    {
        "timezone": "America/New_York",
        "hours": {day: ["06:00-22:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat")},
    }
)
HOUR = 3600


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


instants = st.integers(0, 3 * 365 * 24 * 3600).map(lambda s: utc(2026, 1, 1) + timedelta(seconds=s))
calendars = st.sampled_from([BERLIN_OFFICE, SHIFTS])


def test_a_new_clock_is_due_after_its_promise_in_business_time():
    clock = Clock.started(target=2 * HOUR, at=utc(2026, 11, 20, 15, 0))  # Friday 16:00 Berlin

    assert clock.due(BERLIN_OFFICE) == utc(2026, 11, 23, 9, 0)  # Monday 10:00 Berlin


def test_waiting_on_the_requester_over_a_weekend_pushes_the_due_time():
    # Started Friday 09:00 Berlin with 8 business hours: due Friday 17:00.
    clock = Clock.started(target=8 * HOUR, at=utc(2026, 11, 20, 8, 0))
    paused = clock.paused(BERLIN_OFFICE, utc(2026, 11, 20, 12, 0))  # 13:00: 4 h used
    resumed = paused.resumed(utc(2026, 11, 23, 10, 0))  # Monday 11:00

    assert paused.used == 4 * HOUR and paused.due(BERLIN_OFFICE) is None
    assert resumed.due(BERLIN_OFFICE) == utc(2026, 11, 23, 14, 0)  # Monday 15:00


def test_a_pause_across_the_autumn_clock_change_counts_real_business_time():
    # Berlin returns to winter time on Sunday 2026-10-25.
    clock = Clock.started(target=8 * HOUR, at=utc(2026, 10, 23, 7, 0))  # Fri 09:00 CEST
    resumed = clock.paused(BERLIN_OFFICE, utc(2026, 10, 23, 13, 0)).resumed(
        utc(2026, 10, 26, 8, 0)  # Monday 09:00 CET
    )

    assert resumed.used == 6 * HOUR
    assert resumed.due(BERLIN_OFFICE) == utc(2026, 10, 26, 10, 0)  # Monday 11:00 CET


def test_a_calendar_edit_keeps_used_time_and_moves_the_due_time():
    clock = Clock.started(target=8 * HOUR, at=utc(2026, 11, 23, 8, 0))  # Mon 09:00 Berlin
    edit_at = utc(2026, 11, 23, 11, 0)  # Mon 12:00: 3 h used
    longer_days = calendar_from_mapping(
        {"timezone": "Europe/Berlin", "hours": {"mon": ["09:00-20:00"], "tue": ["09:00-20:00"]}}
    )

    rebased = clock.rebased(BERLIN_OFFICE, edit_at, target=8 * HOUR)

    assert rebased.used == 3 * HOUR
    assert rebased.due(longer_days) == utc(2026, 11, 23, 16, 0)  # Mon 17:00: 5 h more


def test_a_promise_edit_keeps_used_time():
    clock = Clock.started(target=8 * HOUR, at=utc(2026, 11, 23, 8, 0))

    rebased = clock.rebased(BERLIN_OFFICE, utc(2026, 11, 23, 10, 0), target=4 * HOUR)

    assert rebased.used == 2 * HOUR
    assert rebased.due(BERLIN_OFFICE) == utc(2026, 11, 23, 12, 0)


def test_a_paused_clock_takes_a_new_promise_without_running():
    paused = Clock.started(target=HOUR, at=utc(2026, 11, 23, 8, 0)).paused(
        BERLIN_OFFICE, utc(2026, 11, 23, 8, 30)
    )

    rebased = paused.rebased(BERLIN_OFFICE, utc(2026, 11, 24, 8, 0), target=2 * HOUR)

    assert (rebased.target, rebased.used, rebased.running) == (2 * HOUR, 30 * 60, False)


def test_the_warning_comes_at_its_share_of_the_promise():
    clock = Clock.started(target=8 * HOUR, at=utc(2026, 11, 23, 8, 0))

    assert clock.warning_due(BERLIN_OFFICE, 75) == utc(2026, 11, 23, 14, 0)


def test_overrun_counts_business_time_past_the_promise():
    clock = Clock.started(target=HOUR, at=utc(2026, 11, 23, 8, 0))

    assert clock.overrun(BERLIN_OFFICE, utc(2026, 11, 23, 8, 30)) == 0
    assert clock.overrun(BERLIN_OFFICE, utc(2026, 11, 23, 11, 0)) == 2 * HOUR


@given(calendars, instants, st.integers(1, 200 * HOUR), st.integers(0, 100), st.integers(0, 10**6))
def test_pausing_pushes_the_due_time_by_exactly_the_paused_business_time(
    calendar, start, target, pause_after, pause_length
):
    clock = Clock.started(target=target, at=start)
    pause_at = start + timedelta(seconds=pause_after * 997)
    resume_at = pause_at + timedelta(seconds=pause_length)

    resumed = clock.paused(calendar, pause_at).resumed(resume_at)
    due = resumed.due(calendar)

    used_before = calendar.business_seconds_between(start, pause_at)
    if used_before < target:
        assert used_before + calendar.business_seconds_between(resume_at, due) == target
    assert due.timestamp() >= clock.due(calendar).timestamp()


@given(calendars, instants, st.integers(1, 200 * HOUR), st.integers(0, 10**7), st.integers(1, 99))
def test_rebasing_never_changes_the_time_already_used(calendar, start, target, later, percent):
    clock = Clock.started(target=target, at=start)
    at = start + timedelta(seconds=later)

    rebased = clock.rebased(calendar, at, target=target)

    assert rebased.used == clock.used_at(calendar, at)
    assert rebased.due(calendar).timestamp() == clock.due(calendar).timestamp() or (
        rebased.used >= target
    )
    assert clock.warning_due(calendar, percent).timestamp() <= clock.due(calendar).timestamp()


def test_re_basing_a_clock_that_started_after_the_edit_keeps_it_as_it_is():
    resumed = Clock(target=8 * HOUR, used=HOUR, running_since=utc(2026, 11, 23, 12, 0))

    rebased = resumed.rebased(BERLIN_OFFICE, utc(2026, 11, 23, 10, 0), target=4 * HOUR)

    assert rebased == Clock(target=4 * HOUR, used=HOUR, running_since=utc(2026, 11, 23, 12, 0))


@given(calendars, instants, st.integers(0, 40 * HOUR), instants)
def test_re_basing_twice_at_the_same_instant_changes_nothing_more(calendar, start, used, edit):
    clock = Clock(target=8 * HOUR, used=used, running_since=start)
    once = clock.rebased(calendar, edit, target=8 * HOUR)

    assert once.rebased(calendar, edit, target=8 * HOUR) == once
    assert once.used_at(calendar, edit) == clock.used_at(calendar, edit)


MONDAY_9 = utc(2026, 11, 23, 8, 0)  # 09:00 in Berlin
_H = timedelta(hours=1)


def read(clock, hours, **kw):
    kw = {"warning_percent": 75, "finished": False} | kw
    return read_clock(clock, BERLIN_OFFICE, MONDAY_9 + timedelta(hours=hours), **kw)


def test_a_running_clock_reads_running_then_warning_then_late():
    clock = Clock.started(target=4 * HOUR, at=MONDAY_9)

    assert [read(clock, h).state for h in (1, 3, 4, 5)] == ["running", "warning", "late", "late"]
    assert read(clock, 5).left == -HOUR


def test_a_stopped_clock_reads_met_missed_paused_or_stopped():
    stopped = Clock.started(target=HOUR, at=MONDAY_9).paused(BERLIN_OFFICE, MONDAY_9 + 2 * _H)

    assert read(stopped, 3, finished=True) == ClockReading(ClockState.MISSED, HOUR, 2 * HOUR)
    assert read(stopped, 3, waiting=True).state == "paused"
    assert read(stopped, 3).state == "stopped"
    assert read(None, 3).state == "none"


def test_the_calendar_stays_open_until_it_closes_for_the_countdown():
    four_pm = MONDAY_9 + 7 * _H

    assert open_for(BERLIN_OFFICE, four_pm, horizon=timedelta(hours=12)) == HOUR
    assert open_for(BERLIN_OFFICE, four_pm + 2 * _H, horizon=timedelta(hours=12)) == 0
    assert open_for(BERLIN_OFFICE, MONDAY_9, horizon=timedelta(hours=2)) == 2 * HOUR
