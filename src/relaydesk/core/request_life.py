"""A request's life as plain values (SPEC §3.2): every write takes the request's state and
returns its next state with the events to record, numbered and in the order of cause and
effect (the status event first, then the first response, the clock pausing or resuming, a
breach).

The request services persist what these functions return, and the demo's history feeds them
too: a request lives one way, whether people move it or the simulation does.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol

from relaydesk.core import lifecycle
from relaydesk.core.businesstime import Calendar
from relaydesk.core.clocks import Clock
from relaydesk.core.hops import Span, weakest_hop
from relaydesk.core.lifecycle import CANCELLED, DONE, IN_PROGRESS, NEW, WAITING, Side

CLOCKS = ("response", "resolution")
_PROVIDER = frozenset({Side.PROVIDER})


class LifeEvent(NamedTuple):  # a tuple: the demo makes millions of them
    seq: int
    kind: str
    actor_id: int | None  # None: the system itself
    at: datetime
    data: dict[str, Any]


class Holder(NamedTuple):
    """Who holds a request during a hop: a providing team, or else a person."""

    team_id: int | None
    person_id: int | None


@dataclass
class RequestLife:
    """What the lifecycle knows of one request. The functions below never change the state
    they are given: they return a new one."""

    status: str
    response: Clock | None  # None: the service promises nothing for the priority
    resolution: Clock | None
    provider_team_id: int | None
    provider_person_id: int | None
    needed_by: datetime | None = None
    assignee_id: int | None = None
    warned: frozenset[str] = frozenset()  # the clocks warned about in their current run
    breached: frozenset[str] = frozenset()
    responded_at: datetime | None = None
    done_at: datetime | None = None
    cancelled_at: datetime | None = None
    early: bool | None = None
    slack_seconds: int | None = None
    decision: str = ""
    decision_reason: str = ""
    paused_since: datetime | None = None  # while waiting on the requester
    last_event_seq: int = 0

    def clock(self, name: str) -> Clock | None:
        return self.response if name == "response" else self.resolution

    def copied(self) -> "RequestLife":
        # The demo makes millions: copy.copy() and dataclasses.replace() take several times longer.
        twin = object.__new__(RequestLife)
        twin.__dict__.update(self.__dict__)
        return twin


@dataclass(frozen=True)
class Terms:
    """What a write reads but does not change: the service's calendar and warning share, and,
    asked only when a breach is recorded, who used the time and whom the breach escalates to."""

    calendar: Calendar
    warning_percent: int
    # The resolution clock's business seconds by holder up to an instant (per-hop accounting).
    time_by_holder: Callable[[datetime], Mapping[str, int]]
    lead_of: Callable[[int], int | None]  # a team's lead


class Outcome(NamedTuple):
    life: RequestLife
    events: list[LifeEvent]
    hop_ended_at: datetime | None = None  # the open hop ends then
    hop_started: Span | None = None  # held by a Holder, still open


def answers_requester(to: str, message: str) -> bool:
    """Does a provider's move to `to` give the requester their first answer? The response
    clock measures how long a requester waits to hear something (issue 14): a move that says a
    word to them, asks them a question or finishes the work answers; a bare click on
    "Acknowledge" or "Start work" tells them nothing, and neither does cancelling. A message
    the requester sees, or picking a proposed time, answers too (comment(), pick_slot())."""
    if to == CANCELLED:
        return False
    return bool(message.strip()) or to in (WAITING, DONE)


def resolution_runs(status: str) -> bool:
    """The resolution clock runs while the request is open and nobody waits on its requester."""
    return status in lifecycle.OPEN and status != WAITING


class _Happened(Protocol):
    kind: str
    at: datetime


def pause_spans(events: Iterable[_Happened]) -> list[Span]:
    """The spans a request waited on its requester, from its events in order (at least its
    pauses and resumes): time that belongs to no hop."""
    spans, started = [], None
    for event in events:
        if event.kind == "paused":
            started = event.at
        elif event.kind == "resumed" and started is not None:
            spans.append(Span("requester", started, event.at))
            started = None
    if started is not None:
        spans.append(Span("requester", started, None))
    return spans


def utc(instant: datetime | None) -> datetime | None:
    # The calendar answers in its own zone; stored and recorded instants are UTC.
    return None if instant is None else instant.astimezone(UTC)


# -- the writes -----------------------------------------------------------------------------------


def create(
    *,
    requester_id: int,
    priority: str,
    at: datetime,
    targets: tuple[int, int] | None,
    provider_team_id: int | None,
    provider_person_id: int | None,
    needed_by: datetime | None = None,
    unblocks: Sequence[int] = (),
) -> Outcome:
    """A new request: its clocks start (`targets`: the promise's response and resolution
    business seconds), and it says which requests it unblocks."""
    response, resolution = (
        (None, None) if targets is None else (Clock.started(target=t, at=at) for t in targets)
    )
    life = RequestLife(
        status=NEW,
        response=response,
        resolution=resolution,
        provider_team_id=provider_team_id,
        provider_person_id=provider_person_id,
        needed_by=needed_by,
    )
    write = _Write(life, None)
    write.record("created", requester_id, at, priority=priority)
    for other in unblocks:
        write.record("linked", requester_id, at, unblocks=other)
    write.hop_started = Span(Holder(provider_team_id, provider_person_id), at, None)
    return write.outcome()


def change_status(
    life: RequestLife,
    terms: Terms,
    *,
    actor_id: int,
    sides: frozenset[Side],
    to: str,
    at: datetime,
    actor_name: str,
    message: str = "",
    decision: str = "",
) -> Outcome:
    """Move the request along its lifecycle, the clocks following. Raises
    lifecycle.IllegalTransition or lifecycle.NotYourMove for a move not to be made."""
    lifecycle.check_transition(life.status, to, sides)
    write = _Write(life, terms)
    write.status(to, actor_id, sides, at, message)
    if decision:
        write.life.decision, write.life.decision_reason = decision, message
        write.record("decided", actor_id, at, decision=decision, reason=message)
    if to != CANCELLED and life.status in lifecycle.OPEN:
        write.taken_by_acting(actor_id, actor_name, sides, at, "by acting on it")
    return write.outcome()


def comment(
    life: RequestLife,
    terms: Terms,
    *,
    actor_id: int,
    sides: frozenset[Side],
    body: str,
    at: datetime,
    actor_name: str,
    internal: bool = False,
) -> Outcome:
    """A message the requester sees (the provider's first one answers the request, the
    requester's one answers what the provider asked), or an internal note."""
    write = _Write(life, terms)
    write.record("note" if internal else "comment", actor_id, at, body=body)
    if not internal and Side.PROVIDER in sides and life.status in lifecycle.OPEN:
        write.responded(actor_id, at)
        write.taken_by_acting(actor_id, actor_name, sides, at, "by answering it")
    if not internal and sides == {Side.REQUESTER} and life.status == WAITING:
        write.status(IN_PROGRESS, actor_id, sides, at, "")
    return write.outcome()


def assign(
    life: RequestLife,
    *,
    person_id: int | None,
    person_name: str | None,
    actor_id: int | None,
    at: datetime,
    why: str,
) -> Outcome:
    """Give the request to a person (None: back to the queue); nothing to record if it is
    theirs already."""
    write = _Write(life, None)
    if person_id != life.assignee_id:
        write.assign(person_id, person_name, actor_id, at, why)
    return write.outcome()


def transfer(
    life: RequestLife,
    *,
    actor_id: int,
    team_id: int,
    team_name: str,
    from_name: str,
    at: datetime,
    message: str = "",
) -> Outcome:
    """Hand the request to another providing team: a new hop starts, and it waits there for
    someone to take it."""
    write = _Write(life, None)
    write.hop_ended_at = at
    write.hop_started = Span(Holder(team_id, None), at, None)
    write.life.provider_team_id, write.life.provider_person_id = team_id, None
    write.record(
        "transferred",
        actor_id,
        at,
        from_holder=from_name,
        to_team=team_id,
        to_name=team_name,
        message=message,
    )
    if life.assignee_id is not None:
        write.assign(None, None, actor_id, at, "moved to another team")
    return write.outcome()


def pick_slot(
    life: RequestLife,
    terms: Terms,
    *,
    actor_id: int,
    actor_name: str,
    slot: Mapping[str, str],
    at: datetime,
) -> Outcome:
    """The provider picks one of the proposed times: that answers the request."""
    write = _Write(life, terms)
    write.record("slot_picked", actor_id, at, **slot)
    if life.status in lifecycle.OPEN:
        write.responded(actor_id, at)
        write.taken_by_acting(actor_id, actor_name, _PROVIDER, at, "by picking the time")
    return write.outcome()


def split(
    life: RequestLife, *, actor_id: int, child_id: int, service_name: str, title: str, at: datetime
) -> Outcome:
    """The parent's side of splitting off a sub-request (the child is created on its own)."""
    write = _Write(life, None)
    write.record("subrequest", actor_id, at, child=child_id, service=service_name, title=title)
    return write.outcome()


def blocked_by(life: RequestLife, *, actor_id: int, blocker_id: int, at: datetime) -> Outcome:
    """A new request says it unblocks this one: news on this one's timeline."""
    write = _Write(life, None)
    write.record("linked", actor_id, at, blocked_by=blocker_id)
    return write.outcome()


def warn(life: RequestLife, terms: Terms, *, clock: str, at: datetime) -> Outcome:
    """The checker's warning: the share of the promise it warns at is used up."""
    write = _Write(life, terms)
    write.life.warned = life.warned | {clock}
    due_at = utc(_clock(life, clock).due(terms.calendar))
    write.record("warning", None, at, clock=clock, due_at=due_at.isoformat() if due_at else None)
    return write.outcome()


def breach(life: RequestLife, terms: Terms, *, clock: str, at: datetime) -> Outcome:
    """The checker's breach: the clock ran past its due time."""
    write = _Write(life, terms)
    write.breach(clock, at, due_at=utc(_clock(life, clock).due(terms.calendar)))
    return write.outcome()


def retime(
    life: RequestLife,
    terms: Terms,
    *,
    targets: tuple[int, int],
    calendar_before: Calendar,
    at: datetime,
    due_before: Mapping[str, datetime | None],
) -> Outcome:
    """Re-base the running clocks after their calendar or promise was edited at `at` (SPEC
    §3.2): the time used until then stays as counted on `calendar_before`. `due_before` is
    the due time each clock was known by; an event says which ones moved."""
    write = _Write(life, terms)
    moved = {}
    for name, target in zip(CLOCKS, targets, strict=True):
        clock = life.clock(name)
        if clock is None or (name == "response" and life.responded_at is not None):
            continue
        rebased = clock.rebased(calendar_before, at, target=target)
        setattr(write.life, name, rebased)
        before, after = due_before.get(name), utc(rebased.due(terms.calendar))
        if before != after:
            moved[name] = {
                "from": before.isoformat() if before else None,
                "to": after.isoformat() if after else None,
            }
    if moved:
        write.record("retimed", None, at, **moved)
    return write.outcome()


def _clock(life: RequestLife, name: str) -> Clock:
    clock = life.clock(name)
    if clock is None:
        raise ValueError(f"the request has no {name} clock")
    return clock


class _Write:
    """One write under way: a copy of the state to change and what it records."""

    __slots__ = ("events", "hop_ended_at", "hop_started", "life", "terms")

    def __init__(self, life: RequestLife, terms: Terms | None) -> None:
        self.life = life.copied()
        self.terms = terms
        self.events: list[LifeEvent] = []
        self.hop_ended_at: datetime | None = None
        self.hop_started: Span | None = None

    def outcome(self) -> Outcome:
        return Outcome(self.life, self.events, self.hop_ended_at, self.hop_started)

    def record(self, kind: str, actor_id: int | None, at: datetime, **data: Any) -> None:
        self.life.last_event_seq += 1
        self.events.append(LifeEvent(self.life.last_event_seq, kind, actor_id, at, data))

    def status(
        self, target: str, actor_id: int, sides: frozenset[Side], at: datetime, message: str
    ) -> None:
        life, calendar = self.life, self._terms.calendar
        previous = life.status
        life.status = target
        self.record("status", actor_id, at, **{"from": previous, "to": target, "message": message})
        if Side.PROVIDER in sides and answers_requester(target, message):
            self.responded(actor_id, at)
        reopening = lifecycle.is_reopening(previous, target)
        if reopening:
            life.done_at = life.cancelled_at = None
            life.early = life.slack_seconds = None
            # The resolution clock runs again: this run may be warned about and breached anew.
            life.warned = life.warned - {"resolution"}
            life.breached = life.breached - {"resolution"}
            self.hop_started = Span(
                Holder(life.provider_team_id, life.provider_person_id), at, None
            )
        if life.resolution is not None:
            if previous == WAITING or reopening:
                life.resolution = life.resolution.resumed(at)
            if previous == WAITING:
                paused = calendar.business_seconds_between(life.paused_since or at, at)
                life.paused_since = None
                self.record("resumed", actor_id, at, paused_business_seconds=paused)
            if target == WAITING:
                life.paused_since = at
                self.record("paused", actor_id, at)
                self.stop("resolution", at)
            elif target == DONE:
                self.stop("resolution", at)
            elif target == CANCELLED:
                life.resolution = life.resolution.paused(calendar, at)
        if target == CANCELLED:
            if life.response is not None and life.response.running:
                life.response = life.response.paused(calendar, at)
            life.cancelled_at = at
            self.hop_ended_at = at
        if target == DONE:
            life.done_at = at
            self.hop_ended_at = at
            if life.needed_by is not None:
                life.slack_seconds = int((life.needed_by - at).total_seconds())
                life.early = life.slack_seconds > 0
                if life.early:
                    self.record("early", None, at, slack_seconds=life.slack_seconds)

    def responded(self, actor_id: int, at: datetime) -> None:
        """The provider side's first reply or acknowledgement stops the response clock."""
        life = self.life
        if life.responded_at is not None:
            return
        life.responded_at = at
        if life.response is None:
            return
        used = life.response.used_at(self._terms.calendar, at)
        self.record(
            "responded",
            actor_id,
            at,
            business_seconds=used,
            within_promise=used <= life.response.target,
        )
        self.stop("response", at)

    def stop(self, name: str, at: datetime) -> None:
        """Stop (or pause) a running clock. One that ran past its due time before the checker
        came round has its breach recorded now, naming the due time it passed."""
        clock = self.life.clock(name)
        if clock is None or not clock.running:
            return
        calendar = self._terms.calendar
        stopped = clock.paused(calendar, at)
        setattr(self.life, name, stopped)
        if stopped.used > stopped.target and name not in self.life.breached:
            self.breach(name, at, due_at=utc(clock.due(calendar)))

    def breach(self, name: str, at: datetime, *, due_at: datetime | None) -> None:
        life, terms = self.life, self._terms
        data: dict[str, Any] = {"clock": name, "due_at": due_at.isoformat() if due_at else None}
        if name == "resolution":
            used = terms.time_by_holder(at)
            data["by_hop"] = {str(holder): seconds for holder, seconds in used.items()}
            data["attributed_to"] = str(weakest_hop(used)) if used else None
        lead = None if life.provider_team_id is None else terms.lead_of(life.provider_team_id)
        if lead is not None:
            data["escalated_to"] = lead
        life.breached = life.breached | {name}
        self.record("breach", None, at, **data)

    def taken_by_acting(
        self, actor_id: int, actor_name: str, sides: frozenset[Side], at: datetime, why: str
    ) -> None:
        """A provider who answers or moves a request nobody holds takes it (issue 14), so no
        request is answered or done with nobody holding it; the timeline says so."""
        if self.life.assignee_id is None and Side.PROVIDER in sides:
            self.assign(actor_id, actor_name, actor_id, at, why)

    def assign(
        self, person_id: int | None, name: str | None, actor_id: int | None, at: datetime, why: str
    ) -> None:
        before = self.life.assignee_id
        self.life.assignee_id = person_id
        self.record(
            "assigned", actor_id, at, to=person_id, to_name=name, **{"from": before}, why=why
        )

    @property
    def _terms(self) -> Terms:
        if self.terms is None:
            raise TypeError("this write moves no clock and takes no terms")
        return self.terms
