"""Writes to requests. Each one locks the request, checks who may do what from its current
state, then moves its clocks and appends its events in one transaction: two people acting
at once cannot both win, and no event is written twice.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from relaydesk.catalog.models import Priority, Service
from relaydesk.catalog.permissions import may_request
from relaydesk.core import lifecycle
from relaydesk.core.assignment import Candidate, Policy, choose_assignee, covering_person
from relaydesk.core.businesstime import Calendar as BusinessCalendar
from relaydesk.core.clocks import Clock
from relaydesk.core.hops import Span, attribute_business_time, weakest_hop
from relaydesk.core.lifecycle import Side
from relaydesk.directory.models import Absence, Party, Person, Team
from relaydesk.directory.selectors import absences_at
from relaydesk.errors import InvalidInput
from relaydesk.servicerequests import permissions
from relaydesk.servicerequests.models import (
    OPEN_STATUSES,
    Decision,
    Event,
    Hop,
    Request,
    Status,
)

CLOCKS = ("response", "resolution")
PAUSES = (Event.Kind.PAUSED, Event.Kind.RESUMED)


class Conflict(Exception):
    """The request is not in the state the caller acted on: reload and decide again."""


class NotFound(Exception):
    """No such request, or not one the person may see."""


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Written:
    """What creating a request wrote: its timeline, its hop, the requests it unblocks."""

    events: list[Event]
    hops: list[Hop]
    unblocks: list[Request]


# -- creating ---------------------------------------------------------------------------------


def request_create(
    *,
    requester: Person,
    service: Service,
    title: str,
    details: str = "",
    priority: str = Priority.NORMAL,
    needed_by: datetime | None = None,
    party: Party | None = None,
    unblocks: Sequence[Request] = (),
    proposed_slots: Sequence[Slot] = (),
    parent: Request | None = None,
    now: datetime | None = None,
) -> Request:
    """Ask a service for something: route it, start its clocks, record it.

    The new request keeps what was written for it in `written`, so that showing it reads
    nothing back.
    """
    now = now or timezone.now()
    if not may_request(requester, service):
        raise PermissionDenied(
            f"{service.name} takes requests only from the teams and people it lists."
        )
    promises = {promise.priority: promise for promise in service.promises.all()}
    with transaction.atomic():
        blocked = _locked_for_linking(requester, unblocks)
        errors = _creation_errors(
            service, title, priority, needed_by, proposed_slots, promises, now
        ) | _unseen_errors(unblocks, blocked)
        if errors:
            raise InvalidInput(errors)
        request = Request(
            service=service,
            requester=requester,
            title=title.strip(),
            details=details.strip(),
            priority=priority,
            needed_by=needed_by,
            party=party,
            parent=parent,
            provider_team=service.provider_team,
            provider_person=service.provider_person,
            proposed_slots=[
                {"start": slot.start.isoformat(), "end": slot.end.isoformat()}
                for slot in proposed_slots
            ],
            created_at=now,
        )
        promise = promises.get(priority)
        if promise is not None:
            calendar = service.calendar.engine()
            for name, minutes in (
                ("response", promise.first_response_minutes),
                ("resolution", promise.resolution_minutes),
            ):
                clock = Clock.started(target=minutes * 60, at=now)
                request.set_clock(name, clock, calendar, service.warning_percent)
        events = [_event(request, Event.Kind.CREATED, actor=requester, at=now, priority=priority)]
        for other in blocked:
            events.append(
                _event(request, Event.Kind.LINKED, actor=requester, at=now, unblocks=other.pk)
            )
        routed = _routed(request, now)
        if routed is not None:
            events.append(_assignment(request, routed.person, actor=None, at=now, why=routed.why))
        request.save(force_insert=True)
        # Each request it unblocks hears on its own timeline what it now waits for: news to its
        # people, not a change to refuse their next action over, so its version stays.
        for other in blocked:
            events.append(
                _event(other, Event.Kind.LINKED, actor=requester, at=now, blocked_by=request.pk)
            )
        hop = Hop.objects.create(
            request=request,
            team=request.provider_team,
            person=request.provider_person,
            started_at=now,
        )
        Event.objects.bulk_create(events)
        # A sub-request unblocks its parent; the parent's timeline says so in its own words.
        links = [*blocked, *([parent] if parent is not None else [])]
        if links:
            Request.unblocks.through.objects.bulk_create(
                [Request.unblocks.through(from_request=request, to_request=to) for to in links]
            )
        if blocked:
            Request.objects.bulk_update(blocked, ["last_event_seq"])
    request.written = Written(
        events=[event for event in events if event.request is request], hops=[hop], unblocks=links
    )
    return request


def _locked_for_linking(person: Person, requests: Sequence[Request]) -> list[Request]:
    """Those of `requests` that `person` may see, locked: each will get an event, numbered
    after its last one."""
    if not requests:
        return []
    return list(
        Request.objects.select_for_update(of=("self",))
        .filter(permissions.visible_requests(person), pk__in=[other.pk for other in requests])
        .select_related("service", "provider_team", "provider_person")
        .order_by("pk")  # always locked in the same order: no deadlock between two askers
    )


def _creation_errors(
    service, title, priority, needed_by, slots, promises, now
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not service.is_active:
        errors["service"] = [f"{service.name} is closed for requests"]
    if not title.strip():
        errors["title"] = ["say in a few words what you need"]
    elif len(title.strip()) > 200:
        errors["title"] = ["keep the title under 200 characters; details go below"]
    if priority not in Priority.values:
        errors["priority"] = [f"one of {', '.join(Priority.values)}"]
    elif promises and priority not in promises:
        offered = ", ".join(p for p in Priority.values if p in promises)
        errors["priority"] = [f"{service.name} makes no promise for {priority}; choose {offered}"]
    if needed_by is not None and needed_by <= now:
        errors["needed_by"] = ["needed-by must be in the future"]
    is_face_time = service.kind == Service.Kind.FACE_TIME
    if is_face_time and not slots:
        errors["proposed_slots"] = ["propose at least one time to meet"]
    elif slots and not is_face_time:
        errors["proposed_slots"] = ["only face-time services take proposed times"]
    for index, slot in enumerate(slots):
        if slot.end <= slot.start or slot.start <= now:
            errors.setdefault("proposed_slots", []).append(
                f"time {index + 1} must start in the future and end after it starts"
            )
    return errors


def _unseen_errors(named: Sequence[Request], seen: Sequence[Request]) -> dict[str, list[str]]:
    seen_ids = {other.pk for other in seen}
    unseen = list(dict.fromkeys(str(other.pk) for other in named if other.pk not in seen_ids))
    if not unseen:
        return {}
    return {"unblocks": [f"no request you can see with id {', '.join(unseen)}"]}


@dataclass(frozen=True)
class Routed:
    person: Person
    why: str


def _routed(request: Request, now: datetime) -> Routed | None:
    """Whom a request arriving now goes to: the person who covers its provider, or whom its
    team's policy picks. None leaves it waiting in the queue."""
    if request.provider_person_id is not None:
        covering = covering_person(request.provider_person_id, absences_at(now))
        if covering is None:
            return None  # the provider is away and nobody covers: it waits where the lead sees it
        if covering == request.provider_person_id:
            person, why = request.provider_person, "the provider"
        else:
            person, why = Person.objects.get(pk=covering), "covers for the provider while away"
        return Routed(person, why) if person.is_active else None
    if request.provider_team_id is None or request.provider_team.assignment_policy == Policy.MANUAL:
        return None
    # Locked, so that two requests arriving at once do not both go to the same next person.
    team = Team.objects.select_for_update().get(pk=request.provider_team_id)
    policy = Policy(team.assignment_policy)
    members = {person.pk: person for person in team.members.filter(is_active=True)}
    away = absences_at(now, members)
    # Only the least-loaded policy weighs load and past assignments: the others skip the reads.
    least_loaded = policy == Policy.LEAST_LOADED
    loads = _open_loads(list(members)) if least_loaded else {}
    last_assigned = _last_assigned_at(list(members)) if least_loaded else {}
    candidates = [
        Candidate(
            person_id=pk,
            open_load=loads.get(pk, 0),
            last_assigned_at=last_assigned.get(pk),
            available=pk not in away,
        )
        for pk in members
    ]
    chosen = choose_assignee(policy, candidates, after_person_id=team.last_assignee_id)
    if chosen is None:
        return None
    Team.objects.filter(pk=team.pk).update(last_assignee_id=chosen)
    return Routed(members[chosen], f"{team.get_assignment_policy_display().lower()} in {team.name}")


def _open_loads(people: Sequence[int]) -> dict[int, int]:
    rows = (
        Request.objects.filter(assignee_id__in=people, status__in=OPEN_STATUSES)
        .values("assignee_id")
        .annotate(n=Count("id"))
    )
    return {row["assignee_id"]: row["n"] for row in rows}


def _last_assigned_at(people: Sequence[int]) -> dict[int, datetime]:
    rows = (
        Event.objects.filter(kind=Event.Kind.ASSIGNED, data__to__in=list(people))
        .values("data__to")
        .annotate(last=Max("at"))
    )
    return {row["data__to"]: row["last"] for row in rows}


# -- acting on a request ------------------------------------------------------------------------


@contextmanager
def _locked(
    person: Person, request_id: int, expected_version: int | None, now: datetime | None
) -> Iterator[tuple[Request, datetime]]:
    """The request, locked for this transaction after checking the caller may see it, and the
    instant of the write. The instant is taken once the lock is held, so that of two writes
    that wait for each other the later one's events are also the later in time."""
    with transaction.atomic():
        request = (
            Request.objects.select_for_update(of=("self",))
            .select_related("service__calendar")
            .filter(pk=request_id)
            .first()
        )
        if request is None or not permissions.may_see(person, request):
            raise NotFound(f"no request #{request_id} that you can see")
        if expected_version is not None and request.version != expected_version:
            raise Conflict(
                f"request #{request_id} changed since you saw it (version {expected_version}, "
                f"now {request.version}); reload it and decide again"
            )
        yield request, now or timezone.now()
        request.version += 1
        request.save()


def request_transition(
    *,
    actor: Person,
    request_id: int,
    to: str,
    message: str = "",
    decision: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Request:
    """Move a request along its lifecycle (SPEC §3.2), with the clocks following."""
    with _locked(actor, request_id, expected_version, now) as (request, now):
        sides = permissions.sides_of(actor, request)
        try:
            lifecycle.check_transition(request.status, to, sides)
        except lifecycle.IllegalTransition as exc:
            raise Conflict(str(exc)) from None
        except lifecycle.NotYourMove as exc:
            raise PermissionDenied(str(exc)) from None
        is_approval = request.service.kind == Service.Kind.APPROVAL
        if to == Status.DONE and is_approval:
            _check_decision(decision, message)
        elif decision:
            raise InvalidInput({"decision": ["only approvals end with a decision"]})
        if to == Status.WAITING_ON_REQUESTER and not message.strip():
            raise InvalidInput({"message": ["ask the requester what you need from them"]})
        _apply_status(request, to, actor=actor, sides=sides, at=now, message=message.strip())
        if decision:
            request.decision, request.decision_reason = decision, message.strip()
            _record(
                request,
                Event.Kind.DECIDED,
                actor=actor,
                at=now,
                decision=decision,
                reason=message.strip(),
            )
    return request


def _check_decision(decision: str, reason: str) -> None:
    errors = {}
    if decision not in Decision.values:
        errors["decision"] = ["an approval ends approved or declined"]
    if not reason.strip():
        errors["message"] = ["give the reason for the decision"]
    if errors:
        raise InvalidInput(errors)


def request_comment(
    *,
    actor: Person,
    request_id: int,
    body: str,
    internal: bool = False,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Request:
    """A message the requester sees, or an internal note only the provider side sees."""
    if not body.strip():
        raise InvalidInput({"body": ["write something"]})
    with _locked(actor, request_id, expected_version, now) as (request, now):
        sides = permissions.sides_of(actor, request)
        if not sides:
            raise PermissionDenied("only the requester and the provider side write here")
        if internal and Side.PROVIDER not in sides:
            raise PermissionDenied("only the provider side writes internal notes")
        kind = Event.Kind.NOTE if internal else Event.Kind.COMMENT
        _record(request, kind, actor=actor, at=now, body=body.strip())
        if not internal and Side.PROVIDER in sides and request.is_open:
            _responded(request, actor, now)
        if (
            not internal
            and sides == {Side.REQUESTER}
            and request.status == Status.WAITING_ON_REQUESTER
        ):
            # The requester's answer is what the provider was waiting for.
            _apply_status(request, Status.IN_PROGRESS, actor=actor, sides=sides, at=now)
    return request


def request_assign(
    *,
    actor: Person,
    request_id: int,
    assignee: Person | None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Request:
    """Give the request to someone on the provider side (or take it, or put it back)."""
    with _locked(actor, request_id, expected_version, now) as (request, now):
        steering = permissions.may_steer(actor, request)
        taking = assignee is not None and assignee.pk == actor.pk
        if not steering and not (taking and Side.PROVIDER in permissions.sides_of(actor, request)):
            raise PermissionDenied("only the team's lead gives requests to others")
        if not request.is_open:
            raise Conflict(f"request #{request.pk} is {request.status}; reopen it first")
        if request.assignee_id is not None and not steering and request.assignee_id != actor.pk:
            raise Conflict(f"request #{request.pk} is already taken by {request.assignee}")
        if assignee is not None:
            _check_assignable(request, assignee)
        if request.assignee_id != (assignee.pk if assignee else None):
            _assign(request, assignee, actor=actor, at=now, why="")
    return request


def _check_assignable(request: Request, person: Person) -> None:
    on_team = request.provider_team_id is not None and person.team_id == request.provider_team_id
    provider = person.pk == request.provider_person_id
    backup = (
        request.provider_person_id is not None
        and Absence.objects.filter(person_id=request.provider_person_id, backup=person).exists()
    )
    if not person.is_active or not (on_team or provider or backup):
        raise InvalidInput({"assignee": [f"{person} does not work on this request's queue"]})


def request_transfer(
    *,
    actor: Person,
    request_id: int,
    team: Team,
    message: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Request:
    """Hand the request to another providing team: a new hop starts, the old one ends."""
    with _locked(actor, request_id, expected_version, now) as (request, now):
        if Side.PROVIDER not in permissions.sides_of(actor, request):
            raise PermissionDenied("only the provider side hands a request on")
        if not request.is_open:
            raise Conflict(f"request #{request.pk} is {request.status}; reopen it first")
        if team.pk == request.provider_team_id:
            raise InvalidInput({"team": [f"{team} holds it already"]})
        before = request.provider_team or request.provider_person
        _end_hop(request, now)
        request.provider_team, request.provider_person = team, None
        Hop.objects.create(request=request, team=team, started_at=now)
        _record(
            request,
            Event.Kind.TRANSFERRED,
            actor=actor,
            at=now,
            from_holder=str(before),
            to_team=team.pk,
            to_name=team.name,
            message=message,
        )
        if request.assignee_id is not None:
            _assign(request, None, actor=actor, at=now, why="moved to another team")
        routed = _routed(request, now)
        if routed is not None:
            _assign(request, routed.person, actor=None, at=now, why=routed.why)
    return request


def subrequest_create(
    *,
    actor: Person,
    parent_id: int,
    service: Service,
    title: str,
    details: str = "",
    priority: str = Priority.NORMAL,
    now: datetime | None = None,
) -> Request:
    """Split off part of the work to another service; the parent waits for it."""
    with _locked(actor, parent_id, None, now) as (parent, now):
        if Side.PROVIDER not in permissions.sides_of(actor, parent):
            raise PermissionDenied("only the provider side splits a request")
        if not parent.is_open:
            raise Conflict(f"request #{parent.pk} is {parent.status}; reopen it first")
        child = request_create(
            requester=actor,
            service=service,
            title=title,
            details=details,
            priority=priority,
            party=parent.party,
            parent=parent,
            now=now,
        )
        _record(
            parent,
            Event.Kind.SUBREQUEST,
            actor=actor,
            at=now,
            child=child.pk,
            service=service.name,
            title=child.title,
        )
    return child


def request_pick_slot(
    *,
    actor: Person,
    request_id: int,
    index: int,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Request:
    """The provider picks one of the proposed times; both get an invitation."""
    with _locked(actor, request_id, expected_version, now) as (request, now):
        if Side.PROVIDER not in permissions.sides_of(actor, request):
            raise PermissionDenied("the provider picks the time")
        if not 0 <= index < len(request.proposed_slots):
            raise InvalidInput({"slot": [f"choose one of the {len(request.proposed_slots)} times"]})
        slot = request.proposed_slots[index]
        request.slot_start = datetime.fromisoformat(slot["start"])
        request.slot_end = datetime.fromisoformat(slot["end"])
        _record(request, Event.Kind.SLOT_PICKED, actor=actor, at=now, **slot)
        if request.is_open:
            _responded(request, actor, now)
    return request


# -- the clocks ---------------------------------------------------------------------------------


def clocks_check(*, now: datetime | None = None) -> int:
    """Record the warnings and breaches whose time has come. Idempotent; safe to run often."""
    due_by = now or timezone.now()
    recorded = 0
    for name in CLOCKS:
        for flag, instant in (("warned", "warn_at"), ("breached", "due_at")):
            due_ids = Request.objects.filter(
                status__in=OPEN_STATUSES,
                **{
                    f"{name}_{flag}": False,
                    f"{name}_{instant}__lte": due_by,
                    f"{name}_running_since__isnull": False,
                },
            ).values_list("pk", flat=True)
            for request_id in due_ids:
                recorded += _record_clock_event(request_id, name, flag, now)
    return recorded


def _record_clock_event(request_id: int, name: str, flag: str, now: datetime | None) -> int:
    with transaction.atomic():
        request = (
            Request.objects.select_for_update(of=("self",))
            .select_related("service__calendar", "provider_team")
            .get(pk=request_id)
        )
        at = now or timezone.now()  # under the lock, like every write's instant
        due_at = getattr(request, f"{name}_due_at")
        instant = getattr(request, f"{name}_{'warn_at' if flag == 'warned' else 'due_at'}")
        # Another checker, or an answer, may have got here first.
        if getattr(request, f"{name}_{flag}") or instant is None or instant > at:
            return 0
        if flag == "warned":
            setattr(request, f"{name}_warned", True)
            _record(
                request,
                Event.Kind.WARNING,
                actor=None,
                at=at,
                clock=name,
                due_at=due_at.isoformat(),
            )
        else:
            _record_breach(request, name, at, due_at=due_at)
        # Only what the checker itself keeps is saved, and the version stays: a warning is no
        # reason to refuse the action of someone who loaded the request a moment before.
        request.save(update_fields=[f"{name}_{flag}", "last_event_seq"])
        return 1


def _record_breach(request: Request, name: str, at: datetime, *, due_at: datetime | None) -> None:
    data: dict = {"clock": name, "due_at": due_at.isoformat() if due_at else None}
    if name == "resolution":
        used = hop_usage(request, until=at)
        data["by_hop"] = {str(holder): seconds for holder, seconds in used.items()}
        data["attributed_to"] = str(weakest_hop(used)) if used else None
    lead = request.provider_team.lead_id if request.provider_team else None
    if lead is not None:
        data["escalated_to"] = lead
    setattr(request, f"{name}_breached", True)
    _record(request, Event.Kind.BREACH, actor=None, at=at, **data)


def hop_usage(request: Request, *, until: datetime) -> dict[str, int]:
    """Business seconds of the resolution clock each holder used (per-hop accounting)."""
    return time_by_holder(
        request,
        until=until,
        hops=request.hops.select_related("team", "person"),
        subrequests=request.subrequests.select_related("provider_team", "provider_person"),
        events=request.events.filter(kind__in=PAUSES),
    )


def time_by_holder(
    request: Request,
    *,
    until: datetime,
    hops: Iterable[Hop],
    subrequests: Iterable[Request],
    events: Iterable[Event],
) -> dict[str, int]:
    """hop_usage from what the caller has loaded already: the request's hops, all of its
    sub-requests, and at least its pause and resume events."""
    return attribute_business_time(
        request.service.calendar.engine(),
        hops=[Span(str(hop.holder), hop.started_at, hop.ended_at) for hop in hops],
        subrequests=[
            Span(
                f"{child.provider_team or child.provider_person} (sub-request #{child.pk})",
                child.created_at,
                child.done_at or child.cancelled_at,
            )
            for child in subrequests
        ],
        pauses=_pauses(events),
        until=until,
    )


def _pauses(events: Iterable[Event]) -> list[Span]:
    spans, started = [], None
    for event in events:
        if event.kind == Event.Kind.PAUSED:
            started = event.at
        elif event.kind == Event.Kind.RESUMED and started is not None:
            spans.append(Span("requester", started, event.at))
            started = None
    if started is not None:
        spans.append(Span("requester", started, None))
    return spans


def clocks_rebase(
    *, service_ids: Sequence[int], calendar_before, at: datetime | None = None
) -> int:
    """Move the due times of running clocks after a calendar or promise edit (SPEC §3.2).

    The business time already used is kept as it was counted, on the calendar as it was.
    """
    at = at or timezone.now()
    moved = 0
    open_requests = Request.objects.filter(service_id__in=service_ids, status__in=OPEN_STATUSES)
    for request_id in open_requests.values_list("pk", flat=True):
        with transaction.atomic():
            request = (
                Request.objects.select_for_update(of=("self",))
                .select_related("service__calendar")
                .get(pk=request_id)
            )
            promise = request.service.promises.filter(priority=request.priority).first()
            calendar = request.service.calendar.engine()
            changes = {}
            for name in CLOCKS:
                clock = request.clock(name)
                if clock is None or promise is None:
                    continue
                minutes = (
                    promise.first_response_minutes
                    if name == "response"
                    else promise.resolution_minutes
                )
                if name == "response" and request.responded_at is not None:
                    continue
                before = getattr(request, f"{name}_due_at")
                rebased = clock.rebased(calendar_before, at, target=minutes * 60)
                request.set_clock(name, rebased, calendar, request.service.warning_percent)
                after = getattr(request, f"{name}_due_at")
                if before != after:
                    changes[name] = {
                        "from": before.isoformat() if before else None,
                        "to": after.isoformat() if after else None,
                    }
            if changes:
                _record(request, Event.Kind.RETIMED, actor=None, at=at, **changes)
                moved += 1
            # Saved even when no due time moved: the used time is now counted up to `at`.
            request.version += 1
            request.save()
    return moved


# -- the pieces every write shares --------------------------------------------------------------


def _apply_status(
    request: Request,
    target: str,
    *,
    actor: Person,
    sides: frozenset[Side],
    at: datetime,
    message: str = "",
) -> None:
    """Move the request to `target`; its status event comes first, then what the move causes
    (the first response, the clock pausing or resuming, a breach), so the timeline reads in
    the order of cause and effect."""
    calendar = request.service.calendar.engine()
    percent = request.service.warning_percent
    previous = request.status
    request.status = target
    _record(
        request,
        Event.Kind.STATUS,
        actor=actor,
        at=at,
        **{"from": previous, "to": target, "message": message},
    )
    if Side.PROVIDER in sides and target != Status.CANCELLED:
        _responded(request, actor, at)
    reopening = lifecycle.is_reopening(previous, target)
    if reopening:
        request.done_at = request.cancelled_at = None
        request.early = request.slack_seconds = None
        # The resolution clock runs again: this run may be warned about and breached anew.
        request.resolution_warned = request.resolution_breached = False
        Hop.objects.create(
            request=request,
            team=request.provider_team,
            person=request.provider_person,
            started_at=at,
        )
    resolution = request.clock("resolution")
    if resolution is not None:
        if previous == Status.WAITING_ON_REQUESTER or reopening:
            request.set_clock("resolution", resolution.resumed(at), calendar, percent)
        if previous == Status.WAITING_ON_REQUESTER:
            paused_since = request.events.filter(kind=Event.Kind.PAUSED).latest("seq").at
            _record(
                request,
                Event.Kind.RESUMED,
                actor=actor,
                at=at,
                paused_business_seconds=calendar.business_seconds_between(paused_since, at),
            )
        if target == Status.WAITING_ON_REQUESTER:
            _record(request, Event.Kind.PAUSED, actor=actor, at=at)
            _stop_clock(request, "resolution", calendar, at)
        elif target == Status.DONE:
            _stop_clock(request, "resolution", calendar, at)
        elif target == Status.CANCELLED:
            request.set_clock("resolution", resolution.paused(calendar, at), calendar, percent)
    if target == Status.CANCELLED:
        response = request.clock("response")
        if response is not None and response.running:
            request.set_clock("response", response.paused(calendar, at), calendar, percent)
        request.cancelled_at = at
        _end_hop(request, at)
    if target == Status.DONE:
        request.done_at = at
        _end_hop(request, at)
        if request.needed_by is not None:
            request.slack_seconds = int((request.needed_by - at).total_seconds())
            request.early = request.slack_seconds > 0
            if request.early:
                _record(
                    request,
                    Event.Kind.EARLY,
                    actor=None,
                    at=at,
                    slack_seconds=request.slack_seconds,
                )


def _responded(request: Request, actor: Person, at: datetime) -> None:
    """The provider side's first reply or acknowledgement stops the response clock."""
    if request.responded_at is not None:
        return
    request.responded_at = at
    response = request.clock("response")
    if response is None:
        return
    calendar = request.service.calendar.engine()
    used = response.used_at(calendar, at)
    _record(
        request,
        Event.Kind.RESPONDED,
        actor=actor,
        at=at,
        business_seconds=used,
        within_promise=used <= response.target,
    )
    _stop_clock(request, "response", calendar, at)


def _stop_clock(request: Request, name: str, calendar: BusinessCalendar, at: datetime) -> None:
    """Stop (or pause) a running clock. One that ran past its due time before the checker came
    round has its breach recorded now, naming the due time it passed."""
    clock = request.clock(name)
    if clock is None or not clock.running:
        return
    due_at = getattr(request, f"{name}_due_at")
    stopped = clock.paused(calendar, at)
    request.set_clock(name, stopped, calendar, request.service.warning_percent)
    if stopped.used > stopped.target and not getattr(request, f"{name}_breached"):
        _record_breach(request, name, at, due_at=due_at)


def _assign(
    request: Request, person: Person | None, *, actor: Person | None, at: datetime, why: str
) -> None:
    _assignment(request, person, actor=actor, at=at, why=why).save(force_insert=True)


def _assignment(
    request: Request, person: Person | None, *, actor: Person | None, at: datetime, why: str
) -> Event:
    """Give the request to `person`; the event saying so is the caller's to save."""
    before = request.assignee
    request.assignee = person
    return _event(
        request,
        Event.Kind.ASSIGNED,
        actor=actor,
        at=at,
        to=person.pk if person else None,
        to_name=person.name if person else None,
        **{"from": before.pk if before else None},
        why=why,
    )


def _end_hop(request: Request, at: datetime) -> None:
    Hop.objects.filter(request=request, ended_at__isnull=True).update(ended_at=at)


def _record(request: Request, kind: str, *, actor: Person | None, at: datetime, **data) -> Event:
    event = _event(request, kind, actor=actor, at=at, **data)
    event.save(force_insert=True)
    return event


def _event(request: Request, kind: str, *, actor: Person | None, at: datetime, **data) -> Event:
    """The request's next event, numbered but not saved yet."""
    # The sequence lives on the (locked) request row, saved with it at the end of every write;
    # the unique (request, seq) constraint is the backstop against a twin event.
    request.last_event_seq += 1
    return Event(
        request=request, seq=request.last_event_seq, kind=kind, actor=actor, at=at, data=data
    )
