"""Requests in the API: ask, list, read with the timeline, and act on a request (SPEC §3.2).

A request the caller may not see is a 404, never a 403, so that its existence does not leak.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from relaydesk.api_references import References
from relaydesk.api_schemas import (
    BoundedDateTime,
    Cursor,
    DatabaseId,
    ErrorOut,
    page_schema,
    responses,
    whole_number,
)
from relaydesk.catalog.api import ProviderOut, Slug
from relaydesk.catalog.models import Priority, Service
from relaydesk.catalog.selectors import service_to_ask
from relaydesk.clean_input import BIGGEST
from relaydesk.core.clocks import ClockState
from relaydesk.core.lifecycle import Side
from relaydesk.directory.api import PartyOut
from relaydesk.directory.models import Party, Person, Team
from relaydesk.errors import InvalidInput, NotFound
from relaydesk.idempotency import idempotent
from relaydesk.servicerequests import presenters, selectors, services
from relaydesk.servicerequests.invitations import invitation_response
from relaydesk.servicerequests.models import (
    MOST_PROPOSED_SLOTS,
    NOT_DUE,
    TEXT_LENGTH,
    TITLE_LENGTH,
    Decision,
    Event,
    Hop,
    Request,
)
from relaydesk.servicerequests.models import Status as RequestStatusChoices
from relaydesk.servicerequests.permissions import visible_requests
from relaydesk.servicerequests.selectors import RequestFilters

router = Router(tags=["requests"])

# The OpenAPI schema of an enumeration is named after its class: these names say what they are.
RequestStatus = StrEnum(
    "RequestStatus", [(status.name, status.value) for status in RequestStatusChoices]
)
StatusFilter = StrEnum(
    "StatusFilter", [("OPEN", "open"), *((s.name, s.value) for s in RequestStatusChoices)]
)
EventKind = StrEnum("EventKind", [(kind.name, kind.value) for kind in Event.Kind])


class Role(StrEnum):
    REQUESTER = "requester"
    PROVIDER = "provider"
    ALL = "all"


# -- what goes in -----------------------------------------------------------------------------


class SlotIn(Schema):
    start: BoundedDateTime = Field(examples=["2026-11-25T10:00:00+01:00"])
    end: BoundedDateTime = Field(examples=["2026-11-25T10:30:00+01:00"])


class SlotOut(Schema):
    start: datetime
    end: datetime


Version = whole_number(ge=1, le=BIGGEST)
VERSION = Field(
    None,
    description="The version you acted on. If the request changed since, you get a 409.",
    examples=[3],
)


SERVICE = Field(description="The service's slug.")


class RequestIn(Schema):
    service: Slug = SERVICE
    title: str = Field(max_length=TITLE_LENGTH, examples=["Fit winter tyres to the demo van"])
    details: str = Field(
        "", max_length=TEXT_LENGTH, examples=["The van leaves for Harbour Motors on Friday."]
    )
    priority: Priority = Priority.NORMAL
    needed_by: BoundedDateTime | None = Field(
        None, description="When you need it done, with an offset.", examples=["2026-11-27T12:00Z"]
    )
    party_id: DatabaseId | None = Field(
        None, description="The external party this work serves.", examples=[3]
    )
    unblocks: list[DatabaseId] = Field(
        [], description="Ids of requests that wait for this one.", examples=[[41]]
    )
    proposed_slots: list[SlotIn] = Field(
        [],
        max_length=MOST_PROPOSED_SLOTS,
        description="Times you could meet (face-time services only).",
    )


class TransitionIn(Schema):
    to: RequestStatus = Field(examples=["acknowledged"])
    message: str = Field(
        "",
        max_length=TEXT_LENGTH,
        description="Required to wait on the requester (the question) and to decide an "
        "approval (the reason).",
        examples=["Which van: the blue or the white one?"],
    )
    decision: Decision | None = Field(None, description="How an approval ends.")
    version: Version | None = VERSION


class CommentIn(Schema):
    body: str = Field(max_length=TEXT_LENGTH, examples=["The tyres arrive on Wednesday."])
    internal: bool = Field(False, description="A note only the provider side sees.")
    version: Version | None = VERSION


class AssignmentIn(Schema):
    assignee_id: DatabaseId | None = Field(
        description="Who takes it; null puts it back in the queue."
    )
    version: Version | None = VERSION


class TransferIn(Schema):
    team_id: DatabaseId = Field(description="The providing team that takes the request over.")
    message: str = Field("", max_length=TEXT_LENGTH, examples=["Purchasing orders the tyres."])
    version: Version | None = VERSION


class SubrequestIn(Schema):
    service: Slug = SERVICE
    title: str = Field(max_length=TITLE_LENGTH, examples=["Approve four winter tyres"])
    details: str = Field("", max_length=TEXT_LENGTH)
    priority: Priority = Priority.NORMAL


SlotIndex = whole_number(ge=0, le=MOST_PROPOSED_SLOTS - 1)


class SlotPickIn(Schema):
    index: SlotIndex = Field(
        description="Which proposed time, counting from 0.",
        examples=[0],
    )
    version: Version | None = VERSION


class RequestParams(Schema):
    status: StatusFilter | None = Field(None, description="A status, or `open` for all open.")
    service: Slug | None = Field(None, description="A service's slug.")
    cursor: Cursor = None
    limit: int = Field(selectors.PAGE_SIZE, ge=1, le=200)


class RequestListParams(RequestParams):
    role: Role = Field(
        Role.ALL,
        description="`requester`: what I asked for, newest first. `provider`: my queue, what "
        "is assigned to me, open work in my team's queue-policy order (open unless `status` "
        "says otherwise; closed requests earliest due first). `all`: "
        "every request I may see, newest first.",
    )
    team_id: DatabaseId | None = Field(None, description="Only requests this team holds.")


class QueueParams(RequestParams):
    status: StatusFilter | None = Field(StatusFilter.OPEN, description="A status, or `open`.")
    unassigned: bool = False


# -- what comes out ---------------------------------------------------------------------------


class PersonRef(Schema):
    id: int = Field(examples=[7])
    name: str = Field(examples=["Max Member"])


class ServiceRef(Schema):
    slug: str = Field(examples=["wheel-fitting"])
    name: str = Field(examples=["Wheel fitting"])
    kind: Service.Kind
    confidential: bool


class ClockOut(Schema):
    state: ClockState = Field(
        description="running, warning (the share of the promise that warns is used), late, "
        "paused (waiting on the requester), met or missed once finished, stopped if cancelled."
    )
    target_seconds: int = Field(description="Business seconds promised.", examples=[28800])
    used_seconds: int = Field(
        description="Business seconds used up to this answer.", examples=[5400]
    )
    running: bool = Field(description="False while paused, and once stopped.")
    due_at: datetime | None = Field(description="When the promise runs out; null unless running.")
    warn_at: datetime | None
    warned: bool
    breached: bool


class ClocksOut(Schema):
    response: ClockOut | None = Field(description="Null when the service promises nothing.")
    resolution: ClockOut | None


class RequestRef(Schema):
    id: int = Field(examples=[42])
    title: str = Field(examples=["Fit winter tyres to the demo van"])
    status: RequestStatus
    service: ServiceRef
    confidential: bool = Field(
        description="Asked in confidence (its service was confidential then): seen only by "
        "the requester, the assignee and the providing team's lead, whatever the service is now."
    )
    provider: ProviderOut | None

    @staticmethod
    def resolve_provider(request: Request) -> dict[str, Any] | None:
        return _provider(request.provider_team, request.provider_person)


class RequestSummaryOut(RequestRef):
    priority: Priority
    version: int
    requester: PersonRef
    assignee: PersonRef | None
    created_at: datetime
    needed_by: datetime | None
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    due_at: datetime | None = Field(description="The earliest running due time.")
    breached: bool
    queue_reason: str | None = Field(
        None,
        description="In a queue of open requests: why the team's queue policy puts it there.",
        examples=["due in 40 min; blocks 3 requests for Harbour Motors"],
    )

    @staticmethod
    def resolve_due_at(request: Request) -> datetime | None:
        return None if request.queue_due_at == NOT_DUE else request.queue_due_at

    @staticmethod
    def resolve_breached(request: Request) -> bool:
        return request.response_breached or request.resolution_breached

    @staticmethod
    def resolve_queue_reason(request: Request) -> str | None:
        return getattr(request, "queue_reason", None)


class HopOut(Schema):
    holder: ProviderOut | None
    started_at: datetime
    ended_at: datetime | None

    @staticmethod
    def resolve_holder(hop: Hop) -> dict[str, Any] | None:
        return _provider(hop.team, hop.person)


class EventOut(Schema):
    seq: int = Field(examples=[3])
    kind: EventKind
    actor: PersonRef | None = Field(description="Null for what the system did itself.")
    at: datetime
    data: dict[str, Any] = Field(
        description="What the event says; its keys depend on the kind. Another request that "
        "you may not see is named by null.",
        examples=[{"from": "new", "to": "acknowledged", "message": ""}],
    )


class RequestOut(RequestSummaryOut):
    details: str = Field(examples=["The van leaves for Harbour Motors on Friday."])
    party: PartyOut | None
    sides: list[Side] = Field(description="Where you stand: requester, provider, both or none.")
    responded_at: datetime | None
    done_at: datetime | None
    cancelled_at: datetime | None
    early: bool | None = Field(description="Done before the needed-by date.")
    slack_seconds: int | None = Field(description="How long before the needed-by date.")
    decision: Decision | None
    decision_reason: str
    proposed_slots: list[SlotOut]
    slot: SlotOut | None = Field(description="The time the provider picked.")
    clocks: ClocksOut
    parent_id: int | None = Field(
        description="The request this one was split from; null if none, or not yours to see."
    )
    parent: RequestRef | None = Field(description="That request, when you may see it.")
    subrequests: list[RequestRef]
    unblocks: list[RequestRef]
    blocked_by: list[RequestRef]
    hops: list[HopOut]
    timeline: list[EventOut] = Field(description="What happened, as far as you may see it.")

    @staticmethod
    def resolve_sides(request: Request) -> list[str]:
        return sorted(request.viewer_sides)

    @staticmethod
    def resolve_decision(request: Request) -> str | None:
        return request.decision or None

    @staticmethod
    def resolve_slot(request: Request) -> dict[str, datetime] | None:
        if request.slot_start is None:
            return None
        return {"start": request.slot_start, "end": request.slot_end}

    @staticmethod
    def resolve_clocks(request: Request) -> dict[str, dict[str, Any] | None]:
        return presenters.clocks_out(request, request.service.calendar.engine(), timezone.now())

    @staticmethod
    def resolve_parent_id(request: Request) -> int | None:
        return request.visible_parent.pk if request.visible_parent else None

    @staticmethod
    def resolve_parent(request: Request) -> Request | None:
        return request.visible_parent

    @staticmethod
    def resolve_subrequests(request: Request) -> list[Request]:
        return request.children

    @staticmethod
    def resolve_unblocks(request: Request) -> list[Request]:
        return request.unblocking

    @staticmethod
    def resolve_blocked_by(request: Request) -> list[Request]:
        return request.blockers

    @staticmethod
    def resolve_hops(request: Request) -> list[Hop]:
        return request.hop_list


RequestPage = page_schema(RequestSummaryOut)


def _provider(team: Team | None, person: Person | None) -> dict[str, Any] | None:
    if team is not None:
        return {"kind": "team", "id": team.pk, "name": team.name}
    if person is not None:
        return {"kind": "person", "id": person.pk, "name": person.name}
    return None


def _acted(*errors: int) -> dict[int, Any]:
    # 204: the action took the request out of the caller's sight (handed to another team).
    return {**responses(200, RequestOut, *errors), 204: None}


# -- the routes -------------------------------------------------------------------------------


@router.post("/requests", response=responses(201, RequestOut, 403, 422))
@idempotent
def request_new(request: HttpRequest, payload: RequestIn):
    """Ask a service for something. It is routed at once and its due times are computed."""
    refs = References()
    service = _service_to_ask(refs, payload.service)
    party = refs.one(Party, payload.party_id, "party_id")
    unblocks = _visible_requests(refs, request.auth, payload.unblocks, "unblocks")
    refs.raise_if_unknown()
    created = services.request_create(
        requester=request.auth,
        service=service,
        title=payload.title,
        details=payload.details,
        priority=payload.priority,
        needed_by=payload.needed_by,
        party=party,
        unblocks=unblocks,
        proposed_slots=[services.Slot(slot.start, slot.end) for slot in payload.proposed_slots],
    )
    return Status(201, selectors.request_created_for(request.auth, created))


@router.get("/requests", response=responses(200, RequestPage, 400, 422))
def request_list(request: HttpRequest, params: Query[RequestListParams]):
    """Requests I asked for, my queue, or everything I may see; filtered, a page at a time."""
    person, page = request.auth, {"cursor": params.cursor, "size": params.limit}
    if params.role == Role.REQUESTER:
        return selectors.my_requests(person=person, filters=_filters(params), **page)
    if params.role == Role.PROVIDER:
        filters = _filters(params, status=params.status or StatusFilter.OPEN)
        return selectors.my_queue(person=person, filters=filters, **page)
    return selectors.visible_requests(person=person, filters=_filters(params), **page)


@router.get("/teams/{team_id}/queue", response=responses(200, RequestPage, 400, 403, 404, 422))
def team_queue(request: HttpRequest, team_id: DatabaseId, params: Query[QueueParams]):
    """A team's open requests in the order of its queue policy, each with why it is there:
    for its members, its leads and admins."""
    team = get_object_or_404(Team, pk=team_id)
    if not selectors.may_see_team_queue(request.auth, team):
        raise PermissionDenied(f"Only {team}'s members, its leads and admins see its queue.")
    return selectors.team_queue(
        person=request.auth,
        team=team,
        filters=_filters(params, unassigned=params.unassigned),
        cursor=params.cursor,
        size=params.limit,
    )


@router.get("/requests/{request_id}", response=responses(200, RequestOut, 404))
def request_detail(request: HttpRequest, request_id: DatabaseId):
    """The request with its clocks, links, hops and timeline, as far as you may see them."""
    return _shown(request, request_id)


@router.post("/requests/{request_id}/transitions", response=_acted(403, 404, 409, 422))
def request_transition(request: HttpRequest, request_id: DatabaseId, payload: TransitionIn):
    """Move the request along its lifecycle; a move that makes no sense now is a 409."""
    services.request_transition(
        actor=request.auth,
        request_id=request_id,
        to=payload.to,
        message=payload.message,
        decision=payload.decision or "",
        expected_version=payload.version,
    )
    return _answer(request, request_id)


@router.post(
    "/requests/{request_id}/comments", response=responses(201, RequestOut, 403, 404, 409, 422)
)
@idempotent
def request_comment(request: HttpRequest, request_id: DatabaseId, payload: CommentIn):
    """A message the requester sees, or an internal note for the provider side."""
    services.request_comment(
        actor=request.auth,
        request_id=request_id,
        body=payload.body,
        internal=payload.internal,
        expected_version=payload.version,
    )
    return Status(201, _shown(request, request_id))


@router.post("/requests/{request_id}/assignment", response=_acted(403, 404, 409, 422))
def request_assignment(request: HttpRequest, request_id: DatabaseId, payload: AssignmentIn):
    """Take the request, give it to someone on the team (leads), or put it back."""
    refs = References()
    assignee = refs.one(Person, payload.assignee_id, "assignee_id")
    refs.raise_if_unknown()
    with _named_as_sent(assignee="assignee_id"):
        services.request_assign(
            actor=request.auth,
            request_id=request_id,
            assignee=assignee,
            expected_version=payload.version,
        )
    return _answer(request, request_id)


@router.post("/requests/{request_id}/transfer", response=_acted(403, 404, 409, 422))
def request_transfer(request: HttpRequest, request_id: DatabaseId, payload: TransferIn):
    """Hand the request to another providing team: its hop ends, theirs starts."""
    refs = References()
    team = refs.one(Team, payload.team_id, "team_id")
    refs.raise_if_unknown()
    with _named_as_sent(team="team_id"):
        services.request_transfer(
            actor=request.auth,
            request_id=request_id,
            team=team,
            message=payload.message,
            expected_version=payload.version,
        )
    return _answer(request, request_id)


@router.post(
    "/requests/{request_id}/subrequests", response=responses(201, RequestOut, 403, 404, 409, 422)
)
@idempotent
def subrequest_new(request: HttpRequest, request_id: DatabaseId, payload: SubrequestIn):
    """Split off part of the work to another service; the request waits for it."""
    refs = References()
    service = _service_to_ask(refs, payload.service)
    refs.raise_if_unknown()
    child = services.subrequest_create(
        actor=request.auth,
        parent_id=request_id,
        service=service,
        title=payload.title,
        details=payload.details,
        priority=payload.priority,
    )
    return Status(201, selectors.request_created_for(request.auth, child))


@router.post("/requests/{request_id}/slot", response=_acted(403, 404, 409, 422))
def request_slot(request: HttpRequest, request_id: DatabaseId, payload: SlotPickIn):
    """The provider picks one of the proposed times; the invitation is then ready."""
    with _named_as_sent(slot="index"):
        services.request_pick_slot(
            actor=request.auth,
            request_id=request_id,
            index=payload.index,
            expected_version=payload.version,
        )
    return _answer(request, request_id)


@router.get(
    "/requests/{request_id}/invitation.ics",
    response={401: ErrorOut, 404: ErrorOut},
    openapi_extra={
        "responses": {
            "200": {
                "description": "An iCalendar invitation (METHOD:REQUEST) to the picked time.",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        }
    },
)
def request_invitation(request: HttpRequest, request_id: DatabaseId):
    """The invitation to a face-time request's picked time, for the requester and assignee."""
    shown = _shown(request, request_id)
    response = invitation_response(shown, url=_page_url(request, shown))
    if response is None:
        raise NotFound(f"request #{request_id} has no time picked yet")
    return response


# -- the pieces the routes share --------------------------------------------------------------


def _shown(request: HttpRequest, request_id: int) -> Request:
    shown = selectors.request_for(request.auth, request_id)
    if shown is None:
        raise NotFound(f"no request #{request_id} that you can see")
    return shown


def _answer(request: HttpRequest, request_id: int) -> Request | Status:
    shown = selectors.request_for(request.auth, request_id)
    return Status(204, None) if shown is None else shown


def _service(
    refs: References, slug: str, services: type[Service] | QuerySet[Service] = Service
) -> Service | None:
    found = refs.many(services, [slug], "service", key="slug")
    return found[0] if found else None


def _service_to_ask(refs: References, slug: str) -> Service | None:
    """The service, with what asking it needs: where requests go, its calendar, its promises."""
    service = service_to_ask(slug)
    if service is None:
        refs.note_unknown(Service, "service", "slug", [slug])
    return service


def _visible_requests(refs: References, person: Person, ids: list[int], field: str) -> list:
    if not ids:
        return []
    # Requests the caller may not see are named exactly like those that do not exist.
    found = Request.objects.filter(visible_requests(person)).in_bulk(ids)
    missing = [str(pk) for pk in dict.fromkeys(ids) if pk not in found]
    if missing:
        refs.errors[field] = [f"no request you can see with id {', '.join(missing)}"]
    return [found[pk] for pk in dict.fromkeys(ids) if pk in found]


def _filters(params: RequestParams, **given: Any) -> RequestFilters:
    refs = References()
    service = _service(refs, params.service) if params.service else None
    team_id = getattr(params, "team_id", None)
    refs.one(Team, team_id, "team_id")
    refs.raise_if_unknown()
    fields = {
        "status": params.status,
        "service_id": service.pk if service else None,
        "team_id": team_id,
    }
    return RequestFilters(**(fields | given))


@contextmanager
def _named_as_sent(**fields: str) -> Iterator[None]:
    """Name the fields of a service's complaint as the caller sent them."""
    try:
        yield
    except InvalidInput as invalid:
        raise InvalidInput({fields.get(k, k): v for k, v in invalid.errors.items()}) from None


def _page_url(request: HttpRequest, shown: Request) -> str | None:
    try:
        return request.build_absolute_uri(shown.get_absolute_url())
    except NoReverseMatch:  # an installation without the request pages
        return None
