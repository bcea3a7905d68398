"""Reads for the customer map: the edges loaded in a few aggregate queries, and what the core
makes of them for a person, a team, an absence or a late request.

Confidential requests are left out of every volume and rate the map shows: the map
is the same for everyone who may see it, so nothing in it may need a permission to see.
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from relaydesk.catalog.models import Service
from relaydesk.core.customer_graph import (
    PARTY,
    PERSON,
    TEAM,
    Chain,
    Customer,
    CustomerGraph,
    Edge,
    Impact,
    Node,
    Source,
    sole_providers,
)
from relaydesk.directory.models import Absence, Party, Person, Team
from relaydesk.directory.selectors import teams_led_by
from relaydesk.errors import InvalidInput
from relaydesk.reports import DEFAULT_DAYS
from relaydesk.servicerequests.models import OPEN_STATUSES, Request, Status

# The organisation's graph is read in a few hundred milliseconds on a large organisation, so
# each process keeps it this long: the map may be this much behind the requests.
FRESH_FOR_SECONDS = 300

_graphs: dict[tuple[str, int], tuple[float, CustomerGraph]] = {}
# What the kept graph says about each subject, kept as long as the graph.
_maps: dict[tuple[str, int, Node], "CustomerMap"] = {}


def customer_graph(*, days: int = DEFAULT_DAYS) -> CustomerGraph:
    """The organisation's customer graph over the last `days` days (kept for a few minutes)."""
    key = (connection.alias, days)
    kept = _graphs.get(key)
    if kept is not None and time.monotonic() - kept[0] < FRESH_FOR_SECONDS:
        return kept[1]
    graph = CustomerGraph.from_edges(_edges(since=timezone.now() - timedelta(days=days)))
    _graphs[key] = (time.monotonic(), graph)
    for kept_map in [k for k in _maps if k[:2] == key]:
        del _maps[kept_map]
    return graph


def forget_graphs() -> None:
    """Drop the kept graphs (after the organisation changed, and between tests)."""
    _graphs.clear()
    _maps.clear()


def _edges(*, since: datetime, by_team: bool = False) -> list[Edge]:
    """The evidence, person by person; or, `by_team`, with every person drawn into their team
    (the organisation's view: a third of the rows, and no person-level graph to collapse)."""
    providers = {
        pk: (TEAM, team_id) if team_id else (PERSON, person_id)
        for pk, team_id, person_id in Service.objects.filter(is_active=True).values_list(
            "id", "provider_team_id", "provider_person_id"
        )
    }
    edges = [
        Edge((PERSON, pk), (TEAM, team_id), Source.MEMBER)
        for pk, team_id in Person.objects.filter(is_active=True, team__isnull=False).values_list(
            "id", "team_id"
        )
    ]
    for relation, kind in (
        (Service.customer_teams.through, TEAM),
        (Service.customer_people.through, PERSON),
        (Service.customer_parties.through, PARTY),
    ):
        column = relation._meta.get_field(kind).attname
        for service_id, customer_id in relation.objects.values_list("service_id", column):
            if service_id in providers:
                edges.append(Edge(providers[service_id], (kind, customer_id), Source.DECLARED))
    for upstream, downstream in Service.feeds.through.objects.values_list(
        "from_service_id", "to_service_id"
    ):
        if upstream in providers and downstream in providers:
            edges.append(Edge(providers[upstream], providers[downstream], Source.FEEDS))
    served = Request.objects.filter(created_at__gte=since, confidential=False)
    requester = "requester__team_id" if by_team else "requester_id"
    measured = Q(status=Status.DONE, resolution_target__isnull=False)
    for row in (
        served.values("provider_team_id", "provider_person_id", requester)
        .annotate(
            volume=Count("id"),
            measured=Count("id", filter=measured),
            on_time=Count("id", filter=measured & Q(resolution_breached=False)),
        )
        .order_by()
    ):
        if row[requester] is None:
            continue  # by team, people in no team extend no team's chain
        edges.append(
            Edge(
                _provider(row["provider_team_id"], row["provider_person_id"]),
                (TEAM if by_team else PERSON, row[requester]),
                Source.OBSERVED,
                volume=row["volume"],
                measured=row["measured"],
                on_time=row["on_time"],
            )
        )
    # A request made for an external party measures the provider's declared link to it; it
    # is no link of its own, or every chain would jump from its first team to the buyer.
    declared_parties = {
        (edge.supplier, edge.customer)
        for edge in edges
        if edge.customer[0] == PARTY and edge.source == Source.DECLARED
    }
    for row in (
        served.filter(party__isnull=False)
        .values("provider_team_id", "provider_person_id", "party_id")
        .annotate(
            volume=Count("id"),
            measured=Count("id", filter=measured),
            on_time=Count("id", filter=measured & Q(resolution_breached=False)),
        )
        .order_by()
    ):
        pair = (
            _provider(row["provider_team_id"], row["provider_person_id"]),
            (PARTY, row["party_id"]),
        )
        if pair in declared_parties:
            edges.append(
                Edge(
                    *pair,
                    Source.OBSERVED,
                    volume=row["volume"],
                    measured=row["measured"],
                    on_time=row["on_time"],
                )
            )
    links = Request.unblocks.through.objects.filter(
        from_request__created_at__gte=since,
        from_request__confidential=False,
        to_request__confidential=False,
    )
    for row in (
        links.values(
            "from_request__provider_team_id",
            "from_request__provider_person_id",
            "to_request__provider_team_id",
            "to_request__provider_person_id",
        )
        .annotate(volume=Count("id"))
        .order_by()
    ):
        edges.append(
            Edge(
                _provider(
                    row["from_request__provider_team_id"], row["from_request__provider_person_id"]
                ),
                _provider(
                    row["to_request__provider_team_id"], row["to_request__provider_person_id"]
                ),
                Source.LINKS,
                volume=row["volume"],
            )
        )
    if by_team:
        team_of = {edge.supplier: edge.customer for edge in edges if edge.source == Source.MEMBER}
        return [
            edge._replace(
                supplier=team_of.get(edge.supplier, edge.supplier),
                customer=team_of.get(edge.customer, edge.customer),
            )
            for edge in edges
            if edge.source != Source.MEMBER
        ]
    return edges


def _provider(team_id: int | None, person_id: int | None) -> Node:
    return (TEAM, team_id) if team_id else (PERSON, person_id)


def node_of(subject: Person | Team | Party) -> Node:
    kind = {Person: PERSON, Team: TEAM, Party: PARTY}[type(subject)]
    return (kind, subject.pk)


@dataclass(frozen=True)
class Named:
    """A node as the pages show it."""

    node: Node
    name: str
    url: str
    team: Node | None = None

    @property
    def kind(self) -> str:
        return self.node[0]


def named(nodes: Iterable[Node]) -> dict[Node, Named]:
    """Names and links of the nodes, one query per kind of node."""
    wanted: dict[str, set[int]] = {PERSON: set(), TEAM: set(), PARTY: set()}
    for kind, pk in nodes:
        wanted[kind].add(pk)
    found: dict[Node, Named] = {}
    if wanted[PERSON]:
        for pk, name, team_id in Person.objects.filter(pk__in=wanted[PERSON]).values_list(
            "id", "name", "team_id"
        ):
            found[(PERSON, pk)] = Named(
                (PERSON, pk), name, f"/map/person/{pk}/", (TEAM, team_id) if team_id else None
            )
    if wanted[TEAM]:
        for pk, name in Team.objects.filter(pk__in=wanted[TEAM]).values_list("id", "name"):
            found[(TEAM, pk)] = Named((TEAM, pk), name, f"/map/team/{pk}/")
    if wanted[PARTY]:
        for pk, name in Party.objects.filter(pk__in=wanted[PARTY]).values_list("id", "name"):
            found[(PARTY, pk)] = Named((PARTY, pk), name, f"/parties/{pk}/")
    return found


@dataclass(frozen=True)
class CustomerMap:
    subject: Node
    days: int
    customers: list[Customer]
    suppliers: list[Customer]
    chains: list[Chain]
    colleagues: int
    external: int
    names: dict[Node, Named]

    @property
    def customer_rows(self) -> list[tuple[Named, Customer]]:
        return [(self.names[c.node], c) for c in self.customers]

    @property
    def supplier_rows(self) -> list[tuple[Named, Customer]]:
        return [(self.names[s.node], s) for s in self.suppliers]

    @property
    def chain_rows(self) -> list["ChainRow"]:
        return [chain_row(chain, self.names) for chain in self.chains]


@dataclass(frozen=True)
class ChainRow:
    nodes: list[Named]
    chain: Chain
    weakest: tuple[Named, Named] | None


def chain_row(chain: Chain, names: dict[Node, Named]) -> ChainRow:
    weakest = chain.weakest
    return ChainRow(
        [names[node] for node in chain.nodes],
        chain,
        None if weakest is None else (names[weakest.supplier], names[weakest.customer]),
    )


def customer_map(*, subject: Person | Team, days: int = DEFAULT_DAYS) -> CustomerMap:
    """Who depends on the subject's work (and on whom it depends), over the last `days` days."""
    graph = customer_graph(days=days)
    node = node_of(subject)
    key = (connection.alias, days, node)
    if key not in _maps:
        _maps[key] = _customer_map(graph, node, days)
    return _maps[key]


def _customer_map(graph: CustomerGraph, node: Node, days: int) -> "CustomerMap":
    customers, suppliers, chains = graph.customers(node), graph.suppliers(node), graph.chains(node)
    colleagues, external = graph.headline(node)
    shown = {node, *(c.node for c in customers), *(s.node for s in suppliers)}
    shown.update(n for chain in chains for n in chain.nodes)
    return CustomerMap(node, days, customers, suppliers, chains, colleagues, external, named(shown))


@dataclass(frozen=True)
class ImpactReport:
    impact: Impact
    held: list[Request]
    blocked_count: int
    people: int
    teams: int
    parties: list[Named]


def absence_impact(*, person: Person, start: datetime, end: datetime) -> ImpactReport:
    """What `person` being away from `start` to `end` holds up: the open requests they hold in
    that window, the requests those block, and the people, teams and parties reached."""
    if end <= start:
        raise InvalidInput({"to": ["An absence ends after it starts."]})
    held = Request.objects.filter(
        Q(assignee=person) | Q(provider_person=person),
        Q(status__in=OPEN_STATUSES) | Q(done_at__gt=start),
        created_at__lt=end,
        confidential=False,
    )
    return _impact(held)


def request_impact(*, request: Request) -> ImpactReport:
    """What a (late) request holds up downstream."""
    return _impact(Request.objects.filter(pk=request.pk, confidential=False))


# How many held requests an impact lists by name; the rest are counted.
HELD_SHOWN = 20


def _impact(held_requests) -> ImpactReport:
    held = list(held_requests.select_related("service").order_by("queue_due_at", "id"))
    unblocks: dict[int, list[int]] = {}
    frontier = {request.pk for request in held}
    seen = set(frontier)
    while frontier:
        following = set()
        for before, after in Request.unblocks.through.objects.filter(
            from_request_id__in=frontier, to_request__confidential=False
        ).values_list("from_request_id", "to_request_id"):
            unblocks.setdefault(before, []).append(after)
            if after not in seen:
                following.add(after)
        seen |= following
        frontier = following
    served: dict[int, list[Node]] = {}
    for pk, requester_id, party_id in Request.objects.filter(pk__in=seen).values_list(
        "id", "requester_id", "party_id"
    ):
        served[pk] = [(PERSON, requester_id)] + ([(PARTY, party_id)] if party_id else [])
    impact = customer_graph().impact(
        held=[request.pk for request in held], unblocks=unblocks, served=served
    )
    reached = impact.reached
    parties = named(node for node in reached if node[0] == PARTY)
    return ImpactReport(
        impact=impact,
        held=held[:HELD_SHOWN],
        blocked_count=len(impact.blocked),
        people=sum(1 for node in reached if node[0] == PERSON),
        teams=sum(1 for node in reached if node[0] == TEAM),
        parties=sorted(parties.values(), key=lambda party: party.name),
    )


def organisation_chains(*, days: int = DEFAULT_DAYS) -> tuple[list[Chain], dict[Node, Named]]:
    """Every chain to an external party, team by team (read afresh: a report, not a page)."""
    since = timezone.now() - timedelta(days=days)
    chains = CustomerGraph.from_edges(_edges(since=since, by_team=True)).all_chains()
    return chains, named(node for chain in chains for node in chain.nodes)


@dataclass(frozen=True)
class KeyPersonRisk:
    cutting: list[tuple[Named, int]]
    lonely_services: list[Service]


def key_person_risk(*, viewer: Person, days: int = DEFAULT_DAYS) -> KeyPersonRisk:
    """For a lead (their teams) or an admin (everyone): who cuts chains to external parties if
    away, and the services only one active person delivers with no backup named."""
    teams = None if viewer.is_admin else teams_led_by(viewer)
    cutting = customer_graph(days=days).key_people()
    names = named(node for node, _ in cutting)
    shown = [
        (names[node], count)
        for node, count in cutting
        if teams is None or (names[node].team is not None and names[node].team[1] in teams)
    ]
    services = Service.objects.filter(is_active=True)
    if teams is not None:
        services = services.filter(Q(provider_team__in=teams) | Q(provider_person__team__in=teams))
    services = list(services.select_related("provider_team", "provider_person"))
    team_members: dict[int, list[Node]] = {}
    for pk, team_id in Person.objects.filter(
        is_active=True, team__in={s.provider_team_id for s in services if s.provider_team_id}
    ).values_list("id", "team_id"):
        team_members.setdefault(team_id, []).append((PERSON, pk))
    deliverers = {
        str(service.pk): team_members.get(service.provider_team_id, [])
        for service in services
        if service.provider_team_id
    }
    deliverers.update(
        (str(service.pk), [(PERSON, service.provider_person_id)])
        for service in services
        if service.provider_person_id and service.provider_person.is_active
    )
    backed_up = {
        (PERSON, pk)
        for pk in Absence.objects.filter(
            backup__isnull=False, ends_at__gt=timezone.now()
        ).values_list("person_id", flat=True)
    }
    lonely = set(sole_providers(deliverers, backed_up))
    return KeyPersonRisk(shown, [service for service in services if str(service.pk) in lonely])
