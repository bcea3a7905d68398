"""The customer map in the API: customers, suppliers, chains with their reliability, the impact
of an absence and key-person risk. Everyone sees their own map and their team's, leads their
teams', admins all; the organisation's chains are for admins."""

from datetime import UTC, datetime, time
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from relaydesk.api_schemas import BoundedDate, DatabaseId, responses
from relaydesk.chains import presenters, selectors
from relaydesk.chains.permissions import may_see_map, may_see_risk
from relaydesk.directory.models import Person, Team
from relaydesk.reports import DEFAULT_DAYS, MAX_DAYS

router = Router(tags=["customer map"])


class Window(Schema):
    days: int = Field(
        DEFAULT_DAYS,
        ge=1,
        le=MAX_DAYS,
        description="How many days of requests served count as observed.",
    )


class NodeOut(Schema):
    kind: Literal["person", "team", "party"]
    id: int
    name: str


class DirectOut(NodeOut):
    declared: bool = Field(description="Named as a customer on one of the services.")
    observed: int = Field(description="Requests served to it in the window.")
    sources: list[Literal["declared", "observed", "feeds", "links"]]


class CustomersOut(Schema):
    subject: NodeOut
    days: int
    colleagues: int = Field(description="Distinct people downstream, the subject's own excluded.")
    external: int = Field(description="Distinct external parties reached.")
    direct: list[DirectOut]
    chains: list[list[str]] = Field(description="Each chain's node names, to an external party.")


class SuppliersOut(Schema):
    subject: NodeOut
    days: int
    suppliers: list[DirectOut]


class LinkOut(Schema):
    supplier: str
    customer: str
    on_time_rate: float | None = Field(description="Finished on time, of the n measured.")
    n: int


class ChainOut(Schema):
    nodes: list[str]
    links: list[LinkOut]
    reliability: float | None = Field(description="The product of the measured links' rates.")
    weakest: LinkOut | None


class ImpactParams(Schema):
    person: DatabaseId
    start: BoundedDate = Field(alias="from", description="The first day away.")
    end: BoundedDate = Field(alias="to", description="The last day away.")


class ImpactOut(Schema):
    held: list[int] = Field(description="The open requests the person holds in the window.")
    blocked: list[int] = Field(description="The requests those block, link by link.")
    people: int
    teams: int
    parties: list[NodeOut]


class KeyPersonOut(NodeOut):
    cuts: int = Field(description="How many suppliers lose every way to an external party.")


class LonelyServiceOut(Schema):
    id: int
    slug: str
    name: str


class RiskOut(Schema):
    key_people: list[KeyPersonOut]
    lonely_services: list[LonelyServiceOut] = Field(
        description="Services only one active person delivers, with no backup named."
    )


def _subject(kind: str, pk: int, viewer: Person) -> Person | Team:
    subject = get_object_or_404(Person if kind == "people" else Team, pk=pk)
    if not may_see_map(viewer, subject):
        raise PermissionDenied("Only they, the leads of their team and admins see this map.")
    return subject


def _map(request: HttpRequest, kind: str, pk: int, window: Window) -> selectors.CustomerMap:
    return selectors.customer_map(subject=_subject(kind, pk, request.user), days=window.days)


@router.get(
    "/map/{kind}/{pk}/customers",
    response=responses(200, CustomersOut, 403, 404, 422),
    summary="Who depends on a person's or a team's work",
)
def customers(
    request: HttpRequest, kind: Literal["people", "teams"], pk: DatabaseId, window: Query[Window]
):
    return presenters.customers_payload(_map(request, kind, pk, window))


@router.get(
    "/map/{kind}/{pk}/suppliers",
    response=responses(200, SuppliersOut, 403, 404, 422),
    summary="Whom a person's or a team's work depends on",
)
def suppliers(
    request: HttpRequest, kind: Literal["people", "teams"], pk: DatabaseId, window: Query[Window]
):
    return presenters.suppliers_payload(_map(request, kind, pk, window))


@router.get(
    "/map/{kind}/{pk}/chains",
    response=responses(200, list[ChainOut], 403, 404, 422),
    summary="A person's or a team's chains to external parties, with their reliability",
)
def chains(
    request: HttpRequest, kind: Literal["people", "teams"], pk: DatabaseId, window: Query[Window]
):
    shown = _map(request, kind, pk, window)
    return [presenters.chain_payload(row, shown.names) for row in shown.chain_rows]


@router.get(
    "/map/chains",
    response=responses(200, list[ChainOut], 403, 422),
    summary="The organisation's chains to external parties, with their reliability (admins)",
)
def organisation_chains(request: HttpRequest, window: Query[Window]):
    if not request.user.is_admin:
        raise PermissionDenied("The organisation's chains are for admins.")
    found, names = selectors.organisation_chains(days=window.days)
    return [presenters.chain_payload(selectors.chain_row(c, names), names) for c in found]


@router.get(
    "/map/impact",
    response=responses(200, ImpactOut, 403, 404, 422),
    summary="What a person's absence holds up, from one day to another",
)
def impact(request: HttpRequest, params: Query[ImpactParams]):
    person = _subject("people", params.person, request.user)
    report = selectors.absence_impact(
        person=person,
        start=datetime.combine(params.start, time.min, UTC),
        end=datetime.combine(params.end, time.max, UTC),
    )
    return {
        "held": sorted(report.impact.held),
        "blocked": sorted(report.impact.blocked),
        "people": report.people,
        "teams": report.teams,
        "parties": [presenters.node_payload(party) for party in report.parties],
    }


@router.get(
    "/map/risk",
    response=responses(200, RiskOut, 403, 422),
    summary="Key-person risk in one's teams (leads) or everywhere (admins)",
)
def risk(request: HttpRequest, window: Query[Window]):
    if not may_see_risk(request.user):
        raise PermissionDenied("Key-person risk is for team leads and admins.")
    report = selectors.key_person_risk(viewer=request.user, days=window.days)
    return {
        "key_people": [
            presenters.node_payload(named) | {"cuts": cuts} for named, cuts in report.cutting
        ],
        "lonely_services": report.lonely_services,
    }
