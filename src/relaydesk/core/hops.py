"""Per-hop accounting (SPEC §3.2): whose business time a request's resolution clock used.

A request's life is cut into spans, each held by one party: the providing team (or person)
that held the request then, or — while sub-requests are open — the sub-request that finished
last, since the parent could not move on before it did. Time paused while waiting on the
requester belongs to nobody. The seconds attributed add up to the clock's used time.
"""

import re
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from relaydesk.core.businesstime import Calendar


@dataclass(frozen=True)
class Span:
    holder: Hashable
    start: datetime
    end: datetime | None  # None: still open


def attribute_business_time(
    calendar: Calendar,
    *,
    hops: Sequence[Span],
    subrequests: Sequence[Span],
    pauses: Sequence[Span],
    until: datetime,
) -> dict[Hashable, int]:
    """Business seconds used by each holder up to `until`."""
    boundaries = {until}
    for span in (*hops, *subrequests, *pauses):
        for instant in (span.start, span.end):
            if instant is not None and instant < until:
                boundaries.add(instant)
    ordered = sorted(boundaries)
    used: dict[Hashable, int] = {}
    for start, end in pairwise(ordered):
        if any(_covers(pause, start, end) for pause in pauses):
            continue
        holder = _holder(start, end, hops, subrequests)
        if holder is None:
            continue
        seconds = calendar.business_seconds_between(start, end)
        if seconds:
            used[holder] = used.get(holder, 0) + seconds
    return used


def _covers(span: Span, start: datetime, end: datetime) -> bool:
    return span.start <= start and (span.end is None or span.end >= end)


def _holder(
    start: datetime, end: datetime, hops: Sequence[Span], subrequests: Sequence[Span]
) -> Hashable | None:
    open_children = [child for child in subrequests if _covers(child, start, end)]
    if open_children:
        # The one still open, or else the one that closed last, held the parent up.
        last = max(open_children, key=lambda c: (c.end is None, c.end or c.start, c.start))
        return last.holder
    for hop in hops:
        if _covers(hop, start, end):
            return hop.holder
    return None


def weakest_hop(used: dict[Hashable, int]) -> Hashable | None:
    """The holder that used the most time: where a breach is attributed."""
    return max(used, key=lambda holder: (used[holder], str(holder)), default=None)


# A sub-request holds its parent under its provider's name and its number; to whoever may not
# see it, it is only this (SPEC §6: nothing a person may not see is named to them).
UNSEEN_SUBREQUEST = "a request to another team"
_SUBREQUEST = re.compile(r" \(sub-request #(\d+)\)\Z")


def subrequest_holder(provider: str, request_id: int) -> str:
    return f"{provider} (sub-request #{request_id})"


def holder_seen(holder: str, seen: Collection[int]) -> str:
    """`holder` as named to someone who may see only the sub-requests `seen`."""
    named = _SUBREQUEST.search(holder)
    if named is None or int(named.group(1)) in seen:
        return holder
    return UNSEEN_SUBREQUEST


def holders_seen(used: Mapping[str, int], seen: Collection[int]) -> dict[str, int]:
    """Time used by each holder, as named to someone who may see only the sub-requests
    `seen`: the others' times are added up under one name."""
    shown: dict[str, int] = {}
    for holder, seconds in used.items():
        named = holder_seen(holder, seen)
        shown[named] = shown.get(named, 0) + seconds
    return shown
