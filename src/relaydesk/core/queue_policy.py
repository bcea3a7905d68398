"""The order of a queue under the policy its team picked (SPEC §3.4), and why each request is
where it is.

Every policy ages: a request's *virtual due time* is its promise's due time, or — when no clock
runs for it — its arrival plus DEFAULT_PROMISE. Under every policy a request that has reached its
virtual due time ranks ahead of every request that arrived after that moment, so however the
requests arrive, what waits in front of a request is bounded by what arrived before it fell
due. Requests waiting on their requester owe the team nothing and come last.

Ties are broken by downstream impact — more open requests blocked first, then more external
parties reached — then by who waited longest (arrived first), then by id. Times tie when they
fall in the same minute and shares of a promise when they fall in the same percent.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from relaydesk.core.businesstime import Calendar
from relaydesk.core.durations import working_time_text


class QueuePolicy(StrEnum):
    EARLIEST_DUE = "earliest_due"
    EXTERNAL_FIRST = "external_first"
    PARITY = "parity"


# How a policy reads on the queue page: the rule, aging included, in plain words.
RULES = {
    QueuePolicy.EARLIEST_DUE: (
        "Earliest due first: the request whose promise runs out soonest comes first, "
        "whoever asked. A request without a running clock is treated as due three days after "
        "it arrived, so it cannot wait forever."
    ),
    QueuePolicy.EXTERNAL_FIRST: (
        "External first: requests tied to an external party come first, earliest due first. "
        "Aging: once a colleague's request has used half of its promise it joins them, by its "
        "due time, so no request waits forever behind the external ones."
    ),
    QueuePolicy.PARITY: (
        "Parity: colleagues' and external requests are interleaved by the share of their "
        "promise each has already used, most used first. Aging: a request past its due time "
        "comes before all that are not, most overdue first."
    ),
}
TIE_BREAK = (
    "Ties go to the request that blocks more open requests, then to the one reaching more "
    "external parties, then to the one that has waited longest."
)

DEFAULT_PROMISE = timedelta(days=3)
# The share of its promise after which a colleague's request joins the external ones.
EXTERNAL_FIRST_AGING_SHARE = 0.5
_SHORTEST_PROMISE = timedelta(minutes=1)


@dataclass(frozen=True)
class Waiting:
    """One open request as a queue weighs it."""

    request_id: int
    arrived_at: datetime
    due_at: datetime | None  # when its running clock runs out; None when no clock runs
    party: str | None = None  # the external party it is tied to, if any
    blocks: int = 0  # open requests that cannot move on until it is done
    parties_reached: tuple[str, ...] = ()  # external parties of the requests it blocks
    waiting_on_requester: bool = False

    @property
    def external(self) -> bool:
        return self.party is not None

    @property
    def virtual_due(self) -> datetime:
        return self.due_at if self.due_at is not None else self.arrived_at + DEFAULT_PROMISE

    def share_used(self, now: datetime) -> float:
        """How much of its promise it has used by `now` (1.0: due now), in wall-clock time."""
        promise = max(self.virtual_due - self.arrived_at, _SHORTEST_PROMISE)
        return (now - self.arrived_at) / promise

    @property
    def impact(self) -> tuple[int, int]:
        return (self.blocks, len({self.party, *self.parties_reached} - {None}))


def ranked(policy: QueuePolicy, waiting: Sequence[Waiting], *, now: datetime) -> list[Waiting]:
    """The queue's order under `policy` at `now`."""
    return sorted(waiting, key=lambda request: _key(policy, request, now))


def reason(
    policy: QueuePolicy,
    queue: Sequence[Waiting],
    position: int,
    *,
    now: datetime,
    calendar: Calendar,
) -> str:
    """Why the request at `position` of a ranked queue is there, in plain words; how long
    until or since it falls due in the working time of its service's `calendar`."""
    request = queue[position]
    main = _reason(policy, request, now, calendar)
    tie = _tie_reason(policy, request, queue[position + 1 : position + 2], now)
    return "; ".join(filter(None, (main, tie)))


def _key(policy: QueuePolicy, request: Waiting, now: datetime) -> tuple:
    return (*_primary(policy, request, now), *_after_primary(request))


def _primary(policy: QueuePolicy, request: Waiting, now: datetime) -> tuple:
    if request.waiting_on_requester:
        return (1,)
    due = _minute(request.virtual_due)
    if policy == QueuePolicy.EARLIEST_DUE:
        return (0, due)
    if policy == QueuePolicy.EXTERNAL_FIRST:
        return (0, 0 if _with_externals(request, now) else 1, due)
    share = request.share_used(now)
    if share >= 1:
        return (0, 0, due)
    return (0, 1, -int(share * 100))


def _after_primary(request: Waiting) -> tuple:
    blocks, parties = request.impact
    return (-blocks, -parties, request.arrived_at, request.request_id)


def _with_externals(request: Waiting, now: datetime) -> bool:
    return request.external or request.share_used(now) >= EXTERNAL_FIRST_AGING_SHARE


def _minute(instant: datetime) -> int:
    return int(instant.timestamp() // 60)


def _reason(policy: QueuePolicy, request: Waiting, now: datetime, calendar: Calendar) -> str:
    if request.waiting_on_requester:
        return "waits on the requester: last until they answer"
    due = _due_words(request, now, calendar)
    if policy == QueuePolicy.EARLIEST_DUE:
        return due
    if policy == QueuePolicy.EXTERNAL_FIRST:
        if request.external:
            return f"for {request.party}, external first; {due}"
        if _with_externals(request, now):
            return f"used over half its promise, so it joined the external requests; {due}"
        return (
            f"a colleague's request, after the external ones until half its promise is used; {due}"
        )
    share = request.share_used(now)
    if share >= 1:
        return f"{due}: overdue requests come first"
    return f"used {int(share * 100)}% of its promise; {due}"


def _due_words(request: Waiting, now: datetime, calendar: Calendar) -> str:
    due = request.virtual_due
    # Time left is rounded up, time overdue down, as on the request's own clocks.
    seconds = calendar.business_seconds_between(now, due)
    words = (
        f"due in {working_time_text(seconds, calendar.working_day, round_up=True)}"
        if due >= now
        else f"overdue by {working_time_text(-seconds, calendar.working_day)}"
    )
    if request.due_at is None:
        return f"no clock running, so treated as {words}"
    return words


def _tie_reason(
    policy: QueuePolicy, request: Waiting, behind: Sequence[Waiting], now: datetime
) -> str:
    """What put it ahead of the next request when the policy alone could not tell them apart."""
    blocks = request.blocks
    impact_words = ""
    if blocks:
        plural = "request" if blocks == 1 else "requests"
        reached = sorted(set(request.parties_reached) - {None})
        impact_words = f"blocks {blocks} {plural}" + (
            f" for {', '.join(reached)}" if reached else ""
        )
    if not behind or _primary(policy, behind[0], now) != _primary(policy, request, now):
        return impact_words
    if request.impact > behind[0].impact:
        return impact_words or "reaches more external parties"
    return "; ".join(filter(None, (impact_words, "waited longest")))
