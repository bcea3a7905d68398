"""Reads of requests: the queues, my requests, one request's page. Every one is filtered by
what the person may see, and costs a fixed number of queries whatever the data's size.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Prefetch, QuerySet, Value, When, prefetch_related_objects

from relaydesk.core.lifecycle import Side
from relaydesk.directory.models import Person, Team
from relaydesk.directory.selectors import teams_led_by
from relaydesk.pagination import Page, keyset_page
from relaydesk.servicerequests import permissions, services
from relaydesk.servicerequests.models import OPEN_STATUSES, Event, Hop, Request

PAGE_SIZE = 50
# "Earliest due first" (SPEC §3.4's default policy); the id makes the order total.
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
    return Request.objects.select_related(
        "service", "requester", "assignee", "provider_team", "provider_person"
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
    cursor: str | None = None,
    size: int = PAGE_SIZE,
) -> Page:
    """The open work given to me, earliest due first."""
    requests = _filtered(_listed().filter(assignee=person), filters)
    return keyset_page(requests, order=QUEUE_ORDER, cursor=cursor, size=size)


def team_queue(
    *,
    person: Person,
    team: Team,
    filters: RequestFilters = RequestFilters(status="open"),
    cursor: str | None = None,
    size: int = PAGE_SIZE,
) -> Page:
    """A team's requests, earliest due first, as far as `person` may see them."""
    requests = _listed().filter(permissions.visible_requests(person), provider_team=team)
    return keyset_page(_filtered(requests, filters), order=QUEUE_ORDER, cursor=cursor, size=size)


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
    """Per-hop accounting of a request request_for loaded, from what it loaded."""
    return services.time_by_holder(
        shown,
        until=until,
        hops=shown.hop_list,
        subrequests=shown.subrequest_list,
        events=shown.timeline,  # pauses and resumes are in every viewer's timeline
    )


def _hide_unseen_requests(shown: Request) -> None:
    """Events that name another request (a sub-request split off, a link) keep its id and
    title only for those who may see that request."""
    seen = {other.pk for other in (*shown.children, *shown.unblocking, *shown.blockers)}
    for event in shown.timeline:
        for key in ("child", "unblocks", "blocked_by"):
            if event.data.get(key) is not None and event.data[key] not in seen:
                event.data = {**event.data, key: None} | (
                    {"title": None} if "title" in event.data else {}
                )
