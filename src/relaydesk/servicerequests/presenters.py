"""A request's clocks as people and programs read them: the request page, the queues and the
API all show what core.clocks.read_clock says of them, worded here once."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from relaydesk.core.businesstime import Calendar as BusinessCalendar
from relaydesk.core.clocks import ClockReading, ClockState, open_for, read_clock
from relaydesk.core.durations import working_time_text
from relaydesk.core.request_life import CLOCKS
from relaydesk.core.timeliness import Standing, Timeliness, timeliness
from relaydesk.servicerequests.models import NOT_DUE, Request, Status

# How far ahead the live countdown looks for the calendar closing; the page is reloaded sooner.
COUNTDOWN_HORIZON = timedelta(hours=12)

_LABELS = {"response": "First answer", "resolution": "Resolution"}
_FINISHED = {"response": "answered in", "resolution": "done in"}
_STOPPED = {"response": "stopped: cancelled before an answer", "resolution": "stopped: cancelled"}


def clock_readings(
    request: Request, calendar: BusinessCalendar, now: datetime
) -> dict[str, ClockReading]:
    """Where each of the request's clocks stands at `now`."""
    percent = request.service.warning_percent
    return {
        "response": read_clock(
            request.clock("response"),
            calendar,
            now,
            warning_percent=percent,
            finished=request.responded_at is not None,
        ),
        "resolution": read_clock(
            request.clock("resolution"),
            calendar,
            now,
            warning_percent=percent,
            finished=request.status == Status.DONE,
            waiting=request.status == Status.WAITING_ON_REQUESTER,
        ),
    }


@dataclass(frozen=True)
class ClockView:
    label: str
    state: ClockState
    text: str
    detail: str = ""
    due_at: datetime | None = None
    # Set while the clock runs: when its calendar next opens (if closed now), and for the
    # live countdown the business seconds left and how long the calendar stays open.
    resumes_at: datetime | None = None
    left: int = 0
    open_for: int = 0


def clock_views(
    request: Request, calendar: BusinessCalendar, now: datetime, *, live: bool
) -> list[ClockView]:
    """The response and the resolution clock, worded; `live` adds what a countdown needs."""
    readings = clock_readings(request, calendar, now)
    return [_view(request, name, readings[name], calendar, now, live=live) for name in CLOCKS]


def row_clock(row: Request, calendar: BusinessCalendar, now: datetime) -> ClockView | None:
    """The clock a queue row is ordered by: the first answer while it is owed, then done."""
    if not row.is_open:
        return None
    readings = clock_readings(row, calendar, now)
    response = readings["response"]
    name = "response" if response.state in _RUNNING else "resolution"
    return _view(row, name, readings[name], calendar, now, live=False)


def clocks_out(request: Request, calendar: BusinessCalendar, now: datetime) -> dict[str, Any]:
    """The clocks as the API gives them: null for a clock nothing is promised for."""
    readings = clock_readings(request, calendar, now)
    return {
        name: None
        if reading.state == ClockState.NONE
        else {
            "state": reading.state,
            "target_seconds": reading.target,
            "used_seconds": reading.used,
            "running": reading.state in _RUNNING,
            "due_at": getattr(request, f"{name}_due_at"),
            "warn_at": getattr(request, f"{name}_warn_at"),
            "warned": getattr(request, f"{name}_warned"),
            "breached": getattr(request, f"{name}_breached"),
        }
        for name, reading in readings.items()
    }


_RUNNING = frozenset({ClockState.RUNNING, ClockState.WARNING, ClockState.LATE})


def _view(
    request: Request,
    name: str,
    reading: ClockReading,
    calendar: BusinessCalendar,
    now: datetime,
    *,
    live: bool,
) -> ClockView:
    label, state = _LABELS[name], reading.state
    working_day = calendar.working_day
    if state == ClockState.NONE:
        return ClockView(label, state, "no promise for this priority")
    if state in (ClockState.MET, ClockState.MISSED):
        kept = "within" if state == ClockState.MET else "over"
        return ClockView(
            label,
            state,
            f"{_FINISHED[name]} {working_time_text(reading.used, working_day)} (business time)",
            detail=f"{kept} the promise of {working_time_text(reading.target, working_day)}",
        )
    if state == ClockState.STOPPED:
        return ClockView(label, state, _STOPPED[name])
    if state == ClockState.PAUSED:
        return ClockView(
            label,
            state,
            "paused: waiting on the requester",
            detail=f"{_left(reading.left, working_day)} when the requester answers",
        )
    seconds_open = open_for(calendar, now, horizon=COUNTDOWN_HORIZON) if live else 0
    return ClockView(
        label,
        state,
        _left(reading.left, working_day),
        due_at=getattr(request, f"{name}_due_at"),
        resumes_at=calendar.next_open(now) if live and not seconds_open else None,
        left=reading.left,
        open_for=seconds_open,
    )


def _left(seconds: int, working_day: int) -> str:
    if seconds > 0:
        return f"{working_time_text(seconds, working_day, round_up=True)} left (business time)"
    return f"overdue by {working_time_text(-seconds, working_day)} (business time)"


def timeliness_of(request: Request, now: datetime) -> Timeliness:
    """Late, at risk, or done on time, early or late: from the row alone, no query."""
    warnings = [at for at in (request.response_warn_at, request.resolution_warn_at) if at]
    return timeliness(
        Standing(
            is_open=request.is_open,
            done=request.status == Status.DONE,
            due_at=None if request.queue_due_at == NOT_DUE else request.queue_due_at,
            warn_at=min(warnings, default=None),
            resolution_target=request.resolution_target,
            resolution_used=request.resolution_used,
            slack_seconds=request.slack_seconds,
        ),
        now,
    )
