"""Whether a request is on time, as every list says it in one word (issue 14): an open one is
*late* once a running clock's due time has passed and *at risk* once its warning share is used;
a finished one was done *late* (past its promise or the date it was needed by), *early* (before
the date it was needed by) or *on time*. Read from what a request row keeps, with no query."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Timeliness(StrEnum):
    NONE = ""  # nothing to say: on track, cancelled, or nothing was promised
    AT_RISK = "at_risk"
    LATE = "late"
    ON_TIME = "on_time"
    EARLY = "early"
    DONE_LATE = "done_late"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Timeliness.NONE: "",
    Timeliness.AT_RISK: "at risk",
    Timeliness.LATE: "late",
    Timeliness.ON_TIME: "done on time",
    Timeliness.EARLY: "done early",
    Timeliness.DONE_LATE: "done late",
}


@dataclass(frozen=True)
class Standing:
    """What a request row says about its clocks."""

    is_open: bool
    done: bool
    # The earliest due time and warning time of the clocks still running (None: none runs).
    due_at: datetime | None
    warn_at: datetime | None
    # The resolution promise in business seconds and what was used of it when done.
    resolution_target: int | None
    resolution_used: int
    # Seconds between done and the date it was needed by (negative: after), if one was given.
    slack_seconds: int | None


def timeliness(standing: Standing, now: datetime) -> Timeliness:
    if standing.is_open:
        if standing.due_at is not None and standing.due_at <= now:
            return Timeliness.LATE
        if standing.warn_at is not None and standing.warn_at <= now:
            return Timeliness.AT_RISK
        return Timeliness.NONE
    if not standing.done:
        return Timeliness.NONE
    over_promise = (
        standing.resolution_target is not None
        and standing.resolution_used > standing.resolution_target
    )
    slack = standing.slack_seconds
    if over_promise or (slack is not None and slack < 0):
        return Timeliness.DONE_LATE
    if slack is not None and slack > 0:
        return Timeliness.EARLY
    if standing.resolution_target is None and slack is None:
        return Timeliness.NONE  # nothing promised, no date given: neither early nor late
    return Timeliness.ON_TIME
