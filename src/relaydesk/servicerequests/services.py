"""Writes to requests. Each one locks the request, checks who may do what from its current
state, lets the lifecycle (core.request_life) work out the next state and the events it
causes, and keeps them in one transaction: two people acting at once cannot both win, and no
event is written twice. Every event is also published to the outbox in that transaction.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from relaydesk.catalog.models import Priority, Service
from relaydesk.catalog.permissions import may_request
from relaydesk.core import lifecycle, request_life
from relaydesk.core.assignment import (
    Candidate,
    Policy,
    at_work_limit,
    choose_assignee,
    covering_person,
)
from relaydesk.core.businesstime import Calendar as BusinessCalendar
from relaydesk.core.hops import Span, attribute_business_time, subrequest_holder
from relaydesk.core.lifecycle import Side
from relaydesk.core.request_life import CLOCKS, Outcome, RequestLife, Terms
from relaydesk.directory.models import Absence, Party, Person, Team
from relaydesk.directory.selectors import absences_at
from relaydesk.errors import Conflict, InvalidInput, NotFound
from relaydesk.events.outbox import Published, publish_many
from relaydesk.rows import insert_all
from relaydesk.servicerequests import permissions
from relaydesk.servicerequests.models import (
    MOST_PROPOSED_SLOTS,
    OPEN_STATUSES,
    TEXT_LENGTH,
    Decision,
    Event,
    Hop,
    Request,
    Status,
)

PAUSES = (Event.Kind.PAUSED, Event.Kind.RESUMED)


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
            service, title, details, priority, needed_by, proposed_slots, promises, now
        ) | _unseen_errors(unblocks, blocked)
        if errors:
            raise InvalidInput(errors)
        promise = promises.get(priority)
        born = request_life.create(
            requester_id=requester.pk,
            priority=priority,
            at=now,
            targets=(
                None
                if promise is None
                else (promise.first_response_minutes * 60, promise.resolution_minutes * 60)
            ),
            provider_team_id=service.provider_team_id,
            provider_person_id=service.provider_person_id,
            needed_by=needed_by,
            unblocks=[other.pk for other in blocked],
        )
        request = Request(
            service=service,
            requester=requester,
            title=title.strip(),
            details=details.strip(),
            priority=priority,
            needed_by=needed_by,
            party=party,
            parent=parent,
            confidential=service.confidential,
            provider_team=service.provider_team,
            provider_person=service.provider_person,
            proposed_slots=[
                {"start": slot.start.isoformat(), "end": slot.end.isoformat()}
                for slot in proposed_slots
            ],
            created_at=now,
        )
        writing = _Writing(request, now, known=(requester,))
        writing.keep(born)
        routed = _routed(request, now)
        if routed is not None:
            writing.assign(routed.person, actor=None, why=routed.why)
        insert_all([request])
        # Each request it unblocks hears on its own timeline what it now waits for: news to its
        # people, not a change to refuse their next action over, so its version stays.
        others = []
        for other in blocked:
            news = request_life.blocked_by(
                _life_of(other), actor_id=requester.pk, blocker_id=request.pk, at=now
            )
            other.last_event_seq = news.life.last_event_seq
            others.extend(_rows(other, news.events, known=(requester,)))
        writing.flush(also=others)
        # A sub-request unblocks its parent; the parent's timeline says so in its own words.
        links = [*blocked, *([parent] if parent is not None else [])]
        if links:
            Request.unblocks.through.objects.bulk_create(
                [Request.unblocks.through(from_request=request, to_request=to) for to in links]
            )
        if blocked:
            Request.objects.bulk_update(blocked, ["last_event_seq"])
    request.written = Written(events=writing.events, hops=writing.hops, unblocks=links)
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
    service, title, details, priority, needed_by, slots, promises, now
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not service.is_active:
        errors["service"] = [f"{service.name} is closed for requests"]
    if not title.strip():
        errors["title"] = ["say in a few words what you need"]
    elif len(title.strip()) > 200:
        errors["title"] = ["keep the title under 200 characters; details go below"]
    errors.update(_too_long(details=details))
    if len(slots) > MOST_PROPOSED_SLOTS:
        errors["proposed_slots"] = [f"propose at most {MOST_PROPOSED_SLOTS} times"]
        return errors
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


def _too_long(**texts: str) -> dict[str, list[str]]:
    return {
        field: [f"keep it under {TEXT_LENGTH:,} characters"]
        for field, text in texts.items()
        if len(text.strip()) > TEXT_LENGTH
    }


def _refuse_too_long(**texts: str) -> None:
    errors = _too_long(**texts)
    if errors:
        raise InvalidInput(errors)


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
    # Someone at their work-in-progress limit is skipped like someone away (SPEC §3.4).
    limits = {pk: person.work_limit(team.wip_limit) for pk, person in members.items()}
    limited = any(limit is not None for limit in limits.values())
    # Only the least-loaded policy and work limits weigh load, and only the least-loaded policy
    # past assignments: otherwise the reads are skipped.
    least_loaded = policy == Policy.LEAST_LOADED
    loads = _open_loads(list(members)) if least_loaded or limited else {}
    last_assigned = _last_assigned_at(list(members)) if least_loaded else {}
    candidates = [
        Candidate(
            person_id=pk,
            open_load=loads.get(pk, 0),
            last_assigned_at=last_assigned.get(pk),
            available=pk not in away and not at_work_limit(loads.get(pk, 0), limits[pk]),
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
) -> Iterator["_Writing"]:
    """The write on the request, locked for this transaction after checking the caller may see
    it. Its instant is taken once the lock is held, so that of two writes that wait for each
    other the later one's events are also the later in time."""
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
        writing = _Writing(request, now or timezone.now(), known=(person,))
        yield writing
        writing.flush()
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
    _refuse_too_long(message=message)
    with _locked(actor, request_id, expected_version, now) as writing:
        request = writing.request
        try:
            moved = request_life.change_status(
                writing.life,
                writing.terms,
                actor_id=actor.pk,
                sides=permissions.sides_of(actor, request),
                to=to,
                at=writing.at,
                actor_name=actor.name,
                message=message.strip(),
                decision=decision,
            )
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
        writing.keep(moved)
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
    _refuse_too_long(body=body)
    with _locked(actor, request_id, expected_version, now) as writing:
        sides = permissions.sides_of(actor, writing.request)
        if not sides:
            raise PermissionDenied("only the requester and the provider side write here")
        if internal and Side.PROVIDER not in sides:
            raise PermissionDenied("only the provider side writes internal notes")
        writing.keep(
            request_life.comment(
                writing.life,
                writing.terms,
                actor_id=actor.pk,
                sides=sides,
                body=body.strip(),
                internal=internal,
                at=writing.at,
                actor_name=actor.name,
            )
        )
    return writing.request


def request_assign(
    *,
    actor: Person,
    request_id: int,
    assignee: Person | None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Request:
    """Give the request to someone on the provider side (or take it, or put it back)."""
    with _locked(actor, request_id, expected_version, now) as writing:
        request = writing.request
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
        writing.assign(assignee, actor=actor, why="")
    return request


def request_hand_back(*, actor: Person, request_id: int, backup: Person) -> Request:
    """A provider back from an absence takes back, by their own choice, a request asked of
    them personally that their backup held meanwhile (SPEC §2)."""
    with _locked(actor, request_id, None, None) as writing:
        request = writing.request
        if request.provider_person_id != actor.pk or request.assignee_id != backup.pk:
            raise Conflict(f"request #{request.pk} is not one {backup} holds for you")
        if not request.is_open:
            raise Conflict(f"request #{request.pk} is {request.status}")
        writing.assign(actor, actor=actor, why="back from an absence")
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
    _refuse_too_long(message=message)
    with _locked(actor, request_id, expected_version, now) as writing:
        request = writing.request
        if Side.PROVIDER not in permissions.sides_of(actor, request):
            raise PermissionDenied("only the provider side hands a request on")
        if not request.is_open:
            raise Conflict(f"request #{request.pk} is {request.status}; reopen it first")
        if team.pk == request.provider_team_id:
            raise InvalidInput({"team": [f"{team} holds it already"]})
        writing.keep(
            request_life.transfer(
                writing.life,
                actor_id=actor.pk,
                team_id=team.pk,
                team_name=team.name,
                from_name=str(request.provider_team or request.provider_person),
                message=message,
                at=writing.at,
            )
        )
        request.provider_team, request.provider_person = team, None
        routed = _routed(request, writing.at)
        if routed is not None:
            writing.assign(routed.person, actor=None, why=routed.why)
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
    with _locked(actor, parent_id, None, now) as writing:
        parent = writing.request
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
            now=writing.at,
        )
        writing.keep(
            request_life.split(
                writing.life,
                actor_id=actor.pk,
                child_id=child.pk,
                service_name=service.name,
                title=child.title,
                at=writing.at,
            )
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
    with _locked(actor, request_id, expected_version, now) as writing:
        request = writing.request
        if Side.PROVIDER not in permissions.sides_of(actor, request):
            raise PermissionDenied("the provider picks the time")
        if not 0 <= index < len(request.proposed_slots):
            raise InvalidInput({"slot": [f"choose one of the {len(request.proposed_slots)} times"]})
        slot = request.proposed_slots[index]
        request.slot_start = datetime.fromisoformat(slot["start"])
        request.slot_end = datetime.fromisoformat(slot["end"])
        writing.keep(
            request_life.pick_slot(
                writing.life,
                writing.terms,
                actor_id=actor.pk,
                actor_name=actor.name,
                slot=slot,
                at=writing.at,
            )
        )
    return request


# -- the clocks ---------------------------------------------------------------------------------

# What the checker and the re-basing keep: never the version, since neither is a reason to
# refuse the action of someone who loaded the request a moment before.
_CLOCK_FIELDS = [
    f"{name}_{part}"
    for name in CLOCKS
    for part in ("target", "used", "running_since", "due_at", "warn_at", "warned", "breached")
]


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
            .select_related("service__calendar")
            .get(pk=request_id)
        )
        at = now or timezone.now()  # under the lock, like every write's instant
        instant = getattr(request, f"{name}_{'warn_at' if flag == 'warned' else 'due_at'}")
        # Another checker, or an answer, may have got here first.
        if getattr(request, f"{name}_{flag}") or instant is None or instant > at:
            return 0
        writing = _Writing(request, at)
        check = request_life.warn if flag == "warned" else request_life.breach
        writing.keep(check(writing.life, writing.terms, clock=name, at=at))
        writing.flush()
        request.save(update_fields=[f"{name}_{flag}", "last_event_seq"])
        return 1


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
                subrequest_holder(str(child.provider_team or child.provider_person), child.pk),
                child.created_at,
                child.done_at or child.cancelled_at,
            )
            for child in subrequests
        ],
        pauses=request_life.pause_spans(events),
        until=until,
    )


def clocks_rebase(
    *, service_ids: Sequence[int], calendar_before: BusinessCalendar, at: datetime
) -> int:
    """Move the due times of the open requests' clocks after their calendar or promise was
    edited at `at` (SPEC §3.2); returns how many requests' due times moved.

    The business time used until `at` stays as it was counted, on `calendar_before`. Run after
    the edit, by a worker: idempotent, and no reason for a 409 to whoever acts on a request
    meanwhile.
    """
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
            if promise is None:
                continue
            writing = _Writing(request, at)
            retimed = request_life.retime(
                writing.life,
                writing.terms,
                targets=(promise.first_response_minutes * 60, promise.resolution_minutes * 60),
                calendar_before=calendar_before,
                at=at,
                due_before={name: getattr(request, f"{name}_due_at") for name in CLOCKS},
            )
            # Due times are worked out anew even where a clock did not change: its calendar may.
            writing.keep(retimed, recompute_dues=True)
            writing.flush()
            request.save(update_fields=[*_CLOCK_FIELDS, "queue_due_at", "last_event_seq"])
            moved += bool(retimed.events)
    return moved


# -- what every write shares --------------------------------------------------------------------


@dataclass
class _Writing:
    """One write to a request under way: the lifecycle's state of it, and what is to be kept
    once the write is through (the row's fields, the hops ended and started, the events)."""

    request: Request
    at: datetime
    known: Sequence[Person] = ()  # people its events name: set on them, not read back
    events: list[Event] = field(default_factory=list)
    hop_ended_at: datetime | None = None
    hops_started: list[datetime] = field(default_factory=list)
    hops: list[Hop] = field(init=False, default_factory=list)  # those started, once kept
    # A request being created has none until request_life.create() gives it one.
    life: RequestLife | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.request.pk is not None:
            self.life = _life_of(self.request)

    @cached_property
    def terms(self) -> Terms:
        request = self.request
        return Terms(
            calendar=request.service.calendar.engine(),
            warning_percent=request.service.warning_percent,
            time_by_holder=lambda until: hop_usage(request, until=until),
            lead_of=_lead_of,
        )

    def keep(self, outcome: Outcome, *, recompute_dues: bool = False) -> None:
        """Take the lifecycle's outcome onto the request; saved when the write is through."""
        request, life = self.request, outcome.life
        self.life = life
        for name in CLOCKS:
            clock = life.clock(name)
            if clock is not None and (recompute_dues or clock != request.clock(name)):
                service = request.service
                request.set_clock(name, clock, service.calendar.engine(), service.warning_percent)
            setattr(request, f"{name}_warned", name in life.warned)
            setattr(request, f"{name}_breached", name in life.breached)
        for name in _KEPT:
            setattr(request, name, getattr(life, name))
        # Set only when changed: setting a key drops the related object already loaded.
        for name in ("assignee_id", "provider_team_id", "provider_person_id"):
            if getattr(request, name) != getattr(life, name):
                setattr(request, name, getattr(life, name))
        self.events.extend(_rows(request, outcome.events, self.known))
        if outcome.hop_ended_at is not None:
            self.hop_ended_at = outcome.hop_ended_at
        if outcome.hop_started is not None:
            self.hops_started.append(outcome.hop_started.start)

    def assign(self, person: Person | None, *, actor: Person | None, why: str) -> None:
        assigned = request_life.assign(
            self.life,
            person_id=person.pk if person else None,
            person_name=person.name if person else None,
            actor_id=actor.pk if actor else None,
            at=self.at,
            why=why,
        )
        self.keep(assigned)
        self.request.assignee = person

    def flush(self, *, also: Sequence[Event] = ()) -> None:
        """Keep the hops and events (and `also`, written on other requests) of the write."""
        request = self.request
        if self.hop_ended_at is not None:
            Hop.objects.filter(request=request, ended_at__isnull=True).update(
                ended_at=self.hop_ended_at
            )
        # A hop starts with whoever holds the request once the write is through.
        self.hops = [
            Hop(
                request=request,
                team=request.provider_team,
                person=request.provider_person,
                started_at=start,
            )
            for start in self.hops_started
        ]
        insert_all(self.hops)
        _save_events([*self.events, *also])


_KEPT = (
    "status",
    "responded_at",
    "done_at",
    "cancelled_at",
    "early",
    "slack_seconds",
    "decision",
    "decision_reason",
    "last_event_seq",
)


def _life_of(request: Request) -> RequestLife:
    resolution = request.clock("resolution")
    paused_since = None
    if request.status == Status.WAITING_ON_REQUESTER and resolution is not None:
        paused_since = request.events.filter(kind=Event.Kind.PAUSED).latest("seq").at
    return RequestLife(
        status=request.status,
        response=request.clock("response"),
        resolution=resolution,
        provider_team_id=request.provider_team_id,
        provider_person_id=request.provider_person_id,
        needed_by=request.needed_by,
        assignee_id=request.assignee_id,
        warned=frozenset(name for name in CLOCKS if getattr(request, f"{name}_warned")),
        breached=frozenset(name for name in CLOCKS if getattr(request, f"{name}_breached")),
        responded_at=request.responded_at,
        done_at=request.done_at,
        cancelled_at=request.cancelled_at,
        early=request.early,
        slack_seconds=request.slack_seconds,
        decision=request.decision,
        decision_reason=request.decision_reason,
        paused_since=paused_since,
        last_event_seq=request.last_event_seq,
    )


def _lead_of(team_id: int) -> int | None:
    return Team.objects.filter(pk=team_id).values_list("lead_id", flat=True).first()


def _rows(
    request: Request, events: Iterable[request_life.LifeEvent], known: Sequence[Person]
) -> list[Event]:
    people = {person.pk: person for person in known}
    rows = []
    for event in events:
        row = Event(request=request, seq=event.seq, kind=event.kind, at=event.at, data=event.data)
        if event.actor_id in people:
            row.actor = people[event.actor_id]
        else:
            row.actor_id = event.actor_id
        rows.append(row)
    return rows


def _save_events(events: Sequence[Event]) -> None:
    """Keep a write's events and publish them to the outbox, in the write's transaction."""
    if not events:
        return
    insert_all(events)
    publish_many(
        Published(
            f"request.{event.kind}",
            _payload(event),
            key=f"request:{event.request_id}:{event.seq}",
        )
        for event in events
    )


def _payload(event: Event) -> Mapping[str, object]:
    return {
        "request_id": event.request_id,
        "seq": event.seq,
        "kind": event.kind,
        "actor_id": event.actor_id,
        "at": event.at.astimezone(UTC).isoformat(),
        "data": event.data,
    }
