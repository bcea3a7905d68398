"""Who in a providing team gets a new request (SPEC §3.2), and who covers for an absent provider.

Plain functions over plain values: the Django side loads the team's people, their open load
and absences, and stores whatever person these functions name (or leaves the request in the
team queue when they name nobody).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Policy(StrEnum):
    MANUAL = "manual"
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"


@dataclass(frozen=True)
class Candidate:
    person_id: int
    open_load: int
    last_assigned_at: datetime | None  # None: never assigned a request in this team
    available: bool  # active and not absent right now


def choose_assignee(
    policy: Policy, candidates: Sequence[Candidate], *, after_person_id: int | None = None
) -> int | None:
    """The person_id to assign, or None to leave the request in the team queue.

    after_person_id is who got the team's previous request; only round-robin uses it.
    """
    person_ids = [candidate.person_id for candidate in candidates]
    if len(set(person_ids)) != len(person_ids):
        # Two rows for one person would make the choice depend on which row came first.
        raise ValueError(f"each person may be a candidate once, got person ids {person_ids}")
    available = [candidate for candidate in candidates if candidate.available]
    if policy == Policy.MANUAL or not available:
        return None
    if policy == Policy.ROUND_ROBIN:
        return _next_in_turn(sorted(c.person_id for c in available), after_person_id)
    if policy == Policy.LEAST_LOADED:
        return min(available, key=_least_loaded_first).person_id
    raise ValueError(f"unknown assignment policy {policy!r}")


def at_work_limit(open_load: int, limit: int | None) -> bool:
    """Whether someone holding `open_load` open requests is at or above their limit (None:
    no limit); routing then skips them, as it skips someone away."""
    return limit is not None and open_load >= limit


def _next_in_turn(ordered_ids: list[int], after_person_id: int | None) -> int:
    # Turns go by person id rather than by position, so the rotation survives the previous
    # assignee becoming absent or leaving the team: the turn passes to the next id up.
    if after_person_id is not None:
        for person_id in ordered_ids:
            if person_id > after_person_id:
                return person_id
    return ordered_ids[0]


def _least_loaded_first(candidate: Candidate) -> tuple[int, bool, float, int]:
    # Among equally loaded people, whoever has waited longest for work goes first; someone
    # never assigned has waited longest of all.
    if candidate.last_assigned_at is None:
        return (candidate.open_load, False, 0.0, candidate.person_id)
    return (candidate.open_load, True, candidate.last_assigned_at.timestamp(), candidate.person_id)


def covering_person(
    person_id: int, absences: Mapping[int, int | None], *, max_hops: int = 5
) -> int | None:
    """Who handles work meant for person_id: themselves if present, else the first present
    backup along the chain of backups.

    absences maps each absent person to their backup (None: no backup named). Returns None
    when the chain ends without a backup, comes back on itself, or needs more than max_hops
    handovers — the request then belongs in the team queue.
    """
    # A long chain of backups usually means coverage nobody planned; the team queue is the
    # more honest destination than a stranger five handovers away.
    visited = {person_id}
    current = person_id
    for _ in range(max_hops + 1):
        if current not in absences:
            return current
        backup = absences[current]
        if backup is None or backup in visited:
            return None
        visited.add(backup)
        current = backup
    return None
