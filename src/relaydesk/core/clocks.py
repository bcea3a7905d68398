"""SLA clocks in business time (SPEC §3.2): they run, pause, resume and stop.

A clock keeps the business seconds it has *used* up to the instant it last started running,
so the time already counted never changes when a calendar or a promise is edited later: the
clock is re-based at the edit, and only what remains is measured on the new calendar.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from math import ceil

from relaydesk.core.businesstime import Calendar


@dataclass(frozen=True)
class Clock:
    target: int  # business seconds promised
    used: int = 0  # business seconds counted before `running_since`
    running_since: datetime | None = None  # None while paused or stopped

    @classmethod
    def started(cls, *, target: int, at: datetime) -> "Clock":
        return cls(target=target, used=0, running_since=at)

    @property
    def running(self) -> bool:
        return self.running_since is not None

    def used_at(self, calendar: Calendar, at: datetime) -> int:
        if self.running_since is None or at <= self.running_since:
            return self.used
        return self.used + calendar.business_seconds_between(self.running_since, at)

    def due(self, calendar: Calendar) -> datetime | None:
        """When the promise runs out, if the clock keeps running; None while it is paused."""
        if self.running_since is None:
            return None
        return calendar.due(self.running_since, max(self.target - self.used, 0))

    def warning_due(self, calendar: Calendar, percent: int) -> datetime | None:
        """When `percent` of the promise will have been used; None while paused."""
        if self.running_since is None:
            return None
        threshold = ceil(self.target * percent / 100)
        return calendar.due(self.running_since, max(threshold - self.used, 0))

    def paused(self, calendar: Calendar, at: datetime) -> "Clock":
        return replace(self, used=self.used_at(calendar, at), running_since=None)

    def resumed(self, at: datetime) -> "Clock":
        return self if self.running else replace(self, running_since=at)

    def rebased(self, calendar_before: Calendar, at: datetime, *, target: int) -> "Clock":
        """The same clock under a new promise or calendar from `at` on, its used time kept.
        One that started running only after `at` counted nothing on the old calendar."""
        if self.running_since is None or self.running_since >= at:
            return replace(self, target=target)
        return Clock(target=target, used=self.used_at(calendar_before, at), running_since=at)

    def overrun(self, calendar: Calendar, at: datetime) -> int:
        """Business seconds past the promise at `at` (0 when within it)."""
        return max(self.used_at(calendar, at) - self.target, 0)


class ClockState(StrEnum):
    NONE = "none"  # nothing promised
    RUNNING = "running"
    WARNING = "warning"  # the share of the promise that warns is used up
    LATE = "late"
    PAUSED = "paused"  # waiting on the requester
    MET = "met"  # finished within the promise
    MISSED = "missed"
    STOPPED = "stopped"  # cancelled before it finished


@dataclass(frozen=True)
class ClockReading:
    state: ClockState
    target: int = 0
    used: int = 0  # business seconds, at the instant read

    @property
    def left(self) -> int:
        """Business seconds still promised; negative once late."""
        return self.target - self.used


def read_clock(
    clock: Clock | None,
    calendar: Calendar,
    at: datetime,
    *,
    warning_percent: int,
    finished: bool,
    waiting: bool = False,
) -> ClockReading:
    """Where a clock stands at `at`: `finished` when what it measures is done (the answer
    given, the request done), `waiting` while it is paused for the requester."""
    if clock is None:
        return ClockReading(ClockState.NONE)
    used = clock.used_at(calendar, at)
    if finished:
        state = ClockState.MET if used <= clock.target else ClockState.MISSED
    elif not clock.running:
        state = ClockState.PAUSED if waiting else ClockState.STOPPED
    elif used >= clock.target:
        state = ClockState.LATE
    elif used >= ceil(clock.target * warning_percent / 100):
        state = ClockState.WARNING
    else:
        state = ClockState.RUNNING
    return ClockReading(state, clock.target, used)


def open_for(calendar: Calendar, at: datetime, *, horizon: timedelta) -> int:
    """Seconds from `at` (at most `horizon`) that the calendar stays open without a break,
    so a running clock counts down one second a second; 0 when closed."""
    limit = int(horizon.total_seconds())

    def open_throughout(seconds: int) -> bool:
        return calendar.business_seconds_between(at, at + timedelta(seconds=seconds)) == seconds

    if not calendar.is_open(at):
        return 0
    if open_throughout(limit):
        return limit
    low, high = 0, limit  # open throughout `low` seconds, not throughout `high`
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if open_throughout(middle) else (low, middle)
    return low
