"""The catalog in the API: calendars (with due-time arithmetic) and services."""

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from relaydesk.api_references import References
from relaydesk.api_schemas import (
    BoundedDateTime,
    Cursor,
    DatabaseId,
    page_schema,
    responses,
    whole_number,
)
from relaydesk.catalog import search, selectors
from relaydesk.catalog.models import (
    DESCRIPTION_LENGTH,
    KEYWORD_LENGTH,
    MOST_KEYWORDS,
    Calendar,
    Priority,
    Service,
)
from relaydesk.catalog.services import (
    PromiseSpec,
    ServiceSpec,
    calendar_save,
    service_feeds_set,
    service_save,
)
from relaydesk.directory.models import Party, Person, Team
from relaydesk.idempotency import idempotent
from relaydesk.pagination import keyset_page

router = Router(tags=["catalog"])

# Nineteen years around the clock (eighty of office hours): more than any promise, and from the
# last year a date may have, still far from the last date there is.
MOST_BUSINESS_MINUTES = 10_000_000
SLUG_LENGTH = Service._meta.get_field("slug").max_length
Slug = Annotated[str, Field(max_length=SLUG_LENGTH, examples=["wheel-fitting"])]


class CalendarIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    definition: dict[str, Any] = Field(
        description="The calendar file's shape: timezone, hours, holidays, closures.",
        examples=[
            {
                "timezone": "Europe/Berlin",
                "hours": {"mon": ["09:00-12:30", "13:30-17:30"], "tue": ["09:00-17:00"]},
                "holidays": {"country": "DE", "subdivision": "BY"},
                "closures": [{"date": "2026-12-24"}],
            }
        ],
    )
    owner_team_id: DatabaseId | None = None


class CalendarOut(Schema):
    id: int
    name: str
    definition: dict[str, Any]
    owner_team_id: int | None


class DueParams(Schema):
    start: BoundedDateTime = Field(examples=["2026-11-23T16:30:00+01:00"])
    minutes: int = Field(ge=0, le=MOST_BUSINESS_MINUTES, description="Business minutes promised")


class DueOut(Schema):
    due: datetime


Minutes = whole_number(ge=1, le=MOST_BUSINESS_MINUTES)


class PromiseIn(Schema):
    first_response_minutes: Minutes
    resolution_minutes: Minutes


class PromiseOut(Schema):
    first_response_minutes: int
    resolution_minutes: int


class ProviderOut(Schema):
    kind: Literal["team", "person"]
    id: int
    name: str


class ServiceIn(Schema):
    slug: str = Field(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=SLUG_LENGTH)
    name: str = Field(min_length=1, max_length=200)
    kind: Service.Kind
    description: str = Field("", max_length=DESCRIPTION_LENGTH)
    keywords: list[Annotated[str, Field(max_length=KEYWORD_LENGTH)]] = Field(
        [], max_length=MOST_KEYWORDS
    )
    provider_team_id: DatabaseId | None = Field(
        None, description="Give this or provider_person_id."
    )
    provider_person_id: DatabaseId | None = None
    calendar_id: DatabaseId
    audience: Service.Audience = Service.Audience.EVERYONE
    requester_team_ids: list[DatabaseId] = []
    requester_person_ids: list[DatabaseId] = []
    customer_team_ids: list[DatabaseId] = []
    customer_person_ids: list[DatabaseId] = []
    customer_party_ids: list[DatabaseId] = []
    feeds: list[Slug] = Field([], description="Slugs of the downstream services this one feeds.")
    confidential: bool = False
    warning_percent: int = Field(75, ge=1, le=99)
    is_active: bool = True
    promises: dict[Priority, PromiseIn] = Field(
        {},
        examples=[{"normal": {"first_response_minutes": 60, "resolution_minutes": 960}}],
    )


class ServiceOut(Schema):
    id: int
    slug: str
    name: str
    kind: Service.Kind
    description: str
    keywords: list[str]
    provider: ProviderOut
    calendar_id: int
    audience: Service.Audience
    requester_team_ids: list[int]
    requester_person_ids: list[int]
    customer_team_ids: list[int]
    customer_person_ids: list[int]
    customer_party_ids: list[int]
    feeds: list[str]
    confidential: bool
    warning_percent: int
    is_active: bool
    promises: dict[Priority, PromiseOut]

    @staticmethod
    def resolve_provider(service: Service) -> dict[str, Any]:
        kind = "team" if service.provider_team_id else "person"
        return {"kind": kind, "id": service.provider.pk, "name": str(service.provider)}

    @staticmethod
    def resolve_requester_team_ids(service: Service) -> list[int]:
        return _pks(service.requester_teams)

    @staticmethod
    def resolve_requester_person_ids(service: Service) -> list[int]:
        return _pks(service.requester_people)

    @staticmethod
    def resolve_customer_team_ids(service: Service) -> list[int]:
        return _pks(service.customer_teams)

    @staticmethod
    def resolve_customer_person_ids(service: Service) -> list[int]:
        return _pks(service.customer_people)

    @staticmethod
    def resolve_customer_party_ids(service: Service) -> list[int]:
        return _pks(service.customer_parties)

    @staticmethod
    def resolve_feeds(service: Service) -> list[str]:
        return [downstream.slug for downstream in service.feeds.all()]

    @staticmethod
    def resolve_promises(service: Service) -> dict[str, dict[str, int]]:
        return {
            promise.priority: {
                "first_response_minutes": promise.first_response_minutes,
                "resolution_minutes": promise.resolution_minutes,
            }
            for promise in selectors.promises_in_priority_order(service)
        }


class ServiceParams(Schema):
    cursor: Cursor = None
    limit: int = Field(50, ge=1, le=200)
    kind: Service.Kind | None = None
    provider_team_id: DatabaseId | None = None


class SearchParams(Schema):
    q: str = Field(max_length=200, description="Free text: what do you need?")
    limit: int = Field(20, ge=1, le=50)


class SearchOut(Schema):
    corrected_query: str | None = Field(description="Set when typos were corrected.")
    services: list[ServiceOut]


@router.get("/calendars", response=responses(200, page_schema(CalendarOut), 400))
def calendars(request: HttpRequest, cursor: Cursor = None, limit: int = Query(50, ge=1, le=200)):
    return keyset_page(Calendar.objects.all(), order=("name", "id"), cursor=cursor, size=limit)


@router.get("/calendars/{calendar_id}", response=responses(200, CalendarOut, 404))
def calendar(request: HttpRequest, calendar_id: DatabaseId):
    return get_object_or_404(Calendar, pk=calendar_id)


@router.post("/calendars", response=responses(201, CalendarOut, 403, 422))
@idempotent
def calendar_create(request: HttpRequest, payload: CalendarIn):
    owner = _one(Team, payload.owner_team_id, "owner_team_id")
    created = calendar_save(
        actor=request.auth, name=payload.name, definition=payload.definition, owner_team=owner
    )
    return Status(201, created)


@router.put("/calendars/{calendar_id}", response=responses(200, CalendarOut, 403, 404, 422))
def calendar_update(request: HttpRequest, calendar_id: DatabaseId, payload: CalendarIn):
    shown = get_object_or_404(Calendar, pk=calendar_id)
    owner = _one(Team, payload.owner_team_id, "owner_team_id")
    return calendar_save(
        actor=request.auth,
        calendar=shown,
        name=payload.name,
        definition=payload.definition,
        owner_team=owner,
    )


@router.get("/calendars/{calendar_id}/due", response=responses(200, DueOut, 404, 422))
def calendar_due(request: HttpRequest, calendar_id: DatabaseId, params: Query[DueParams]):
    """When a promise of `minutes` business minutes starting at `start` falls due."""
    shown = get_object_or_404(Calendar, pk=calendar_id)
    due = shown.engine().due(params.start, params.minutes * 60)
    if due.utcoffset() % timedelta(minutes=1):
        # A zone's local mean time before it kept standard time (+00:53:28 in Berlin until
        # 1893) has no form in RFC 3339: the same instant in UTC has.
        due = due.astimezone(UTC)
    return {"due": due}


@router.get("/services", response=responses(200, page_schema(ServiceOut), 400))
def services(request: HttpRequest, params: Query[ServiceParams]):
    listed = selectors.services_with_details()
    if params.kind:
        listed = listed.filter(kind=params.kind)
    if params.provider_team_id:
        listed = listed.filter(provider_team_id=params.provider_team_id)
    return keyset_page(listed, order=("name", "id"), cursor=params.cursor, size=params.limit)


@router.get("/services/search", response=responses(200, SearchOut, 422))
def services_search(request: HttpRequest, params: Query[SearchParams]):
    """ "Who do I ask?": the active services best matching free text, typos forgiven."""
    found = search.search_services(query=params.q, limit=params.limit)
    # Search ranks; this reloads the hits with everything the answer shows, in rank order.
    by_id = selectors.services_with_details().in_bulk([service.pk for service in found.services])
    return {
        "corrected_query": found.corrected_query,
        "services": [by_id[service.pk] for service in found.services],
    }


@router.get("/services/{slug}", response=responses(200, ServiceOut, 404))
def service(request: HttpRequest, slug: Slug):
    return get_object_or_404(selectors.services_with_details(), slug=slug)


@router.post("/services", response=responses(201, ServiceOut, 403, 422))
@idempotent
def service_create(request: HttpRequest, payload: ServiceIn):
    created = _save(request, payload, service=None)
    return Status(201, selectors.services_with_details().get(pk=created.pk))


@router.put("/services/{slug}", response=responses(200, ServiceOut, 403, 404, 422))
def service_update(request: HttpRequest, slug: Slug, payload: ServiceIn):
    existing = get_object_or_404(Service, slug=slug)
    _save(request, payload, service=existing)
    return selectors.services_with_details().get(pk=existing.pk)


def _save(request: HttpRequest, payload: ServiceIn, *, service: Service | None) -> Service:
    refs = References()
    spec = ServiceSpec(
        slug=payload.slug,
        name=payload.name,
        kind=payload.kind,
        description=payload.description,
        keywords=payload.keywords,
        provider_team=refs.one(Team, payload.provider_team_id, "provider_team_id"),
        provider_person=refs.one(Person, payload.provider_person_id, "provider_person_id"),
        calendar=refs.one(Calendar, payload.calendar_id, "calendar_id"),
        audience=payload.audience,
        requester_teams=refs.many(Team, payload.requester_team_ids, "requester_team_ids"),
        requester_people=refs.many(Person, payload.requester_person_ids, "requester_person_ids"),
        customer_teams=refs.many(Team, payload.customer_team_ids, "customer_team_ids"),
        customer_people=refs.many(Person, payload.customer_person_ids, "customer_person_ids"),
        customer_parties=refs.many(Party, payload.customer_party_ids, "customer_party_ids"),
        confidential=payload.confidential,
        warning_percent=payload.warning_percent,
        is_active=payload.is_active,
        promises={
            priority: PromiseSpec(promise.first_response_minutes, promise.resolution_minutes)
            for priority, promise in payload.promises.items()
        },
    )
    feeds = refs.many(Service, payload.feeds, "feeds", key="slug")
    refs.raise_if_unknown()
    with transaction.atomic():
        saved = service_save(actor=request.auth, spec=spec, service=service)
        service_feeds_set(actor=request.auth, service=saved, feeds=feeds)
    return saved


def _pks(relation) -> list[int]:
    return [item.pk for item in relation.all()]


def _one(model: type[Model], pk: int | None, field: str) -> Any:
    refs = References()
    found = refs.one(model, pk, field)
    refs.raise_if_unknown()
    return found
