"""What a calendar page lists: its closures as readable dates and its coming public holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .businesstime import Calendar, Closure

__all__ = [
    "HOLIDAY_HORIZON_DAYS",
    "CalendarDates",
    "ClosureLine",
    "HolidayLine",
    "calendar_dates",
    "closure_text",
    "coming_holidays",
    "day_text",
]

HOLIDAY_HORIZON_DAYS = 365  # "the coming holidays" are those of the next twelve months

# Spelled out rather than strftime's %a/%b, which follow the server's C locale.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class ClosureLine:
    text: str  # see closure_text()
    is_past: bool


@dataclass(frozen=True)
class HolidayLine:
    day: date
    text: str  # "Fri 25 Dec 2026"
    name: str  # "Christmas Day"


@dataclass(frozen=True)
class CalendarDates:
    closures: tuple[ClosureLine, ...]
    holidays: tuple[HolidayLine, ...]


def day_text(day: date) -> str:
    """'Thu 24 Dec 2026'."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def _clock_text(value: time) -> str:
    return f"{value:%H:%M}" + (f":{value.second:02d}" if value.second else "")


def _end_text(end: datetime) -> tuple[date, str]:
    # A closure that ends at midnight ends with the day before, as the hours' "24:00" does.
    if end.time() == time.min:
        return end.date() - _ONE_DAY, "24:00"
    return end.date(), _clock_text(end.time())


def closure_text(closure: Closure) -> str:
    """Whole days as a day or a range of days, the last day included ('Thu 24 Dec 2026 - Fri 1
    Jan 2027'); anything else with its hours ('Thu 31 Dec 2026, 12:00-17:00'). Ranges are
    written with an en dash."""
    first = closure.start.date()
    last, end_clock = _end_text(closure.end)
    if closure.start.time() == time.min and end_clock == "24:00":
        if last == first:
            return day_text(first)
        return f"{day_text(first)} \N{EN DASH} {day_text(last)}"
    start_clock = _clock_text(closure.start.time())
    if last == first:
        return f"{day_text(first)}, {start_clock}\N{EN DASH}{end_clock}"
    return f"{day_text(first)} {start_clock} \N{EN DASH} {day_text(last)} {end_clock}"


def coming_holidays(
    calendar: Calendar, today: date, *, days: int = HOLIDAY_HORIZON_DAYS
) -> tuple[HolidayLine, ...]:
    """The calendar's public holidays from `today` (included) for `days` days, by date."""
    if calendar.holidays is None:
        return ()
    until = today + timedelta(days=days)
    return tuple(
        HolidayLine(day, day_text(day), name)
        for year in range(today.year, until.year + 1)
        for day, name in calendar.holidays.named(year)
        if today <= day < until
    )


def calendar_dates(calendar: Calendar, now: datetime) -> CalendarDates:
    """Every closure, marked past once it has ended, and the coming holidays, as of `now` (aware)
    read on the calendar's own wall clock."""
    if now.utcoffset() is None:
        raise ValueError(f"now must be a timezone-aware datetime, got naive {now!r}")
    local_now = now.astimezone(calendar.tz).replace(tzinfo=None)
    closures = tuple(
        ClosureLine(closure_text(closure), is_past=closure.end <= local_now)
        for closure in calendar.closures
    )
    return CalendarDates(closures, coming_holidays(calendar, local_now.date()))
