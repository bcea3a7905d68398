"""The directory in the API: people, teams, external parties, and one's own API tokens."""

from datetime import datetime

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from relaydesk.api_schemas import BoundedDateTime, Cursor, DatabaseId, page_schema, responses
from relaydesk.core.queue_policy import RULES, QueuePolicy
from relaydesk.directory import selectors
from relaydesk.directory.models import Absence, ApiToken, Party, Person, Team
from relaydesk.directory.services import (
    absence_declare,
    absence_end,
    api_token_create,
    api_token_revoke,
    party_save,
    team_queue_policy_set,
)
from relaydesk.errors import InvalidInput
from relaydesk.idempotency import idempotent, idempotent_secret
from relaydesk.pagination import keyset_page

router = Router(tags=["directory"])


class TeamRef(Schema):
    id: int
    name: str


class PersonOut(Schema):
    id: int
    email: str
    name: str
    team: TeamRef | None
    manager_id: int | None
    timezone: str
    is_active: bool
    is_admin: bool


class TeamOut(Schema):
    id: int
    name: str
    parent_id: int | None
    lead_id: int | None
    description: str
    queue_policy: QueuePolicy = Field(description="The order of the team's queue.")
    queue_rule: str = Field(description="That order, aging included, in plain words.")

    @staticmethod
    def resolve_queue_rule(team: Team) -> str:
        return RULES[QueuePolicy(team.queue_policy)]


class QueuePolicyIn(Schema):
    policy: QueuePolicy


class PartyOut(Schema):
    id: int
    name: str
    kind: Party.Kind
    description: str


class PartyIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: Party.Kind
    description: str = Field("", max_length=10_000)


class AbsenceIn(Schema):
    person_id: DatabaseId | None = Field(None, description="Who is away; yourself when left out.")
    starts_at: BoundedDateTime = Field(examples=["2026-12-07T08:00:00+01:00"])
    ends_at: BoundedDateTime = Field(
        description="After starts_at, and not already past.", examples=["2026-12-11T18:00:00+01:00"]
    )
    backup_id: DatabaseId | None = Field(None, description="Who covers; null for the team queue.")
    note: str = Field("", max_length=200)


class AbsenceOut(Schema):
    id: int
    person: TeamRef = Field(description="The absent person (id and name).")
    starts_at: datetime
    ends_at: datetime
    backup: TeamRef | None = Field(description="Who covers (id and name), if anyone.")
    note: str


class TokenIn(Schema):
    name: str = Field("API token", max_length=100)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="The secret itself. It is shown this once and never again.")


class ListParams(Schema):
    cursor: Cursor = None
    limit: int = Field(50, ge=1, le=200)


class PeopleParams(ListParams):
    q: str = Field(
        "", max_length=200, description="Words that must each match a name, email or team."
    )


@router.get("/me", response=responses(200, PersonOut))
def me(request: HttpRequest):
    return Person.objects.select_related("team").get(pk=request.auth.pk)


@router.get("/people", response=responses(200, page_schema(PersonOut), 400))
def people(request: HttpRequest, params: Query[PeopleParams]):
    return selectors.people_search(query=params.q, cursor=params.cursor, size=params.limit)


@router.get("/people/{person_id}", response=responses(200, PersonOut, 404))
def person(request: HttpRequest, person_id: DatabaseId):
    return get_object_or_404(Person.objects.select_related("team"), pk=person_id)


@router.get("/teams", response=responses(200, page_schema(TeamOut), 400))
def teams(request: HttpRequest, params: Query[ListParams]):
    return keyset_page(
        Team.objects.all(), order=("name", "id"), cursor=params.cursor, size=params.limit
    )


@router.get("/teams/{team_id}", response=responses(200, TeamOut, 404))
def team(request: HttpRequest, team_id: DatabaseId):
    return get_object_or_404(Team, pk=team_id)


@router.put("/teams/{team_id}/queue-policy", response=responses(200, TeamOut, 403, 404, 422))
def team_queue_policy(request: HttpRequest, team_id: DatabaseId, payload: QueuePolicyIn):
    """Pick the order of the team's queue: for its leads (and leads above it) and admins."""
    shown = get_object_or_404(Team, pk=team_id)
    return team_queue_policy_set(actor=request.auth, team=shown, policy=payload.policy)


@router.get("/parties", response=responses(200, page_schema(PartyOut), 400))
def parties(request: HttpRequest, params: Query[ListParams]):
    return keyset_page(
        Party.objects.all(), order=("name", "id"), cursor=params.cursor, size=params.limit
    )


@router.get("/parties/{party_id}", response=responses(200, PartyOut, 404))
def party(request: HttpRequest, party_id: DatabaseId):
    return get_object_or_404(Party, pk=party_id)


@router.post("/parties", response=responses(201, PartyOut, 403, 422))
@idempotent
def party_create(request: HttpRequest, payload: PartyIn):
    return Status(201, party_save(actor=request.auth, **payload.dict()))


@router.put("/parties/{party_id}", response=responses(200, PartyOut, 403, 404, 422))
def party_update(request: HttpRequest, party_id: DatabaseId, payload: PartyIn):
    shown = get_object_or_404(Party, pk=party_id)
    return party_save(actor=request.auth, party=shown, **payload.dict())


@router.get("/absences", response=responses(200, list[AbsenceOut]), tags=["absences"])
def absences(request: HttpRequest):
    """Absences not yet over: yours, those you cover, and those of the teams you lead."""
    return selectors.absences_seen_by(request.auth, now=timezone.now())


@router.post("/absences", response=responses(201, AbsenceOut, 403, 404, 422), tags=["absences"])
@idempotent
def absence_create(request: HttpRequest, payload: AbsenceIn):
    """Declare an absence, yours or (as a lead) a member's; an overlapping one is refused."""
    person = get_object_or_404(Person, pk=payload.person_id or request.auth.pk)
    backup = None
    if payload.backup_id is not None:
        backup = Person.objects.filter(pk=payload.backup_id).first()
        if backup is None:
            raise InvalidInput({"backup_id": [f"no person has the id {payload.backup_id}"]})
    declared = absence_declare(
        actor=request.auth,
        person=person,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        backup=backup,
        note=payload.note,
    )
    return Status(201, declared)


@router.delete(
    "/absences/{absence_id}", response=responses(204, None, 403, 404, 422), tags=["absences"]
)
def absence_delete(request: HttpRequest, absence_id: DatabaseId):
    """End an absence now (or remove one not yet begun)."""
    shown = get_object_or_404(Absence.objects.select_related("person"), pk=absence_id)
    if not selectors.may_see_absence(request.auth, shown):
        raise Http404("no such absence, or not yours to see")
    absence_end(actor=request.auth, absence=shown)
    return Status(204, None)


@router.get("/tokens", response=responses(200, list[TokenOut]), tags=["tokens"])
def tokens(request: HttpRequest):
    return ApiToken.objects.filter(person=request.auth)


@router.post("/tokens", response=responses(201, NewTokenOut, 422), tags=["tokens"])
@idempotent_secret
def token_create(request: HttpRequest, payload: TokenIn):
    token, secret = api_token_create(person=request.auth, name=payload.name)
    return Status(201, {**TokenOut.from_orm(token).model_dump(), "token": secret})


@router.delete("/tokens/{token_id}", response=responses(204, None, 404), tags=["tokens"])
def token_revoke(request: HttpRequest, token_id: DatabaseId):
    api_token_revoke(person=request.auth, token_id=token_id)  # not theirs: DoesNotExist, a 404
    return Status(204, None)
