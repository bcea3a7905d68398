"""A request's lifecycle (SPEC §3.2): which status may follow which, and for which side."""

from enum import StrEnum


class Side(StrEnum):
    REQUESTER = "requester"
    PROVIDER = "provider"


NEW = "new"
ACKNOWLEDGED = "acknowledged"
IN_PROGRESS = "in_progress"
WAITING = "waiting_on_requester"
DONE = "done"
CANCELLED = "cancelled"

_P = frozenset({Side.PROVIDER})
_BOTH = frozenset({Side.PROVIDER, Side.REQUESTER})

# from → {to: the sides that may make that move}
TRANSITIONS: dict[str, dict[str, frozenset[Side]]] = {
    NEW: {ACKNOWLEDGED: _P, IN_PROGRESS: _P, WAITING: _P, DONE: _P, CANCELLED: _BOTH},
    ACKNOWLEDGED: {IN_PROGRESS: _P, WAITING: _P, DONE: _P, CANCELLED: _BOTH},
    IN_PROGRESS: {WAITING: _P, DONE: _P, CANCELLED: _BOTH},
    # The requester answers; the provider may also take the request back up.
    WAITING: {IN_PROGRESS: _BOTH, DONE: _P, CANCELLED: _BOTH},
    # Reopening: either side may say it is not finished after all.
    DONE: {IN_PROGRESS: _BOTH},
    CANCELLED: {IN_PROGRESS: _BOTH},
}
ALL_STATUSES = tuple(TRANSITIONS)
OPEN = frozenset({NEW, ACKNOWLEDGED, IN_PROGRESS, WAITING})


class IllegalTransition(ValueError):
    """The move makes no sense from the request's current status."""


class NotYourMove(ValueError):
    """The move exists, but the other side makes it."""


def check_transition(current: str, target: str, sides: frozenset[Side]) -> None:
    """Raise unless one of `sides` may move a request from `current` to `target`."""
    if target not in TRANSITIONS:
        raise IllegalTransition(f"unknown status {target!r}; one of {', '.join(ALL_STATUSES)}")
    allowed = TRANSITIONS[current].get(target)
    if allowed is None:
        moves = ", ".join(TRANSITIONS[current]) or "none"
        raise IllegalTransition(
            f"a {current} request cannot become {target} (it may become: {moves})"
        )
    if not allowed & sides:
        who = " or ".join(sorted(allowed))
        raise NotYourMove(f"only the {who} may make a {current} request {target}")


def is_reopening(current: str, target: str) -> bool:
    return current in (DONE, CANCELLED) and target in OPEN
