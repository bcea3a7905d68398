"""Business durations as people write them ("90m", "1h30m", "8h") and as pages show them:
short ones in hours and minutes, long ones in the working days of the service's calendar
("4 working days"), never "1378 h 38 min"."""

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from math import ceil

_PART = re.compile(r"(\d+)\s*(h|m)", re.IGNORECASE)
_WHOLE = re.compile(r"^\s*(?:\d+\s*[hm]\s*)+$", re.IGNORECASE)
_FORMS = "90m, 1h30m, 8h or a whole number of minutes"


def parse_minutes(value: object) -> int:
    """Minutes from a whole number or a text such as "1h 30m"; ValueError says what is wrong."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"a duration cannot be negative, got {value}")
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return int(text)
        if _WHOLE.match(text):
            return sum(
                int(n) * (60 if unit.lower() == "h" else 1) for n, unit in _PART.findall(text)
            )
        if days := re.search(r"(\d+)\s*d\b", text, re.IGNORECASE):
            raise ValueError(
                f"days are not a unit here ({value!r}), since a business day's length depends on "
                f"the calendar; write business hours instead (e.g. {int(days.group(1)) * 8}h if "
                "a day is 8 business hours)"
            )
    raise ValueError(f"write business time like {_FORMS}, not {value!r}")


def format_minutes(minutes: int) -> str:
    """'1 h 30 min', '45 min', '16 h'."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def short_minutes(minutes: int) -> str:
    """The compact form parse_minutes() reads back: 90 → '1h30m'."""
    hours, rest = divmod(minutes, 60)
    return (f"{hours}h" if hours else "") + (f"{rest}m" if rest or not hours else "")


# From this many working days on, the hours beside them say nothing anyone acts on.
_DAYS_WITHOUT_HOURS = 5


def working_day_seconds(week: Sequence[Iterable[tuple[int, int]]]) -> int:
    """The length of a calendar's usual working day, from its weekly hours (seconds of each
    local day, Monday first): the most common length among the days it opens at all, the
    longer one on a tie; 0 for a calendar that never opens."""
    lengths = Counter(sum(end - start for start, end in day) for day in week)
    lengths.pop(0, None)
    if not lengths:
        return 0
    return max(lengths, key=lambda length: (lengths[length], length))


def working_time_text(seconds: int, working_seconds_per_day: int, *, round_up: bool = False) -> str:
    """Business seconds as people say them: '45 min', '2 h 15 min' within a working day,
    '1 working day 3 h', '4 working days', '12 working days' beyond. `round_up` for time
    still left, so a running clock never claims less is left than is; otherwise down."""
    seconds = max(int(seconds), 0)
    if seconds < 60 and not round_up:
        return "under a minute"
    day = int(working_seconds_per_day)
    if day <= 0 or seconds < day:
        return format_minutes(max(ceil(seconds / 60), 1) if round_up else seconds // 60)
    days, rest = divmod(seconds, day)
    if days >= _DAYS_WITHOUT_HOURS:
        days, hours = days + (1 if round_up and rest else 0), 0
    else:
        hours = ceil(rest / 3600) if round_up else rest // 3600
        if hours * 3600 >= day:  # rounding up filled the day
            days, hours = days + 1, 0
    text = f"{days} working day{'s' if days != 1 else ''}"
    return f"{text} {hours} h" if hours else text


def promise_text(first_response_seconds: int, resolution_seconds: int, working_day: int) -> str:
    """A promise as a requester reads it: 'first answer within 30 min, done within 4 working
    days', long times in the working days of the service's calendar (`working_day` seconds)."""
    return (
        f"first answer within {working_time_text(first_response_seconds, working_day)}, "
        f"done within {working_time_text(resolution_seconds, working_day)}"
    )
