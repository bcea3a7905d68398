"""Reads of requests: the queues, my requests, one request's page. Every one is filtered by
what the person may see, and costs a fixed number of queries whatever the data's size.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Case,
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils import timezone

from relaydesk.catalog.models import Service
from relaydesk.core.assignment import at_work_limit
from relaydesk.core.hops import holder_seen, holders_seen
from relaydesk.core.lifecycle import Side
from relaydesk.core.queue_policy import QueuePolicy, Waiting, ranked, reason
from relaydesk.directory.models import Party, Person, Team
from relaydesk.directory.selectors import teams_led_by
from relaydesk.pagination import InvalidCursor, Page, keyset_page
from relaydesk.servicerequests import permissions, services
from relaydesk.servicerequests.models import NOT_DUE, OPEN_STATUSES, Event, Hop, Request, Status

PAGE_SIZE = 50
# A queue listing closed requests (through the API) has no policy to follow: earliest due first.
QUEUE_ORDER = ("queue_due_at", "id")
NEWEST_FIRST = ("-created_at", "-id")


@dataclass(frozen=True)
class RequestFilters:
    status: str | None = None  # a status, "open", or None for all
    service_id: int | None = None
    team_id: int | None = None
    unassigned: bool = False


# A list shows people and services by name: leaving their other wide or parsed columns
# (texts, JSON, timestamps) unread is a large part of a list page's cost.
_UNLISTED_COLUMNS = (
    "details",
    "proposed_slots",
    "service__description",
    "service__keywords",
    "service__created_at",
    "service__updated_at",
    *(
        f"{person}__{column}"
        for person in ("requester", "assignee", "provider_person")
        for column in ("password", "last_login", "created_at", "timezone", "manager")
    ),
)


def _listed() -> QuerySet[Request]:
    # The service's calendar words each row's clock in its working days.
    return Request.objects.select_related(
        "service__calendar", "requester", "assignee", "provider_team", "provider_person"
    ).defer(*_UNLISTED_COLUMNS)


def _filtered(requests: QuerySet[Request], filters: RequestFilters) -> QuerySet[Request]:
    if filters.status == "open":
        requests = requests.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        requests = requests.filter(status=filters.status)
    if filters.service_id:
        requests = requests.filter(service_id=filters.service_id)
    if filters.team_id:
        requests = requests.filter(provider_team_id=filters.team_id)
    if filters.unassigned:
        requests = requests.filter(assignee__isnull=True)
    return requests


def my_requests(
    *,
    person: Person,
    filters: RequestFilters = RequestFilters(),
    cursor: str | None = None,
    size: int = PAGE_SIZE,
) -> Page:
    """What I asked for, newest first."""
    requests = _filtered(_listed().filter(requester=person), filters)
    return keyset_page(requests, order=NEWEST_FIRST, cursor=cursor, size=size)


def my_queue(
    *,
    person: Person,
    filters: RequestFilters = RequestFilters(status="open"),
    policy: QueuePolicy | None = None,
    cursor: str | None = None,
    size: int = PAGE_SIZE,
) -> Page:
    """The work given to me, open work in the order of my team's queue policy."""
    requests = _filtered(_listed().filter(assignee=person), filters)
    policy = policy or _own_team(person)[0]
    return _queue_page(requests, filters=filters, policy=policy, cursor=cursor, size=size)


@dataclass(frozen=True)
class OwnQueue:
    """What a person's own queue follows: their team's policy, and their work against their
    work-in-progress limit (None: no limit)."""

    policy: QueuePolicy
    load: int
    limit: int | None

    @property
    def at_limit(self) -> bool:
        return at_work_limit(self.load, self.limit)


def own_queue(person: Person) -> OwnQueue:
    policy, team_limit = _own_team(person)
    load = Request.objects.filter(assignee=person, status__in=OPEN_STATUSES).count()
    return OwnQueue(policy, load, person.work_limit(team_limit))


def _own_team(person: Person) -> tuple[QueuePolicy, int | None]:
    """The queue policy and the work limit of the person's team (none: the defaults)."""
    team = Team.objects.filter(pk=person.team_id).values_list("queue_policy", "wip_limit")
    policy, team_limit = team.first() or (QueuePolicy.EARLIEST_DUE, None)
    return QueuePolicy(policy), team_limit


def open_loads(people: list[Person]) -> dict[int, int]:
    """How many open requests each of `people` holds (absent: none)."""
    rows = (
        Request.objects.filter(assignee__in=people, status__in=OPEN_STATUSES)
        .values_list("assignee_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def team_queue(
    *,
    person: Person,
    team: Team,
    filters: RequestFilters = RequestFilters(status="open"),
    cursor: str | None = None,
    size: int = PAGE_SIZE,
) -> Page:
    """A team's requests in the order of its queue policy, as far as `person` may see them."""
    requests = _listed().filter(permissions.visible_requests(person), provider_team=team)
    requests = _filtered(requests, filters)
    return _queue_page(
        requests, filters=filters, policy=team.queue_policy, cursor=cursor, size=size
    )


def _queue_page(
    requests: QuerySet[Request],
    *,
    filters: RequestFilters,
    policy: str,
    cursor: str | None,
    size: int,
) -> Page:
    """A page of a queue. Its open requests are ranked by the policy (core.queue_policy) from
    a narrow read of all of them — a queue holds hundreds, not millions — then the page's rows
    are read whole, each with `queue_reason` saying why it is there. The cursor keeps the
    instant the first page was ranked at, so the next page follows the same order."""
    if not (filters.status == "open" or filters.status in OPEN_STATUSES):
        return keyset_page(requests, order=QUEUE_ORDER, cursor=cursor, size=size)
    now, after = _decode_queue_cursor(cursor) if cursor else (timezone.now(), None)
    policy = QueuePolicy(policy)
    queue = ranked(policy, _waiting(requests), now=now)
    start = 0
    if after is not None:
        position = {waiting.request_id: n for n, waiting in enumerate(queue)}
        start = position.get(after[0], after[1] - 1) + 1
    stop = min(start + size, len(queue))
    rows = requests.in_bulk([queue[n].request_id for n in range(start, stop)])
    items = []
    for n in range(start, stop):
        row = rows.get(queue[n].request_id)
        if row is None:  # done between the two reads: left out
            continue
        calendar = row.service.calendar.engine()
        row.queue_reason = reason(policy, queue, n, now=now, calendar=calendar)
        items.append(row)
    more = stop < len(queue)
    last = queue[stop - 1].request_id if stop else 0
    return Page(items, _encode_queue_cursor(now, last, stop) if more else None)


def _waiting(requests: QuerySet[Request]) -> list[Waiting]:
    """The queue's open requests as the policy weighs them, in one narrow query."""
    blocked = Request.unblocks.through.objects.filter(
        from_request=OuterRef("pk"), to_request__status__in=OPEN_STATUSES
    ).order_by()
    keys = requests.order_by().annotate(
        blocks=Subquery(blocked.values("from_request").annotate(n=Count("pk")).values("n")),
        reached=Subquery(
            blocked.filter(to_request__party__isnull=False)
            .order_by("to_request__party__name")
            .values("to_request__party__name")[:1]
        ),
    )
    return [
        Waiting(
            request_id=pk,
            arrived_at=created_at,
            due_at=None if due_at == NOT_DUE else due_at,
            party=party,
            blocks=blocks or 0,
            parties_reached=(reached,) if reached else (),
            waiting_on_requester=status == Status.WAITING_ON_REQUESTER,
        )
        for pk, created_at, due_at, status, party, blocks, reached in keys.values_list(
            "pk", "created_at", "queue_due_at", "status", "party__name", "blocks", "reached"
        )
    ]


def _encode_queue_cursor(now: datetime, last_id: int, shown: int) -> str:
    text = json.dumps([now.isoformat(), last_id, shown])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode_queue_cursor(cursor: str) -> tuple[datetime, tuple[int, int]]:
    """The instant the queue was ranked at, the last request shown and how many were."""
    try:
        at, last_id, shown = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        now = datetime.fromisoformat(at)
    except (binascii.Error, ValueError, TypeError):
        raise InvalidCursor("cursor is not one this server gave out") from None
    valid = now.tzinfo is not None and all(
        isinstance(n, int) and not isinstance(n, bool) and 0 <= n < 2**63 for n in (last_id, shown)
    )
    if not valid:
        raise InvalidCursor("cursor is not one this server gave out")
    return now, (last_id, shown)


def held_by(*, viewer: Person, person: Person, size: int = PAGE_SIZE) -> list[Request]:
    """The open requests `person` holds (assigned, or asked of them personally), earliest due
    first, as far as `viewer` may see them: what a backup covers while `person` is away."""
    held = Q(assignee=person) | Q(provider_person=person, assignee__isnull=True)
    requests = _listed().filter(
        permissions.visible_requests(viewer), held, status__in=OPEN_STATUSES
    )
    return list(requests.order_by(*QUEUE_ORDER)[:size])


@dataclass(frozen=True)
class NeedsMe:
    """What the home page puts first: the requests waiting on my answer, and the open work I
    hold that is late or at risk, most overdue first."""

    waiting_on_me: list[Request]
    late_or_at_risk: list[Request]


def needs_me(*, person: Person, now: datetime, size: int = PAGE_SIZE) -> NeedsMe:
    held = Q(assignee=person) | Q(provider_person=person, assignee__isnull=True)
    pressed = (
        Q(queue_due_at__lte=now) | Q(response_warn_at__lte=now) | Q(resolution_warn_at__lte=now)
    )
    waiting = _listed().filter(requester=person, status=Status.WAITING_ON_REQUESTER)
    late = _listed().filter(held, pressed, status__in=OPEN_STATUSES)
    return NeedsMe(
        waiting_on_me=list(waiting.order_by(*NEWEST_FIRST)[:size]),
        late_or_at_risk=list(late.order_by(*QUEUE_ORDER)[:size]),
    )


def late_in_team_queue(*, viewer: Person, team: Team, now: datetime, size: int) -> list[Request]:
    """The team's open requests past a running clock's due time, most overdue first, as far
    as `viewer` may see them."""
    requests = _listed().filter(
        permissions.visible_requests(viewer),
        provider_team=team,
        status__in=OPEN_STATUSES,
        queue_due_at__lte=now,
    )
    return list(requests.order_by(*QUEUE_ORDER)[:size])


def covered_by(*, person: Person, backup: Person) -> list[Request]:
    """The open requests asked of `person` personally that `backup` holds: what handing back
    after an absence would return."""
    requests = _listed().filter(provider_person=person, assignee=backup, status__in=OPEN_STATUSES)
    return list(requests.order_by(*QUEUE_ORDER))


def visible_requests(
    *,
    person: Person,
    filters: RequestFilters = RequestFilters(),
    cursor: str | None = None,
    size: int = PAGE_SIZE,
) -> Page:
    """Everything `person` may see, newest first (the API's plain list)."""
    requests = _filtered(_listed().filter(permissions.visible_requests(person)), filters)
    return keyset_page(requests, order=NEWEST_FIRST, cursor=cursor, size=size)


def may_see_team_queue(person: Person, team: Team) -> bool:
    return person.is_admin or person.team_id == team.pk or team.pk in teams_led_by(person)


def request_for(person: Person, request_id: int) -> Request | None:
    """One request with its timeline as `person` may see it (internal notes only for the
    provider side), its hops, sub-requests, links and the request it was split from, each
    other request only where `person` may see it; None when it is not theirs to see."""
    request = (
        Request.objects.filter(permissions.visible_requests(person), pk=request_id)
        .select_related(
            "service__calendar",
            "requester",
            "assignee",
            "provider_team",
            "provider_person",
            "party",
        )
        .first()
    )
    if request is None:
        return None
    sides = permissions.sides_of(person, request)
    events = Event.objects.select_related("actor").order_by("seq")
    if Side.PROVIDER not in sides:
        events = events.exclude(kind=Event.Kind.NOTE)
    seen = permissions.visible_requests(person)
    related = Request.objects.filter(seen).select_related(
        "service", "provider_team", "provider_person"
    )
    # Every sub-request counts in the time used by each hop; only those `person` may see are
    # named to them.
    subrequests = Request.objects.select_related(
        "service", "provider_team", "provider_person"
    ).annotate(may_be_seen=Case(When(seen, then=Value(True)), default=Value(False)))
    prefetch_related_objects(
        [request],
        Prefetch("events", queryset=events, to_attr="timeline"),
        Prefetch("hops", queryset=Hop.objects.select_related("team", "person"), to_attr="hop_list"),
        Prefetch("subrequests", queryset=subrequests, to_attr="subrequest_list"),
        Prefetch("unblocks", queryset=related, to_attr="unblocking"),
        Prefetch("blocked_by", queryset=related, to_attr="blockers"),
        Prefetch("parent", queryset=related, to_attr="visible_parent"),
    )
    request.children = [child for child in request.subrequest_list if child.may_be_seen]
    request.viewer_sides = sides
    _hide_unseen_requests(request)
    return request


def request_created_for(person: Person, created: Request) -> Request:
    """A request `person` has just created, as request_for shows it, from what creating it
    wrote (`created.written`) rather than from reading it all back."""
    written = created.written
    created.viewer_sides = permissions.sides_of(person, created)
    created.timeline = written.events  # no internal note yet: the same for every viewer
    created.hop_list = written.hops
    created.subrequest_list = created.children = []  # nothing split off it yet
    created.unblocking = written.unblocks  # each one seen by its creator, or refused
    created.blockers = []  # nothing waits for it yet
    created.visible_parent = created.parent  # a provider splitting work sees what they split
    return created


def time_used(shown: Request, *, until: datetime) -> dict[str, int]:
    """Per-hop accounting of a request request_for loaded, from what it loaded; a sub-request
    the viewer may not see is only "a request to another team"."""
    used = services.time_by_holder(
        shown,
        until=until,
        hops=shown.hop_list,
        subrequests=shown.subrequest_list,
        events=shown.timeline,  # pauses and resumes are in every viewer's timeline
    )
    return holders_seen(used, {child.pk for child in shown.children})


def _hide_unseen_requests(shown: Request) -> None:
    """Events that name another request (a sub-request split off, a link, a breach charged to
    a sub-request) keep its id, title, service and team only for those who may see it."""
    seen = {other.pk for other in (*shown.children, *shown.unblocking, *shown.blockers)}
    children = {child.pk for child in shown.children}
    for event in shown.timeline:
        for key in ("child", "unblocks", "blocked_by"):
            if event.data.get(key) is not None and event.data[key] not in seen:
                event.data = {**event.data, key: None} | {
                    named: None for named in ("title", "service") if named in event.data
                }
        if event.data.get("by_hop"):
            event.data = {
                **event.data,
                "by_hop": holders_seen(event.data["by_hop"], children),
                "attributed_to": holder_seen(event.data.get("attributed_to") or "", children)
                or None,
            }


@dataclass
class ServingParty:
    """Who serves an external party, most asked first; each row carries `used`, its count."""

    services: list[Service]
    teams: list[Team]


def serving_party(party: Party, *, size: int) -> ServingParty:
    """The services asked and the teams holding requests on an external party's behalf.

    Confidential requests are left out: counting them would say who asked in confidence
    about whom. One aggregate query each, whatever the number of requests.
    """
    # Filtering on the relation before counting it makes the count use the same join.
    asked = {"requests__party": party, "requests__confidential": False}
    held = {"queue__party": party, "queue__confidential": False}
    return ServingParty(
        services=list(
            Service.objects.filter(**asked)
            .annotate(used=Count("requests"))
            .order_by("-used", "name")[:size]
        ),
        teams=list(
            Team.objects.filter(**held)
            .annotate(used=Count("queue"))
            .order_by("-used", "name")[:size]
        ),
    )
