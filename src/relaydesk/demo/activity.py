"""The demo's request history: months of requests to the catalog's services, in every state.

Each request's life is simulated in plain Python: the simulation decides when what happens,
and every change goes through the lifecycle the services use (core.request_life), so the rows,
written with bulk inserts, are what `request_create`, `request_transition` and the other writes
in `servicerequests.services` would have made, with `clocks_check` running every minute, at a
small fraction of their cost.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from math import ceil, log
from random import Random
from typing import Any

from relaydesk.catalog.models import Service
from relaydesk.core import lifecycle, request_life
from relaydesk.core.businesstime import Calendar as BusinessCalendar
from relaydesk.core.clocks import Clock
from relaydesk.core.hops import Span, attribute_business_time, subrequest_holder
from relaydesk.core.lifecycle import Side
from relaydesk.core.request_life import CLOCKS, LifeEvent, Outcome, Terms
from relaydesk.directory.models import Party, Person, Team
from relaydesk.servicerequests.models import NOT_DUE

# -- what the simulation knows about the organisation ---------------------------------------


@dataclass(frozen=True)
class ServiceFacts:
    """One service as the simulation sees it: plain values, people and teams by id."""

    id: int
    slug: str
    name: str
    kind: str
    calendar: BusinessCalendar
    warning_percent: int
    confidential: bool
    promises: Mapping[str, tuple[int, int]]  # priority: (response, resolution) business seconds
    provider_team_id: int | None
    provider_person_id: int | None
    askers: frozenset[int] | None  # who may ask it; None: everyone
    provider_side: frozenset[int]  # who stands on its provider side whoever holds it
    requesters: tuple[int, ...]  # who may ask it and is active (its provider side aside)
    customers: tuple[int, ...]  # of those, its declared customers
    parties: tuple[int, ...]  # the external parties its work reaches, itself or down its chains
    upstream: tuple[int, ...]  # positions in World.services of the services that feed it
    transfer_teams: tuple[int, ...]  # teams up and down its chains it may be handed on to
    keywords: tuple[str, ...] = ()
    weight: float = 1.0  # popularity
    pace: float = 1.0  # above 1 slower than the usual team
    # Above 1: its team answers colleagues this much slower than work for an external party
    # (the demo's one team whose "the customer comes first" habit leaves colleagues waiting).
    internal_pace: float = 1.0


@dataclass(frozen=True)
class World:
    services: tuple[ServiceFacts, ...]
    people: Mapping[int, str]  # id: name
    parties: Mapping[int, str]
    team_names: Mapping[int, str]
    team_leads: Mapping[int, int | None]
    team_members: Mapping[int, frozenset[int]]  # everyone whose team it is
    handlers: Mapping[int, tuple[int, ...]]  # its active members, who work its queue
    leads_above: Mapping[int, frozenset[int]]  # the leads of a team and of every team above it
    admins: frozenset[int]
    external_first_team: int | None = None  # whose services run at an internal_pace


# -- what it produces ---------------------------------------------------------------------------


@dataclass(slots=True)
class HopRecord:
    team_id: int | None
    person_id: int | None
    started_at: datetime
    ended_at: datetime | None = None


@dataclass
class RequestRecord:
    fields: dict[str, Any]  # the Request model's fields by name, id included
    events: list[LifeEvent]
    hops: list[HopRecord]
    unblocks: tuple[int, ...] = ()


NEW = lifecycle.NEW
ACKNOWLEDGED = lifecycle.ACKNOWLEDGED
IN_PROGRESS = lifecycle.IN_PROGRESS
WAITING = lifecycle.WAITING
DONE = lifecycle.DONE
CANCELLED = lifecycle.CANCELLED
APPROVAL, FACE_TIME = Service.Kind.APPROVAL, Service.Kind.FACE_TIME
PRIORITIES = ("low", "normal", "high", "urgent")
# clocks_check's order within one run: per clock, the warning before the breach.
_CHECKS = (
    ("response", "warned"),
    ("response", "breached"),
    ("resolution", "warned"),
    ("resolution", "breached"),
)


_LATER: Any = object()


class _Stop(Exception):
    """The request's life goes no further: `now` has come, or it was left where it is."""


def _next_minute(instant: datetime) -> datetime:
    # clocks_check runs every minute: a due time is recorded at the first run not before it.
    seconds = int(instant.timestamp())
    up = -(-seconds // 60) * 60
    return instant if up == seconds else datetime.fromtimestamp(up, UTC)


class _Life:
    """One request as the services keep it, moved by the same lifecycle (core.request_life),
    in memory."""

    def __init__(
        self,
        world: World,
        service: ServiceFacts,
        *,
        request_id: int,
        now: datetime,
        requester_id: int,
        created_at: datetime,
        title: str,
        details: str,
        priority: str,
        needed_by: datetime | None,
        party_id: int | None,
        parent_id: int | None,
        proposed_slots: list[dict[str, str]],
        unblocks: tuple[int, ...],
    ) -> None:
        self.world, self.service, self.now = world, service, now
        self.calendar = service.calendar
        self.id = request_id
        self.requester_id = requester_id
        self.created_at = created_at
        self.title, self.details, self.priority = title, details, priority
        self.party_id, self.parent_id = party_id, parent_id
        self.proposed_slots, self.unblocks = proposed_slots, unblocks
        self.terms = Terms(
            calendar=service.calendar,
            warning_percent=service.warning_percent,
            time_by_holder=self._time_by_holder,
            lead_of=world.team_leads.get,
        )
        self.slot_start: datetime | None = None
        self.slot_end: datetime | None = None
        self.version = 1
        self.events: list[LifeEvent] = []
        self.hops: list[HopRecord] = []
        self.children: list[RequestRecord] = []
        # When each clock falls due and warns: worked out when first needed (_LATER till then).
        self.due: dict[str, Any] = dict.fromkeys(CLOCKS, _LATER)
        self.warn: dict[str, Any] = dict.fromkeys(CLOCKS, _LATER)
        self._earliest: datetime | None = None  # of the checker's pending instants
        self._exact = False  # _earliest is exact, or only a lower bound
        # Runs and pauses as the resolution clock does, with or without a promise: the
        # simulation measures the work in it.
        self.work = Clock.started(target=0, at=created_at)
        self.t = created_at  # when the last thing happened
        # request_create: clocks, the created event and its links, the first hop, routing.
        born = request_life.create(
            requester_id=requester_id,
            priority=priority,
            at=created_at,
            targets=service.promises.get(priority),
            provider_team_id=service.provider_team_id,
            provider_person_id=service.provider_person_id,
            needed_by=needed_by,
            # A sub-request unblocks its parent through being its child, not through a link.
            unblocks=unblocks if parent_id is None else (),
        )
        self.state = born.life
        self._keep(born, created_at)
        if service.provider_person_id is not None:
            provider = service.provider_person_id
            routed = request_life.assign(
                self.state,
                person_id=provider,
                person_name=world.people[provider],
                actor_id=None,
                at=created_at,
                why="the provider",
            )
            self._keep(routed, created_at)

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def assignee_id(self) -> int | None:
        return self.state.assignee_id

    @property
    def provider_team_id(self) -> int | None:
        return self.state.provider_team_id

    @property
    def provider_person_id(self) -> int | None:
        return self.state.provider_person_id

    # -- the writes, as servicerequests.services makes them ----------------------------------

    def begin(self, at: datetime) -> datetime:
        """Start one write at `at` (never before the last): the checker's runs come first."""
        at = max(at, self.t)
        if at > self.now:
            raise _Stop
        self._check(at)
        self.t = at
        self.version += 1  # _locked saves the request with its version bumped
        return at

    def transition(
        self, actor: int, to: str, at: datetime, *, message: str = "", decision: str = ""
    ) -> None:
        at = self.begin(at)
        moved = request_life.change_status(
            self.state,
            self.terms,
            actor_id=actor,
            sides=self.sides(actor),
            to=to,
            at=at,
            actor_name=self.world.people[actor],
            message=message,
            decision=decision,
        )
        self._keep(moved, at)

    def comment(self, actor: int, body: str, at: datetime, *, internal: bool = False) -> None:
        at = self.begin(at)
        written = request_life.comment(
            self.state,
            self.terms,
            actor_id=actor,
            sides=self.sides(actor),
            body=body,
            internal=internal,
            at=at,
            actor_name=self.world.people[actor],
        )
        self._keep(written, at)

    def assign(self, actor: int, person: int, at: datetime) -> None:
        at = self.begin(at)
        assigned = request_life.assign(
            self.state,
            person_id=person,
            person_name=self.world.people[person],
            actor_id=actor,
            at=at,
            why="",
        )
        self._keep(assigned, at)

    def transfer(self, actor: int, team: int, at: datetime, message: str) -> None:
        at = self.begin(at)
        moved = request_life.transfer(
            self.state,
            actor_id=actor,
            team_id=team,
            team_name=self.world.team_names[team],
            from_name=self.holder_name(self.provider_team_id, self.provider_person_id),
            message=message,
            at=at,
        )
        self._keep(moved, at)

    def split(self, actor: int, service_name: str, child: RequestRecord, at: datetime) -> None:
        """The parent's side of subrequest_create (the child lives on its own)."""
        self.children.append(child)
        split = request_life.split(
            self.state,
            actor_id=actor,
            child_id=child.fields["id"],
            service_name=service_name,
            title=child.fields["title"],
            at=at,
        )
        self._keep(split, at)

    def blocked_by(self, actor: int, blocker: RequestRecord, at: datetime) -> None:
        """The news of request_create on the request a new one unblocks: its version stays."""
        at = max(at, self.t)
        self._check(at)
        self.t = at
        linked = request_life.blocked_by(
            self.state, actor_id=actor, blocker_id=blocker.fields["id"], at=at
        )
        self._keep(linked, at)

    def pick_slot(self, actor: int, index: int, at: datetime) -> None:
        at = self.begin(at)
        slot = self.proposed_slots[index]
        self.slot_start = datetime.fromisoformat(slot["start"])
        self.slot_end = datetime.fromisoformat(slot["end"])
        picked = request_life.pick_slot(
            self.state,
            self.terms,
            actor_id=actor,
            actor_name=self.world.people[actor],
            slot=slot,
            at=at,
        )
        self._keep(picked, at)

    def finish(self) -> RequestRecord:
        """The request as it stands at `now`, after the checker's last run."""
        self._check(self.now, final=True)
        return self._as_record()

    # -- who, when --------------------------------------------------------------------------

    def sides(self, person: int) -> frozenset[Side]:
        sides = set()
        if person == self.requester_id:
            sides.add(Side.REQUESTER)
        if self.provides(person):
            sides.add(Side.PROVIDER)
        return frozenset(sides)

    def provides(self, person: int) -> bool:
        world, confidential = self.world, self.service.confidential
        if person in (self.assignee_id, self.provider_person_id):
            return True
        team = self.provider_team_id
        if team is None:
            return person in world.admins and not confidential
        if person in world.leads_above[team]:
            return True
        if confidential:
            return False
        return person in world.team_members[team] or person in world.admins

    def handler(self) -> int | None:
        """Who acts for the provider side now."""
        if self.assignee_id is not None:
            return self.assignee_id
        if self.provider_person_id is not None:
            return self.provider_person_id
        team = self.provider_team_id
        return self.world.team_leads.get(team) or next(iter(self.world.handlers[team]), None)

    def instant_at(self, used: float) -> datetime:
        """When the work (the resolution clock's time) will have reached `used` seconds."""
        since = self.work.running_since
        assert since is not None, "the work is paused"
        return self.calendar.due(since, max(round(used) - self.work.used, 0)).astimezone(UTC)

    def after(self, at: datetime, business_seconds: int) -> datetime:
        return self.calendar.due(at, business_seconds).astimezone(UTC)

    def holder_name(self, team: int | None, person: int | None) -> str:
        return self.world.team_names[team] if team is not None else self.world.people[person]

    # -- keeping what the lifecycle returns, and the checker ---------------------------------

    def _keep(self, outcome: Outcome, at: datetime) -> None:
        before, state = self.state, outcome.life
        self.state = state
        for name in CLOCKS:
            clock = state.clock(name)
            if clock != before.clock(name):
                running = clock is not None and clock.running
                self.due[name] = self.warn[name] = _LATER if running else None
                self._earliest = None
        if state.warned != before.warned or state.breached != before.breached:
            self._earliest = None
        if state.status != before.status:
            runs = request_life.resolution_runs(state.status)
            self.work = self.work.resumed(at) if runs else self.work.paused(self.calendar, at)
        self.events.extend(outcome.events)
        if outcome.hop_ended_at is not None:
            for hop in self.hops:
                if hop.ended_at is None:
                    hop.ended_at = outcome.hop_ended_at
        if outcome.hop_started is not None:
            team_id, person_id = outcome.hop_started.holder
            self.hops.append(HopRecord(team_id, person_id, outcome.hop_started.start))

    def _check(self, until: datetime, *, final: bool = False) -> None:
        """clocks_check's runs up to `until`; the final run, at `now`, takes whatever is due."""
        if self.status not in lifecycle.OPEN:
            return
        if self._earliest is None:  # known until a clock or a flag changes
            self._earliest, self._exact = self._earliest_check(exact=False), False
        if until < self._earliest:  # nothing is due yet: the usual case
            return
        if not self._exact:
            self._earliest, self._exact = self._earliest_check(exact=True), True
            if until < self._earliest:
                return
        pending = []
        for order, (name, flag) in enumerate(_CHECKS):
            clock = self.state.clock(name)
            if clock is None or not clock.running or self._flagged(name, flag):
                continue
            instant = self._warn(name) if flag == "warned" else self._due(name)
            run = _next_minute(instant)
            if final:
                if instant > until:
                    continue
                run = min(run, until)
            elif run > until:
                continue
            pending.append((run, order, name, flag))
        for at, _, name, flag in sorted(pending):
            check = request_life.warn if flag == "warned" else request_life.breach
            # Its version stays: a warning is no reason to refuse the next person's action.
            self._keep(check(self.state, self.terms, clock=name, at=at), at)
            self.t = max(self.t, at)

    def _flagged(self, name: str, flag: str) -> bool:
        return name in (self.state.warned if flag == "warned" else self.state.breached)

    def _earliest_check(self, *, exact: bool) -> datetime:
        """The earliest instant at which the checker has something to record, or (not
        `exact`) an instant no later than that, found without the calendar: n business
        seconds take at least n seconds."""
        instants = []
        percent = self.service.warning_percent
        for name in CLOCKS:
            clock = self.state.clock(name)
            if clock is None or not clock.running:
                continue
            since, used = clock.running_since, clock.used
            if name not in self.state.warned:
                threshold = ceil(clock.target * percent / 100)
                instants.append(
                    self._warn(name) if exact else since + timedelta(seconds=threshold - used)
                )
                if percent <= 100:
                    continue  # the warning comes first
            if name not in self.state.breached:
                instants.append(
                    self._due(name) if exact else since + timedelta(seconds=clock.target - used)
                )
        return min(instants, default=NOT_DUE)

    def _due(self, name: str) -> datetime | None:
        if self.due[name] is _LATER:
            self.due[name] = request_life.utc(self.state.clock(name).due(self.calendar))
        return self.due[name]

    def _warn(self, name: str) -> datetime | None:
        if self.warn[name] is _LATER:
            percent = self.service.warning_percent
            clock = self.state.clock(name)
            self.warn[name] = request_life.utc(clock.warning_due(self.calendar, percent))
        return self.warn[name]

    def _time_by_holder(self, until: datetime) -> dict[Hashable, int]:
        return attribute_business_time(
            self.calendar,
            hops=[
                Span(self.holder_name(h.team_id, h.person_id), h.started_at, h.ended_at)
                for h in self.hops
            ],
            subrequests=[self._child_span(child) for child in self.children],
            pauses=request_life.pause_spans(self.events),
            until=until,
        )

    def _child_span(self, child: RequestRecord) -> Span:
        f = child.fields
        holder = self.holder_name(f["provider_team_id"], f["provider_person_id"])
        return Span(
            subrequest_holder(holder, f["id"]),
            f["created_at"],
            f["done_at"] or f["cancelled_at"],
        )

    def _as_record(self) -> RequestRecord:
        state = self.state
        fields: dict[str, Any] = {
            "id": self.id,
            "service_id": self.service.id,
            "requester_id": self.requester_id,
            "title": self.title,
            "details": self.details,
            "priority": self.priority,
            "needed_by": state.needed_by,
            "party_id": self.party_id,
            "parent_id": self.parent_id,
            "status": state.status,
            "confidential": self.service.confidential,
            "provider_team_id": state.provider_team_id,
            "provider_person_id": state.provider_person_id,
            "assignee_id": state.assignee_id,
            "decision": state.decision,
            "decision_reason": state.decision_reason,
            "proposed_slots": self.proposed_slots,
            "slot_start": self.slot_start,
            "slot_end": self.slot_end,
            "created_at": self.created_at,
            "responded_at": state.responded_at,
            "done_at": state.done_at,
            "cancelled_at": state.cancelled_at,
            "early": state.early,
            "slack_seconds": state.slack_seconds,
            "version": self.version,
            "last_event_seq": state.last_event_seq,
        }
        for name in CLOCKS:
            clock = state.clock(name)
            fields[f"{name}_target"] = None if clock is None else clock.target
            fields[f"{name}_used"] = 0 if clock is None else clock.used
            fields[f"{name}_running_since"] = None if clock is None else clock.running_since
            fields[f"{name}_due_at"] = self._due(name) if clock is not None else None
            fields[f"{name}_warn_at"] = self._warn(name) if clock is not None else None
            fields[f"{name}_warned"] = name in state.warned
            fields[f"{name}_breached"] = name in state.breached
        dues = [self._due(name) for name in CLOCKS if state.clock(name) is not None]
        dues = [due for due in dues if due is not None]
        fields["queue_due_at"] = min(dues, default=NOT_DUE)
        return RequestRecord(fields, self.events, self.hops, self.unblocks)


# -- one request's life -------------------------------------------------------------------------


def simulate_request(
    world: World,
    service: ServiceFacts,
    rng: Random,
    *,
    request_id: int,
    created_at: datetime,
    now: datetime,
    requester_id: int | None = None,
    priority: str | None = None,
    party_id: int | None = None,
    parent_id: int | None = None,
    unblocks: tuple[int, ...] = (),
    spawn: int = 2,
) -> list[RequestRecord]:
    """Live one request from `created_at` up to `now`.

    Returns its record first, then those of the requests it spawned on the way (at most
    `spawn`: sub-requests and the upstream requests that unblock it), numbered on from
    `request_id`. Deterministic for the generator's state; touches no database.
    """
    calendar = service.calendar
    if requester_id is None:
        pool = service.customers if service.customers and rng.random() < 0.75 else None
        requester_id = rng.choice(pool or service.requesters)
        while requester_id in service.provider_side:  # in the list everyone may ask from
            requester_id = rng.choice(service.requesters)
    if priority is None:
        offered = [p for p in PRIORITIES if p in service.promises] or ["normal"]
        priority = rng.choices(offered, [_PRIORITY_WEIGHTS[p] for p in offered])[0]
    top = parent_id is None and not unblocks
    if top and service.parties and rng.random() < 0.7:
        party_id = rng.choice(service.parties)
    response_target, resolution_target = service.promises.get(priority, _NO_PROMISE)
    needed_by = None
    if top and rng.random() < 0.35:
        needed_by = _needed_by(rng, calendar, created_at, resolution_target)
    slots = _proposed_slots(rng, calendar, created_at) if service.kind == FACE_TIME else []
    fill = _Fill(rng, party=world.parties[party_id] if party_id else None)
    life = _Life(
        world,
        service,
        request_id=request_id,
        now=now,
        requester_id=requester_id,
        created_at=created_at,
        title=_title(service, fill),
        details=_text(rng, DETAILS, fill) if rng.random() < 0.7 else "",
        priority=priority,
        needed_by=needed_by,
        party_id=party_id,
        parent_id=parent_id,
        proposed_slots=slots,
        unblocks=unblocks,
    )
    spawned: list[RequestRecord] = []
    with suppress(_Stop):
        _live(life, rng, fill, (response_target, resolution_target), top, spawn, spawned)
    return [life.finish(), *spawned]


_NO_PROMISE = (4 * 3600, 16 * 3600)  # a service without promises is still worked at some pace
_PRIORITY_WEIGHTS = {"low": 0.1, "normal": 0.72, "high": 0.1, "urgent": 0.08}


def _live(
    life: _Life,
    rng: Random,
    fill: _Fill,
    targets: tuple[int, int],
    top: bool,
    spawn: int,
    spawned: list[RequestRecord],
) -> None:
    """The provider takes it, answers, works, asks, hands on, splits, finishes — or not."""
    service, world = life.service, life.world
    response_target, resolution_target = targets
    slower = service.internal_pace if life.party_id is None else 1.0
    answer = max(60, round(response_target * slower * rng.lognormvariate(log(0.3), 0.9)))
    work = round(resolution_target * slower * rng.lognormvariate(log(0.38 * service.pace), 0.7))
    work = max(work, answer + 300)
    start = answer + (work - answer) * rng.uniform(0.0, 0.25)

    def during() -> float:
        return rng.uniform(start, work)

    steps: list[tuple[float, str]] = []
    if life.assignee_id is None:
        steps.append((answer * rng.uniform(0.1, 0.95), "take"))
    steps.append((answer, "respond"))
    if service.kind != FACE_TIME:
        steps.append((start, "start"))
    for chance, step in ((0.16, "wait"), (0.04, "wait"), (0.25, "note"), (0.2, "update")):
        if rng.random() < chance:
            steps.append((during(), step))
    if rng.random() < 0.08:
        steps.append((during(), "nudge"))
    if life.provider_team_id is not None and rng.random() < 0.04:
        steps.append((during(), "reassign"))
    if top and service.transfer_teams and rng.random() < 0.08:
        steps.append((during(), "transfer"))
    if spawn and service.upstream and rng.random() < 0.12:
        steps.append((during(), "split" if rng.random() < 0.5 else "link"))
    ending = rng.random()
    if ending < 0.03:
        steps.append((rng.uniform(0, work), "withdraw"))
    elif ending < 0.04:
        steps.append((rng.uniform(answer, work), "duplicate"))
    # Some recent requests are simply left: never answered, stuck, or never replied to.
    if rng.random() < (0.05 if life.now - life.created_at < timedelta(days=60) else 0.003):
        stage = rng.randrange(4)
        mark = (
            rng.uniform(0, answer),
            rng.uniform(answer, start + 1),
            during(),
            during(),
        )[stage]
        steps.append((mark, "hang" if stage == 3 else "stall"))
    steps.append((work, "done"))
    steps.sort(key=lambda step: step[0])  # stable: at equal marks, in the order listed

    blockers: list[RequestRecord] = []
    for mark, step in steps:
        handler = life.handler()
        if step == "take":
            _take(life, rng, life.instant_at(mark))
        elif step == "respond":
            at = life.instant_at(mark)
            if life.proposed_slots:
                later = [i for i, s in enumerate(life.proposed_slots) if _starts_after(s, at)]
                life.pick_slot(handler, later[0] if later else len(life.proposed_slots) - 1, at)
            elif (r := rng.random()) < 0.55:
                # A bare click is no first answer (core.request_life.answers_requester).
                life.transition(handler, ACKNOWLEDGED, at, message=ACKNOWLEDGEMENT)
            elif r < 0.8:
                life.comment(handler, _text(rng, REPLIES, fill), at)
            else:
                life.transition(handler, IN_PROGRESS, at, message=STARTED)
        elif step == "start":
            if life.status != IN_PROGRESS:
                life.transition(handler, IN_PROGRESS, life.instant_at(mark))
        elif step in ("wait", "hang"):
            question, answer = rng.choice(QUESTIONS)
            life.transition(handler, WAITING, life.instant_at(mark), message=question)
            if step == "hang":
                raise _Stop
            reply_at = life.after(life.t, round(rng.lognormvariate(log(3 * 3600), 1.1)))
            if rng.random() < 0.88:
                life.comment(life.requester_id, answer.format_map(fill), reply_at)
                if life.status == WAITING:  # a requester on both sides moves it back up
                    life.transition(life.requester_id, IN_PROGRESS, reply_at)
            else:
                life.transition(handler, IN_PROGRESS, reply_at, message=_text(rng, RESUME, fill))
        elif step in ("note", "update"):
            text = _text(rng, NOTES if step == "note" else UPDATES, fill)
            life.comment(handler, text, life.instant_at(mark), internal=step == "note")
        elif step == "nudge":
            life.comment(life.requester_id, _text(rng, NUDGES, fill), life.instant_at(mark))
        elif step == "reassign":
            team = life.provider_team_id
            other = _one_of(rng, world.handlers[team], but=(handler, life.requester_id))
            lead = world.team_leads.get(team)
            if other is not None and lead is not None:
                life.assign(lead, other, life.instant_at(mark))
        elif step == "transfer":
            _transfer(life, rng, fill, handler, life.instant_at(mark))
        elif step in ("split", "link"):
            upstream = _upstream(life, rng, handler)
            if upstream is None:
                continue
            at = life.instant_at(mark)
            if step == "split":
                at = life.begin(at)  # subrequest_create locks the parent and bumps it
            elif max(at, life.t) > life.now:
                raise _Stop
            priority = life.priority if life.priority in upstream.promises else None
            (child,) = simulate_request(
                world,
                upstream,
                rng,
                request_id=life.id + 1 + len(spawned),
                created_at=max(at, life.t),
                now=life.now,
                requester_id=handler,
                priority=priority,
                party_id=life.party_id,
                parent_id=life.id if step == "split" else None,
                unblocks=(life.id,),
                spawn=0,
            )
            if step == "split":
                life.split(handler, upstream.name, child, at)
            else:
                life.blocked_by(handler, child, child.fields["created_at"])
            blockers.append(child)
            spawned.append(child)
        elif step == "withdraw":
            reason = _text(rng, WITHDRAWN, fill)
            life.transition(life.requester_id, CANCELLED, life.instant_at(mark), message=reason)
            raise _Stop
        elif step == "duplicate":
            reason = _text(rng, DUPLICATE, fill)
            life.transition(handler, CANCELLED, life.instant_at(mark), message=reason)
            raise _Stop
        elif step == "stall":
            raise _Stop
        elif step == "done":
            _done(life, rng, fill, handler, life.instant_at(mark), blockers)
    if top and service.kind not in (APPROVAL, FACE_TIME) and rng.random() < 0.03:
        _reopen(life, rng, fill, resolution_target)


def _take(life: _Life, rng: Random, at: datetime) -> None:
    """A team member takes the request, or the lead gives it to one."""
    world, team = life.world, life.provider_team_id
    lead = world.team_leads.get(team)
    person = _one_of(rng, world.handlers[team], but=(life.requester_id,))
    if life.service.confidential and lead is not None:
        # Only the lead sees a confidential request until it is given to someone.
        person = lead if person is None or rng.random() < 0.5 else person
        life.assign(lead, person, at)
        return
    if person is None:
        raise _Stop  # nobody to take it: it waits in the team queue
    life.assign(person if lead is None or rng.random() < 0.7 else lead, person, at)


def _one_of(rng: Random, people: Sequence[int], *, but: tuple[int, ...]) -> int | None:
    """Anyone of `people` but those named, all equally likely; None if there is nobody.
    Teams run to hundreds: drawing again is cheaper than leaving the few out first."""
    if len(people) <= len(but) and set(people) <= set(but):
        return None
    while (person := rng.choice(people)) in but:
        pass
    return person


def _transfer(life: _Life, rng: Random, fill: _Fill, handler: int, at: datetime) -> None:
    world, requester = life.world, life.requester_id
    teams = [
        team
        for team in life.service.transfer_teams
        if team != life.provider_team_id
        and world.handlers[team]
        and requester not in world.team_members[team]
        and requester not in world.leads_above[team]
    ]
    if not teams:
        return
    team = rng.choice(teams)
    fill["team"] = world.team_names[team]
    life.transfer(handler, team, at, _text(rng, HAND_ON, fill))
    _take(life, rng, life.after(life.t, rng.randint(300, 3 * 3600)))


def _upstream(life: _Life, rng: Random, actor: int) -> ServiceFacts | None:
    """A service feeding this one that the provider may ask, and is not the provider of."""
    services = life.world.services
    options = [
        services[index]
        for index in life.service.upstream
        if (services[index].askers is None or actor in services[index].askers)
        and actor not in services[index].provider_side
    ]
    return rng.choice(options) if options else None


def _done(
    life: _Life,
    rng: Random,
    fill: _Fill,
    handler: int,
    at: datetime,
    blockers: Sequence[RequestRecord],
) -> None:
    for blocker in blockers:
        status, done_at = blocker.fields["status"], blocker.fields["done_at"]
        if status in lifecycle.OPEN:
            raise _Stop  # it cannot move on before what it waits for is done
        if done_at is not None:
            at = max(at, life.after(done_at, rng.randint(600, 4 * 3600)))
    if life.slot_end is not None:
        at = max(at, life.after(life.slot_end, rng.randint(300, 2 * 3600)))
    if life.service.kind == APPROVAL:
        approved = rng.random() < 0.82
        reason = _text(rng, APPROVED if approved else DECLINED, fill)
        decision = "approved" if approved else "declined"
        life.transition(handler, DONE, at, message=reason, decision=decision)
    else:
        life.transition(handler, DONE, at, message=_text(rng, FINISHED, fill))


def _reopen(life: _Life, rng: Random, fill: _Fill, resolution_target: int) -> None:
    """The requester says it is not finished after all; the provider finishes it again."""
    with suppress(_Stop):
        at = life.after(life.t, round(rng.lognormvariate(log(3 * 3600), 0.8)))
        life.transition(life.requester_id, IN_PROGRESS, at, message=_text(rng, REOPENED, fill))
        handler = life.handler()
        if rng.random() < 0.6:
            life.comment(
                handler, _text(rng, AGAIN, fill), life.after(life.t, rng.randint(60, 3600))
            )
        extra = round(resolution_target * rng.lognormvariate(log(0.12), 0.6))
        at = life.instant_at(life.work.used + extra)
        life.transition(handler, DONE, at, message=_text(rng, FINISHED, fill))


def _starts_after(slot: Mapping[str, str], at: datetime) -> bool:
    return datetime.fromisoformat(slot["start"]) > at


def _needed_by(
    rng: Random, calendar: BusinessCalendar, created_at: datetime, resolution_target: int
) -> datetime:
    """The requester's date: sometimes sooner than the promise, mostly a little after it."""
    promised = calendar.due(created_at, resolution_target).astimezone(UTC)
    if rng.random() < 0.3:
        wanted = created_at + (promised - created_at) * rng.uniform(0.3, 0.9)
    else:
        wanted = promised + timedelta(seconds=resolution_target * rng.uniform(0.0, 1.5))
    on_the_hour = wanted.replace(minute=0, second=0) + timedelta(hours=1)
    return max(on_the_hour, created_at + timedelta(hours=1))


def _proposed_slots(
    rng: Random, calendar: BusinessCalendar, created_at: datetime
) -> list[dict[str, str]]:
    """Two or three times to meet, on the hour, a few working days ahead, in local time."""
    starts = set()
    for _ in range(rng.randint(2, 3)):
        start = calendar.due(created_at, rng.randint(4, 40) * 3600)
        starts.add(start.replace(minute=0, second=0) + timedelta(hours=1))
    length = timedelta(minutes=rng.choice((30, 60)))
    return [
        {"start": start.isoformat(), "end": (start + length).isoformat()}
        for start in sorted(starts, key=lambda s: s.timestamp())
    ]


# -- words --------------------------------------------------------------------------------------


class _Fill(dict):
    """Fills a template's {placeholders}, drawing each one at most once per request."""

    def __init__(self, rng: Random, *, party: str | None) -> None:
        super().__init__()
        self.rng = rng
        if party is not None:
            self["party"] = party

    def __missing__(self, key: str) -> str:
        value = str(_FILLERS[key](self.rng))
        self[key] = value
        return value


def _pick(*options: object) -> Callable[[Random], object]:
    return lambda rng: rng.choice(options)


# Spelled out rather than taken from the locale, so that a seed gives the same words anywhere.
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_FILLERS: dict[str, Callable[[Random], object]] = {
    "n": _pick(2, 3, 4, 6, 8, 12, 20, 24, 40, 60),
    "order": lambda rng: f"KO-{rng.randint(24000, 39999)}",
    "po": lambda rng: f"PO-{rng.randint(70000, 89999)}",
    "vin": lambda rng: f"KM{rng.randint(200000, 299999)}",
    "claim": lambda rng: f"WC-{rng.randint(1000, 4999)}",
    "delivery": lambda rng: f"DN-{rng.randint(500000, 599999)}",
    "station": lambda rng: f"{rng.choice('ABCD')}{rng.randint(1, 24)}",
    "week": lambda rng: rng.randint(1, 52),
    "model": _pick("K3 hatchback", "K5 estate", "Kargo van", "Kargo crew van"),
    "colour": _pick("Fjord Blue", "Graphite Grey", "Glacier White", "Ember Red", "Moss Green"),
    "part": _pick(
        "M12 wheel bolts",
        "16-inch steel wheels",
        "all-season tyres",
        "door seals",
        "wiring looms",
        "seat frames",
        "windscreens",
        "brake callipers",
    ),
    "defect": _pick(
        "Loose trim clip",
        "Wheel bolt under torque",
        "Paint run on the tailgate",
        "Misaligned door",
        "Water leak at the windscreen",
        "Rattle in the dashboard",
    ),
    "system": _pick("the ERP", "the quality database", "the dealer portal", "the MES", "email"),
    "course": _pick("Forklift", "First aid", "Line safety", "Fire warden"),
    "role": _pick("line technician", "paint specialist", "buyer", "quality engineer"),
    "city": _pick("Stuttgart", "Lyon", "Turin", "Rotterdam", "Gdansk"),
    "amount": lambda rng: rng.randrange(80, 2400, 10),
    "month": _pick(*MONTHS),
    "liquid": _pick("Oil", "Coolant", "Hydraulic fluid", "Paint"),
    "area": _pick("the paint shop entrance", "dock 3", "the canteen", "hall B", "the body shop"),
    "party": _pick("a dealer", "a fleet customer"),
    "team": _pick("the team upstream"),
}

# Titles by service slug; any other service gets one made from its name and keywords.
TITLES: dict[str, tuple[str, ...]] = {
    "dealer-order-intake": (
        "{n} x {model} for {party}",
        "Order {order}: {model} in {colour}",
        "Change of spec on order {order}",
    ),
    "production-scheduling": (
        "Build slot for order {order} ({n} x {model})",
        "Move order {order} to week {week}",
    ),
    "purchase-order-approval": ("{po}: {n} pallets of {part}", "{po} over my limit: {part}"),
    "supplier-order": ("Order {n} pallets of {part}", "Chase the late delivery of {part}"),
    "inbound-parts": ("Delivery {delivery}: {n} pallets of {part}", "Check in {part}"),
    "line-parts-supply": ("Station {station} running low on {part}", "{part} to station {station}"),
    "body-in-white": ("Body shell for order {order}", "Weld {n} bodies for week {week}"),
    "paint-job": ("Paint {n} bodies {colour}", "{colour} body for order {order}"),
    "paint-defect-rework": ("Paint run on {vin}", "Scratch on the door of {vin}"),
    "final-assembly": ("Assemble {vin} ({model}, {colour})", "Order {order}: {n} x {model}"),
    "wheel-fitting-advice": (
        "Torque for the {model}'s alloy wheels?",
        "Tyre pressure for the {model} on winter tyres",
    ),
    "end-of-line-inspection": ("Inspect {vin}", "Re-inspect {vin} after rework"),
    "vehicle-release": ("Release {vin} to {party}", "Release {n} vehicles of order {order}"),
    "dealer-delivery": ("Deliver order {order} to {party}", "Truck for {n} x {model}"),
    "warranty-claim-analysis": ("Claim {claim}: {defect}", "Claim {claim} from {party}"),
    "quality-defect-report": ("{defect} at station {station}", "{defect} on {vin}"),
    "dealer-feedback-digest": (
        "Dealer feedback for {month}",
        "What {party} says about the {model}",
    ),
    "welding-process-advice": (
        "Spot-weld schedule for the {model} sill",
        "Weld spatter at station {station}",
    ),
    "colour-matching-advice": (
        "Match {colour} for a repair on {vin}",
        "Livery colours for {party}",
    ),
    "hiring-approval": ("Open a {role} position", "Replace a leaving {role}"),
    "grievance": ("A concern I'd like to discuss", "Something that happened on the night shift"),
    "safety-training": ("{course} course for {n} people", "Book me on the {course} course"),
    "payroll-question": ("Overtime missing from my {month} payslip", "Shift allowance question"),
    "expense-approval": ("Trip to {city}: {amount} €", "Expenses for the {city} supplier visit"),
    "budget-review": ("Budget review for {month}", "Forecast check before {month}"),
    "laptop-request": ("Laptop for a new starter", "Replacement phone: screen broken"),
    "password-reset": ("Locked out of {system}", "Password reset for {system}"),
    "line-terminal-fault": (
        "Scanner at station {station} not reading",
        "Label printer at station {station} jammed",
        "Terminal at station {station} frozen",
    ),
    "system-access": ("Access to {system}", "Read access to {system} for reporting"),
    "spill-cleanup": ("{liquid} spill at station {station}", "Broken glass near {area}"),
    "cleaning-crew-handover": ("Night handover: {area}", "{area} closed tonight"),
    "meeting-room-setup": (
        "Room for {n} people: {party} visit",
        "Screen and coffee, {month} review",
    ),
    "ergonomics-check": ("Workstation check at station {station}", "My desk hurts my back"),
}
DETAILS = (
    "Needed for {party}'s order {order}.",
    "See the photo in the shared folder.",
    "The morning shift needs this first thing.",
    "Same as last time, please.",
    "Station {station}, line {n}.",
    "Ask me if anything is unclear.",
)
REPLIES = (
    "Got it, looking at it now.",
    "Thanks, we'll take care of it.",
    "Seen; starting after the current job.",
)
# What the provider asks while the clock is paused, and what the requester answers.
QUESTIONS = (
    ("Which order number is this for?", "Order {order}, sorry."),
    ("Can you send a photo of the problem?", "Photo is in the shared folder."),
    ("Which station exactly?", "Station {station}."),
    ("Who approves the cost on your side?", "My manager has agreed."),
    ("Can you confirm the quantity?", "Confirmed: {n}."),
)
ACKNOWLEDGEMENT = "Thanks, we have it and will come back to you."
STARTED = "Working on it now."
RESUME = ("Found what I needed in the order system.", "Going ahead with the usual settings.")
NOTES = (
    "Supplier promises Thursday.",
    "We have the part in stock.",
    "Same cause as last month's case.",
    "Doing this at the shift change.",
    "Check the {part} batch too.",
)
UPDATES = ("Parts ordered, arriving tomorrow.", "Halfway there.", "Should be done today.")
NUDGES = ("Any news on this?", "This is holding up the line now.", "Where does this stand?")
HAND_ON = ("This is for {team}.", "The cause is upstream; handing over to {team}.")
FINISHED = ("Done.", "Done, please check.", "Fixed and tested.", "", "")
APPROVED = ("Within budget.", "Approved as asked.", "Approved; the case is clear.")
DECLINED = ("Over budget this quarter.", "Needs a second quote first.", "Not covered by policy.")
WITHDRAWN = ("No longer needed.", "Sorted it out myself.", "Raised twice by mistake.", "")
DUPLICATE = ("Duplicate of an earlier request.", "Already handled under another request.")
REOPENED = ("It's failing again.", "Not quite right yet.", "The problem is back this morning.")
AGAIN = ("Sorry about that, looking again.", "On it again.")
_GENERIC_TITLES = ("{name}: {keyword}", "Need help with {keyword}", "{keyword}, please")


def _title(service: ServiceFacts, fill: _Fill) -> str:
    templates = TITLES.get(service.slug)
    if templates is None:
        fill.setdefault("name", service.name)
        fill.setdefault("keyword", fill.rng.choice(_keywords(service)))
        templates = _GENERIC_TITLES
    title = fill.rng.choice(templates).format_map(fill)
    return title[:1].upper() + title[1:200]


def _keywords(service: ServiceFacts) -> tuple[str, ...]:
    return service.keywords or (service.name.lower(),)


def _text(rng: Random, templates: Sequence[str], fill: _Fill) -> str:
    return rng.choice(templates).format_map(fill)


# -- when requests arrive -----------------------------------------------------------------------

# More requests early in the week, fewer at weekends, a little more each month.
_WEEKDAY_LOAD = (1.0, 0.95, 0.9, 0.85, 0.7, 0.35, 0.25)
_IN_HOURS = 0.92
DAY = timedelta(days=1)


@dataclass(frozen=True)
class HistoryPlan:
    """How many requests arrive on each day of the history, and so the ids each day takes.

    A day is simulated on its own, from the seed and the day alone, so that days can be built
    in any process and a build stopped half-way resumes with exactly the days it lacks.
    """

    seed: int
    start: datetime
    now: datetime
    counts: tuple[int, ...]  # requests made on each day, oldest first
    first_id: int  # the first request's id; the others follow on, day by day

    @property
    def days(self) -> int:
        return len(self.counts)

    @property
    def requests(self) -> int:
        return sum(self.counts)

    def day_bounds(self, day: int) -> tuple[datetime, datetime]:
        """The day's first instant and the next day's: UTC days, cut at `start` and `now`."""
        midnight = _midnight(self.start)
        return max(midnight + day * DAY, self.start), min(midnight + (day + 1) * DAY, self.now)

    def first_id_of(self, day: int) -> int:
        return self.first_id + sum(self.counts[:day])


def plan_history(
    world: World, *, requests: int, seed: int, start: datetime, now: datetime, first_id: int = 1
) -> HistoryPlan:
    """Share `requests` out over the days from `start` to `now`: by the working hours of the
    services' calendars, the weekday, a slow growth and a little day-to-day noise."""
    days = max(-(-(now - _midnight(start)) // DAY), 1)
    window = max((now - start).total_seconds(), 1.0)
    share: dict[BusinessCalendar, float] = {}
    for service in world.services:
        share[service.calendar] = share.get(service.calendar, 0.0) + service.weight
    total = sum(share.values()) or 1.0
    open_seconds = {calendar: calendar.business_seconds_between(start, now) for calendar in share}
    rng = Random(f"{seed}:days")
    weights = []
    bounds = HistoryPlan(seed, start, now, (0,) * days, first_id).day_bounds
    for day in range(days):
        a, b = bounds(day)
        middle = a + (b - a) / 2
        weight = 0.0
        for calendar, part in share.items():
            load = _WEEKDAY_LOAD[middle.astimezone(calendar.tz).weekday()]
            inside = _in_hours(calendar, a, b, open_seconds[calendar], window)
            weight += part / total * load * inside
        growth = 0.75 + 0.25 * (middle - start).total_seconds() / window
        weights.append(weight * growth * rng.lognormvariate(0, 0.1))
    return HistoryPlan(seed, start, now, tuple(_apportion(requests, weights)), first_id)


def _midnight(instant: datetime) -> datetime:
    return instant.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _in_hours(
    calendar: BusinessCalendar, a: datetime, b: datetime, open_total: int, window: float
) -> float:
    """The share of a history's arrivals to `calendar` that fall in [a, b): most in its
    open hours, a few at any time."""
    inside = calendar.business_seconds_between(a, b) / open_total if open_total else 0.0
    anytime = (b - a).total_seconds() / window
    return _IN_HOURS * inside + (1 - _IN_HOURS) * anytime if open_total else anytime


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """`total` split in proportion to `weights` in whole numbers (largest remainders)."""
    mass = sum(weights)
    if total <= 0 or mass <= 0:
        return [0] * len(weights)
    quotas = [total * w / mass for w in weights]
    counts = [int(q) for q in quotas]
    by_remainder = sorted(range(len(quotas)), key=lambda i: counts[i] - quotas[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def day_arrivals(world: World, plan: HistoryPlan, day: int) -> list[tuple[datetime, int]]:
    """The day's (arrival instant, service position) pairs in time order: services by
    popularity, instants mostly inside each service's open hours."""
    services = world.services
    count = plan.counts[day]
    if not count:
        return []
    rng = Random(f"{plan.seed}:arrivals:{day}")
    picks = rng.choices(range(len(services)), cum_weights=_cumulative_weights(world), k=count)
    a, b = plan.day_bounds(day)
    length = max(int((b - a).total_seconds()), 1)
    window = max((plan.now - plan.start).total_seconds(), 1.0)
    open_today: dict[BusinessCalendar, tuple[int, float]] = {}
    arrivals = []
    for index in picks:
        calendar = services[index].calendar
        if calendar not in open_today:
            seconds = calendar.business_seconds_between(a, b)
            total = calendar.business_seconds_between(plan.start, plan.now)
            both = _in_hours(calendar, a, b, total, window)
            in_hours = _IN_HOURS * seconds / total / both if seconds and both else 0.0
            open_today[calendar] = seconds, in_hours
        seconds, in_hours = open_today[calendar]
        while True:
            if seconds and rng.random() < in_hours:
                offset = rng.randrange(seconds)
                at = calendar.due(a, offset + 1).astimezone(UTC) - timedelta(seconds=1)
            else:
                at = a + timedelta(seconds=rng.randrange(length))
            if rng.random() < _WEEKDAY_LOAD[at.astimezone(calendar.tz).weekday()]:
                break
        arrivals.append((at, index))
    arrivals.sort(key=lambda arrival: (arrival[0], services[arrival[1]].slug))
    return arrivals


def _cumulative_weights(world: World) -> list[float]:
    return list(accumulate(service.weight for service in world.services))


def simulate_day(world: World, plan: HistoryPlan, day: int) -> list[RequestRecord]:
    """Every request made on `day`, lived up to `plan.now`, with the ids the plan gives it.

    A request spawned on the way (a sub-request, an upstream request that unblocks it) takes
    the place of the day's next arrival, so the day holds exactly the planned number.
    """
    arrivals = day_arrivals(world, plan, day)
    rng = Random(f"{plan.seed}:lives:{day}")  # one for the day: the day is lived in order
    next_id = plan.first_id_of(day)
    records: list[RequestRecord] = []
    index = 0
    while index < len(arrivals):
        created_at, service = arrivals[index]
        lived = simulate_request(
            world,
            world.services[service],
            rng,
            request_id=next_id,
            created_at=created_at,
            now=plan.now,
            spawn=min(2, len(arrivals) - index - 1),
        )
        index += len(lived)
        next_id += len(lived)
        records.extend(lived)
    return records


# -- the Django side: load the facts ------------------------------------------------------------


_KIND_APPEAL = {
    "work_item": 1.5,
    "information": 1.2,
    "approval": 1.0,
    "advice": 0.8,
    "feedback": 0.5,
    "face_time": 0.5,
}


def load_world(seed: int) -> World:
    """The organisation and its catalog as plain facts, ordered by natural keys (emails,
    slugs, names) so that a seed draws the same history whatever the row ids are."""
    people = list(
        Person.objects.order_by("email").values_list(
            "id", "name", "team_id", "is_active", "is_admin"
        )
    )
    teams = {
        team_id: (name, parent_id, lead_id)
        for team_id, name, parent_id, lead_id in Team.objects.values_list(
            "id", "name", "parent_id", "lead_id"
        )
    }
    chains: dict[int, tuple[int, ...]] = {}  # a team and the teams above it

    def chain(team_id: int) -> tuple[int, ...]:
        if team_id not in chains:
            parent_id = teams[team_id][1]
            chains[team_id] = (team_id, *(chain(parent_id) if parent_id is not None else ()))
        return chains[team_id]

    def path(team_id: int) -> str:
        return "/".join(teams[t][0] for t in reversed(chain(team_id)))

    members: dict[int, set[int]] = {team_id: set() for team_id in teams}
    handlers: dict[int, list[int]] = {team_id: [] for team_id in teams}
    below: dict[int, list[int]] = {team_id: [] for team_id in teams}  # active, nested included
    active: list[int] = []
    rank: dict[int, int] = {}  # email order
    for person_id, _, team_id, is_active, _ in people:
        rank[person_id] = len(rank)
        if team_id is not None:
            members[team_id].add(person_id)
        if not is_active:
            continue
        active.append(person_id)
        if team_id is not None:
            handlers[team_id].append(person_id)
            for t in chain(team_id):
                below[t].append(person_id)
    everyone = tuple(active)
    leads_above = {
        team_id: frozenset(teams[t][2] for t in chain(team_id) if teams[t][2] is not None)
        for team_id in teams
    }
    admins = frozenset(person_id for person_id, *_, admin in people if admin)

    def under(team_ids: Sequence[int], person_ids: Sequence[int]) -> set[int]:
        found = set(person_ids)
        for team_id in team_ids:
            found.update(below[team_id])
        return found

    services = list(
        Service.objects.filter(is_active=True)
        .select_related("calendar")
        .prefetch_related(
            "promises",
            "requester_teams",
            "requester_people",
            "customer_teams",
            "customer_people",
            "customer_parties",
            "feeds",
        )
        .order_by("slug")
    )
    by_id = {service.id: service for service in services}
    fed_by: dict[int, list[int]] = {service.id: [] for service in services}
    for service in services:
        for downstream in service.feeds.all():
            if downstream.id in fed_by:
                fed_by[downstream.id].append(service.id)

    def reach(service_id: int) -> set[int]:
        seen, todo, parties = {service_id}, [service_id], set()
        while todo:
            service = by_id[todo.pop()]
            parties |= {party.id for party in service.customer_parties.all()}
            for downstream in service.feeds.all():
                if downstream.id in by_id and downstream.id not in seen:
                    seen.add(downstream.id)
                    todo.append(downstream.id)
        return parties

    party_names = dict(Party.objects.values_list("id", "name"))
    rng = Random(f"{seed}:catalog")
    ranks = list(range(len(services)))
    rng.shuffle(ranks)
    engines: dict[int, BusinessCalendar] = {}
    facts = []
    for service, popularity in zip(services, ranks, strict=True):
        team = service.provider_team_id
        if service.calendar_id not in engines:
            engines[service.calendar_id] = service.calendar.engine()
        public = frozenset() if service.confidential else admins
        if team is None:
            side = frozenset({service.provider_person_id}) | public
        elif service.confidential:
            side = leads_above[team]
        else:
            side = leads_above[team] | members[team] | public
        listed = service.audience != Service.Audience.EVERYONE
        askers = None
        if listed:
            askers = frozenset(
                under(
                    [t.id for t in service.requester_teams.all()],
                    [p.id for p in service.requester_people.all()],
                )
            )
            requesters = tuple(sorted((p for p in askers - side if p in rank), key=rank.get))
        else:
            # Shared by every open service; simulate_request draws past the provider side.
            requesters = everyone
        if not any(p not in side for p in requesters):
            continue
        declared = under(
            [t.id for t in service.customer_teams.all()],
            [p.id for p in service.customer_people.all()],
        )
        customers = (declared - side) & (askers if askers is not None else declared)
        neighbours = [by_id[s] for s in fed_by[service.id]] + list(service.feeds.all())
        transfer_teams = sorted(
            {s.provider_team_id for s in neighbours if s.provider_team_id not in (None, team)},
            key=path,
        )
        facts.append(
            ServiceFacts(
                id=service.id,
                slug=service.slug,
                name=service.name,
                kind=service.kind,
                calendar=engines[service.calendar_id],
                warning_percent=service.warning_percent,
                confidential=service.confidential,
                promises={
                    p.priority: (p.first_response_minutes * 60, p.resolution_minutes * 60)
                    for p in service.promises.all()
                },
                provider_team_id=team,
                provider_person_id=service.provider_person_id,
                askers=askers,
                provider_side=side,
                requesters=requesters,
                customers=tuple(sorted((p for p in customers if p in rank), key=rank.get)),
                parties=tuple(sorted(reach(service.id), key=party_names.__getitem__)),
                upstream=(),  # set below, once the positions are final
                transfer_teams=tuple(transfer_teams) if team is not None else (),
                keywords=tuple(str(keyword) for keyword in service.keywords),
                weight=_KIND_APPEAL.get(service.kind, 1.0)
                * (0.3 if listed else 1.0)
                / (popularity + 1) ** 0.8,
                pace=min(max(rng.lognormvariate(0, 0.25), 0.6), 1.6),
            )
        )
    kept = {f.id: i for i, f in enumerate(facts)}
    habit = _external_first_team(facts, path)
    facts = [
        replace(
            f,
            upstream=tuple(sorted(kept[s] for s in fed_by[f.id] if s in kept)),
            internal_pace=EXTERNAL_FIRST_PACE if f.provider_team_id == habit else 1.0,
        )
        for f in facts
    ]
    return World(
        services=tuple(facts),
        people={person_id: name for person_id, name, *_ in people},
        parties=party_names,
        team_names={team_id: name for team_id, (name, _, _) in teams.items()},
        team_leads={team_id: lead for team_id, (_, _, lead) in teams.items()},
        team_members={team_id: frozenset(ids) for team_id, ids in members.items()},
        handlers={team_id: tuple(ids) for team_id, ids in handlers.items()},
        leads_above=leads_above,
        admins=admins,
        external_first_team=habit,
    )


# How much slower the external-first team answers and finishes its colleagues' requests.
EXTERNAL_FIRST_PACE = 2.5


def _external_first_team(facts: Sequence[ServiceFacts], path: Callable[[int], str]) -> int | None:
    """The team with the most services whose work reaches external parties (by path on a tie):
    where a "customer first" habit is most tempting."""
    reaching: dict[int, int] = {}
    for fact in facts:
        if fact.provider_team_id is not None and fact.parties:
            reaching[fact.provider_team_id] = reaching.get(fact.provider_team_id, 0) + 1
    return min(reaching, key=lambda team: (-reaching[team], path(team)), default=None)
