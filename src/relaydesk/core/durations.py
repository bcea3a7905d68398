"""Business durations as people write them ("90m", "1h30m", "8h") and as pages show them."""

import re

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
                f"{value!r}: days are not a unit here, since a business day's length depends on "
                f"the calendar; write business hours instead (e.g. {int(days.group(1)) * 8}h if "
                "a day is 8 business hours)"
            )
    raise ValueError(f"expected business time like {_FORMS}, got {value!r}")


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
