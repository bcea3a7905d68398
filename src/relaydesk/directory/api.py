"""The directory in the API: people, teams, external parties, and one's own API tokens."""

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from relaydesk.api_schemas import page_schema, responses
from relaydesk.directory import selectors
from relaydesk.directory.models import ApiToken, Party, Person, Team
from relaydesk.directory.services import api_token_create, party_save
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


class PartyOut(Schema):
    id: int
    name: str
    kind: Party.Kind
    description: str


class PartyIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: Party.Kind
    description: str = ""


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
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=200)


class PeopleParams(ListParams):
    q: str = Field("", description="Words that must each match a name, email or team.")


@router.get("/me", response=responses(200, PersonOut))
def me(request: HttpRequest):
    return Person.objects.select_related("team").get(pk=request.auth.pk)


@router.get("/people", response=responses(200, page_schema(PersonOut), 400))
def people(request: HttpRequest, params: Query[PeopleParams]):
    return selectors.people_search(query=params.q, cursor=params.cursor, size=params.limit)


@router.get("/people/{person_id}", response=responses(200, PersonOut, 404))
def person(request: HttpRequest, person_id: int):
    return get_object_or_404(Person.objects.select_related("team"), pk=person_id)


@router.get("/teams", response=responses(200, page_schema(TeamOut), 400))
def teams(request: HttpRequest, params: Query[ListParams]):
    return keyset_page(
        Team.objects.all(), order=("name", "id"), cursor=params.cursor, size=params.limit
    )


@router.get("/teams/{team_id}", response=responses(200, TeamOut, 404))
def team(request: HttpRequest, team_id: int):
    return get_object_or_404(Team, pk=team_id)


@router.get("/parties", response=responses(200, page_schema(PartyOut), 400))
def parties(request: HttpRequest, params: Query[ListParams]):
    return keyset_page(
        Party.objects.all(), order=("name", "id"), cursor=params.cursor, size=params.limit
    )


@router.get("/parties/{party_id}", response=responses(200, PartyOut, 404))
def party(request: HttpRequest, party_id: int):
    return get_object_or_404(Party, pk=party_id)


@router.post("/parties", response=responses(201, PartyOut, 403, 422))
@idempotent
def party_create(request: HttpRequest, payload: PartyIn):
    return Status(201, party_save(actor=request.auth, **payload.dict()))


@router.put("/parties/{party_id}", response=responses(200, PartyOut, 403, 404, 422))
def party_update(request: HttpRequest, party_id: int, payload: PartyIn):
    shown = get_object_or_404(Party, pk=party_id)
    return party_save(actor=request.auth, party=shown, **payload.dict())


@router.get("/tokens", response=responses(200, list[TokenOut]), tags=["tokens"])
def tokens(request: HttpRequest):
    return ApiToken.objects.filter(person=request.auth)


@router.post("/tokens", response=responses(201, NewTokenOut, 422), tags=["tokens"])
@idempotent_secret
def token_create(request: HttpRequest, payload: TokenIn):
    token, secret = api_token_create(person=request.auth, name=payload.name)
    return Status(201, {**TokenOut.from_orm(token).model_dump(), "token": secret})


@router.delete("/tokens/{token_id}", response=responses(204, None, 404), tags=["tokens"])
def token_revoke(request: HttpRequest, token_id: int):
    get_object_or_404(ApiToken, pk=token_id, person=request.auth).delete()
    return Status(204, None)
