"""SLA clocks in business time (SPEC §3.2): they run, pause, resume and stop.

A clock keeps the business seconds it has *used* up to the instant it last started running,
so the time already counted never changes when a calendar or a promise is edited later: the
clock is re-based at the edit, and only what remains is measured on the new calendar.
"""

from dataclasses import dataclass, replace
from datetime import datetime
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
        """The same clock under a new promise or calendar from `at` on, its used time kept."""
        if self.running_since is None:
            return replace(self, target=target)
        return Clock(target=target, used=self.used_at(calendar_before, at), running_since=at)

    def overrun(self, calendar: Calendar, at: datetime) -> int:
        """Business seconds past the promise at `at` (0 when within it)."""
        return max(self.used_at(calendar, at) - self.target, 0)
