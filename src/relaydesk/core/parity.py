"""Who comes last? (SPEC §3.4, §3.6): how long a team's requesters wait, by requester class —
colleagues vs requests tied to an external party — and by requesting team, and the parity
index: the median wait for a first answer of colleagues' requests over that of requests tied
to an external party.

Waits are business seconds. A request not yet answered (or not yet done) has no wait to
count; it is counted apart as still open, so a slow backlog cannot flatter the figures.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

COLLEAGUES = "colleagues"
EXTERNAL = "tied to an external party"
NO_TEAM = "(no team)"
# Fewer answered requests than this on either side and the sentence says to read with care.
SMALL_SAMPLE = 10
# Within this band either side of 1 the two classes are said to wait about as long.
ABOUT_EVEN = 0.05


@dataclass(frozen=True)
class Wait:
    """One request a team served."""

    external: bool
    requesting_team: str | None
    first_response: int | None  # business seconds to the first answer; None while unanswered
    resolution: int | None  # business seconds to done; None while not done


@dataclass(frozen=True)
class Figures:
    n: int  # requests with a wait to count
    median: float | None
    p90: float | None
    still_open: int


@dataclass(frozen=True)
class Group:
    name: str
    first_response: Figures
    resolution: Figures


@dataclass(frozen=True)
class Report:
    by_class: list[Group]
    by_team: list[Group]
    parity_index: float | None
    sentence: str


def percentile(values: Sequence[float], share: float) -> float | None:
    """The `share` percentile of `values`, interpolating linearly between the closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    below, above = math.floor(position), math.ceil(position)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def figures(waits: Iterable[int | None]) -> Figures:
    waits = list(waits)
    counted = [wait for wait in waits if wait is not None]
    return Figures(
        n=len(counted),
        median=percentile(counted, 0.5),
        p90=percentile(counted, 0.9),
        still_open=len(waits) - len(counted),
    )


def parity_report(waits: Sequence[Wait]) -> Report:
    classes = {
        COLLEAGUES: [wait for wait in waits if not wait.external],
        EXTERNAL: [wait for wait in waits if wait.external],
    }
    teams: dict[str, list[Wait]] = {}
    for wait in waits:
        teams.setdefault(wait.requesting_team or NO_TEAM, []).append(wait)
    by_class = [_group(name, members) for name, members in classes.items()]
    colleagues, external = (group.first_response for group in by_class)
    index = None
    if colleagues.median is not None and external.median:
        index = colleagues.median / external.median
    return Report(
        by_class=by_class,
        by_team=[_group(name, teams[name]) for name in sorted(teams)],
        parity_index=index,
        sentence=_sentence(index, colleagues, external),
    )


def _group(name: str, waits: Sequence[Wait]) -> Group:
    return Group(
        name,
        figures(wait.first_response for wait in waits),
        figures(wait.resolution for wait in waits),
    )


def _sentence(index: float | None, colleagues: Figures, external: Figures) -> str:
    if index is None:
        return (
            "Not enough answered requests on both sides to compare "
            f"(colleagues: n = {colleagues.n}, tied to an external party: n = {external.n})."
        )
    if index > 1 + ABOUT_EVEN:
        sentence = (
            f"Requests from colleagues wait {index:.1f} times as long for a first answer as "
            "requests for external parties."
        )
    elif index < 1 - ABOUT_EVEN:
        sentence = (
            f"Requests for external parties wait {1 / index:.1f} times as long for a first answer "
            "as requests from colleagues."
        )
    else:
        sentence = "Colleagues and external parties wait about as long for a first answer."
    if min(colleagues.n, external.n) < SMALL_SAMPLE:
        sentence += f" Small samples (n = {colleagues.n} and {external.n}): read with care."
    return sentence
