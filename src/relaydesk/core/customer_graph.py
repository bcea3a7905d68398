"""The customer map (SPEC §3.3): who depends on whose work, onward to the external parties.

Nodes are people, teams and external parties; an edge runs from a supplier to a customer and
remembers where it was learnt (declared on a service, observed in requests served, one service
feeding another, one request unblocking another). A person also feeds the team they work in, so
whatever the team delivers counts as the person's work. Django only loads the edges.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from math import prod
from typing import NamedTuple

import networkx as nx

PERSON, TEAM, PARTY = "person", "team", "party"

Node = tuple[str, int]


class Source(StrEnum):
    DECLARED = "declared"
    OBSERVED = "observed"
    FEEDS = "feeds"
    LINKS = "links"
    # A person works in their team: the team's customers are the person's too.
    MEMBER = "member"


class Edge(NamedTuple):
    """One piece of evidence that `supplier`'s work reaches `customer`.

    `volume` counts the requests (or links) seen; `measured` the finished ones with a promise,
    `on_time` those of them kept on time. (A named tuple: a large organisation has 100,000.)
    """

    supplier: Node
    customer: Node
    source: Source
    volume: int = 0
    measured: int = 0
    on_time: int = 0


@dataclass(frozen=True)
class Customer:
    node: Node
    declared: bool
    observed: int
    sources: frozenset[Source]


@dataclass(frozen=True)
class Link:
    supplier: Node
    customer: Node
    n: int
    on_time_rate: float | None


@dataclass(frozen=True)
class Chain:
    nodes: tuple[Node, ...]
    links: tuple[Link, ...]

    @property
    def measured_links(self) -> list[Link]:
        return [link for link in self.links if link.on_time_rate is not None]

    @property
    def reliability(self) -> float | None:
        """The end-to-end on-time estimate: the product of the measured links' rates."""
        rates = [link.on_time_rate for link in self.measured_links]
        return prod(rates) if rates else None

    @property
    def weakest(self) -> Link | None:
        measured = self.measured_links
        return min(measured, key=lambda link: link.on_time_rate) if measured else None


@dataclass(frozen=True)
class Impact:
    held: frozenset[int]
    blocked: frozenset[int]
    reached: frozenset[Node]


# Behind every external party, so that one search finds who stands between a node and them all.
_SINK = ("sink", 0)


@dataclass
class CustomerGraph:
    graph: nx.DiGraph = field(default_factory=nx.DiGraph)
    _key_people: list[tuple[Node, int]] | None = field(default=None, init=False, repr=False)
    _by_team: "CustomerGraph | None" = field(default=None, init=False, repr=False)

    @classmethod
    def from_edges(cls, edges: Iterable[Edge], nodes: Iterable[Node] = ()) -> "CustomerGraph":
        """Merge the evidence per (supplier, customer): sources united, counts summed.

        Edges go in sorted, so that searches meet ties in the same order whatever order the
        evidence came in.
        """
        merged: dict[tuple[Node, Node], dict] = {}
        for edge in edges:
            if edge.supplier == edge.customer:
                continue
            data = merged.get((edge.supplier, edge.customer))
            if data is None:
                data = merged[(edge.supplier, edge.customer)] = {
                    "sources": set(),
                    "volume": 0,
                    "observed": 0,
                    "measured": 0,
                    "on_time": 0,
                }
            data["sources"].add(edge.source)
            data["volume"] += edge.volume
            if edge.source == Source.OBSERVED:
                data["observed"] += edge.volume
            data["measured"] += edge.measured
            data["on_time"] += edge.on_time
        graph = nx.DiGraph()
        graph.add_nodes_from(sorted(nodes))
        graph.add_edges_from((*pair, merged[pair]) for pair in sorted(merged))
        built = cls(graph)
        built._measure_teams()
        return built

    def _measure_teams(self) -> None:
        """A team is served through its members: the requests they had served count towards the
        on-time rate of every link into the team (declared, fed or linked)."""
        for team in [node for node in self.graph if node[0] == TEAM]:
            members = self.members(team)
            for supplier, _, data in self.graph.in_edges(team, data=True):
                if Source.MEMBER in data["sources"]:
                    continue
                for member in members:
                    served = self.graph.get_edge_data(supplier, member)
                    if served is not None:
                        data["measured"] += served["measured"]
                        data["on_time"] += served["on_time"]

    def members(self, team: Node) -> list[Node]:
        return sorted(
            node
            for node in self.graph.predecessors(team)
            if Source.MEMBER in self.graph.edges[node, team]["sources"]
        )

    def _own(self, subject: Node) -> set[Node]:
        """The nodes whose work is the subject's: a team with its members, a person alone."""
        if subject not in self.graph:
            return {subject}
        if subject[0] == TEAM:
            return {subject, *self.members(subject)}
        return {subject}

    def _service_edges(self, start: set[Node], *, reverse: bool) -> dict[Node, dict]:
        # A person's work reaches whoever their team serves, so a person is seen through it.
        seen = start | self.teams_of(start)
        found: dict[Node, dict] = {}
        for node in seen:
            if node not in self.graph:
                continue
            neighbours = (
                self.graph.in_edges(node, data=True)
                if reverse
                else self.graph.out_edges(node, data=True)
            )
            for supplier, customer, data in neighbours:
                other = supplier if reverse else customer
                if Source.MEMBER in data["sources"] or other in seen:
                    continue
                merged = found.setdefault(other, {"sources": set(), "observed": 0})
                merged["sources"] |= data["sources"]
                merged["observed"] += data["observed"]
        return found

    def customers(self, subject: Node) -> list[Customer]:
        """Direct customers: declared on the subject's services, observed in what it served."""
        return _as_customers(self._service_edges(self._own(subject), reverse=False))

    def suppliers(self, subject: Node) -> list[Customer]:
        """Direct suppliers: whom the subject depends on (the reverse view)."""
        return _as_customers(self._service_edges(self._own(subject), reverse=True))

    def downstream(self, subject: Node) -> set[Node]:
        """Every node the subject's work reaches, hop by hop (cycles end where they repeat);
        the subject's own team and people are not their own customers."""
        own = self._own(subject)
        return self._reach(own) - own - self.teams_of(own)

    def teams_of(self, nodes: set[Node]) -> set[Node]:
        """The teams the people among `nodes` work in."""
        return {
            team
            for node in nodes
            if node[0] == PERSON and node in self.graph
            for team in self.graph.successors(node)
            if Source.MEMBER in self.graph.edges[node, team]["sources"]
        }

    def _reach(self, start: set[Node]) -> set[Node]:
        return set(self._earlier_hops(start)) | start

    def _earlier_hops(self, start: set[Node]) -> dict[Node, Node | None]:
        """One breadth-first search from all of `start`: each node reached, with the node it
        was reached from (so the shortest way back is known), visiting each node once."""
        earlier: dict[Node, Node | None] = {node: None for node in start if node in self.graph}
        frontier = sorted(earlier)
        while frontier:
            following = []
            for node in frontier:
                for customer in self.graph.successors(node):
                    if customer not in earlier:
                        earlier[customer] = node
                        following.append(customer)
            frontier = following
        return earlier

    def headline(self, subject: Node) -> tuple[int, int]:
        """(colleagues, external parties) depending on the subject's work.

        Colleagues are distinct people downstream, the members of the teams reached included and
        the subject's own people excluded.
        """
        reached = self.downstream(subject)
        people = {node for node in reached if node[0] == PERSON}
        for team in (node for node in reached if node[0] == TEAM):
            people.update(self.members(team))
        people -= self._own(subject)
        return len(people), sum(1 for node in reached if node[0] == PARTY)

    def chains(self, subject: Node) -> list[Chain]:
        """For each external party the subject's work reaches, the shortest chain to it."""
        earlier = self._earlier_hops(self._own(subject))
        chains = []
        for party in sorted(node for node in earlier if node[0] == PARTY):
            path = [party]
            while earlier[path[-1]] is not None:
                path.append(earlier[path[-1]])
            chains.append(self._chain(path[::-1]))
        return chains

    def all_chains(self) -> list[Chain]:
        """The organisation's chains, team by team: the shortest way from each team (and each
        person serving in their own name outside any team) to each external party, leaving out
        chains that are the tail of a longer one."""
        teams = self.by_team()
        providers = sorted(
            node
            for node in teams.graph
            if node[0] == TEAM or (node[0] == PERSON and teams.graph.out_degree(node))
        )
        predecessors = {node: list(suppliers) for node, suppliers in teams.graph.pred.items()}
        chains = []
        for party in sorted(node for node in teams.graph if node[0] == PARTY):
            # One breadth-first search backwards from the party gives every node its next hop.
            next_hop = _next_hops(predecessors, party)
            paths = {}
            tails: set[Node] = set()
            for start in (node for node in providers if node in next_hop):
                path = [start]
                while path[-1] != party:
                    path.append(next_hop[path[-1]])
                paths[start] = path
                tails.update(path[1:])
            chains.extend(teams._chain(path) for start, path in paths.items() if start not in tails)
        return chains

    def by_team(self) -> "CustomerGraph":
        """The graph with every person drawn into the team they work in (computed once)."""
        if self._by_team is None:
            team_of = {
                person: team
                for person, team, data in self.graph.edges(data=True)
                if Source.MEMBER in data["sources"]
            }
            if not team_of:
                self._by_team = self
                return self
            merged: dict[tuple[Node, Node], dict] = {}
            for supplier, customer, data in self.graph.edges(data=True):
                if Source.MEMBER in data["sources"]:
                    continue
                pair = (team_of.get(supplier, supplier), team_of.get(customer, customer))
                if pair[0] == pair[1]:
                    continue
                into = merged.setdefault(
                    pair,
                    {"sources": set(), "volume": 0, "observed": 0, "measured": 0, "on_time": 0},
                )
                into["sources"] |= data["sources"]
                into["volume"] += data["volume"]
                into["observed"] += data["observed"]
                # A link into a team already counts what its members had served.
                if customer == pair[1] or not self.graph.has_edge(supplier, pair[1]):
                    into["measured"] += data["measured"]
                    into["on_time"] += data["on_time"]
            graph = nx.DiGraph()
            graph.add_nodes_from(sorted({team_of.get(node, node) for node in self.graph}))
            graph.add_edges_from((*pair, merged[pair]) for pair in sorted(merged))
            self._by_team = CustomerGraph(graph)
        return self._by_team

    def _chain(self, path: list[Node]) -> Chain:
        links = []
        for supplier, customer in pairwise(path):
            data = self.graph.get_edge_data(supplier, customer, default={})
            measured = data.get("measured", 0)
            rate = data["on_time"] / measured if measured else None
            links.append(Link(supplier, customer, measured, rate))
        return Chain(tuple(path), tuple(links))

    def key_people(self) -> list[tuple[Node, int]]:
        """People whose absence cuts others off from every external party, with how many each
        cuts off, most first (computed once per graph).

        A person cuts a node off when every path from it to any external party passes through
        them: they dominate it in the reversed graph rooted at one sink behind all the parties.
        A team's members stand in for one another, so only people on a path in their own name
        (a personal service, a request they made) can be key people.
        """
        if self._key_people is None:
            reverse = self.graph.reverse(copy=True)
            reverse.add_edges_from((_SINK, node) for node in self.graph if node[0] == PARTY)
            dominators = nx.immediate_dominators(reverse, _SINK)
            cuts: dict[Node, int] = {}
            for node in dominators:
                holder = dominators[node]
                while holder != _SINK:
                    if holder[0] == PERSON:
                        cuts[holder] = cuts.get(holder, 0) + 1
                    holder = dominators[holder]
            self._key_people = sorted(cuts.items(), key=lambda item: (-item[1], item[0]))
        return self._key_people

    def impact(
        self,
        *,
        held: Iterable[int],
        unblocks: Mapping[int, Iterable[int]],
        served: Mapping[int, Iterable[Node]],
    ) -> Impact:
        """What holding requests up reaches: the requests they block, link by link, and the
        people, teams and parties the held and blocked requests serve, with everyone downstream."""
        held = frozenset(held)
        blocked: set[int] = set()
        frontier = list(held)
        while frontier:
            for after in unblocks.get(frontier.pop(), ()):
                if after not in blocked and after not in held:
                    blocked.add(after)
                    frontier.append(after)
        first = {node for request in held | blocked for node in served.get(request, ())}
        return Impact(held, frozenset(blocked), frozenset(self._reach(first)))


def _next_hops(predecessors: Mapping[Node, list[Node]], target: Node) -> dict[Node, Node]:
    """A breadth-first search backwards from `target`: each node reached, with its next hop."""
    hops: dict[Node, Node] = {}
    frontier = [target]
    seen = {target}
    while frontier:
        following = []
        for node in frontier:
            for supplier in predecessors[node]:
                if supplier not in seen:
                    seen.add(supplier)
                    hops[supplier] = node
                    following.append(supplier)
        frontier = following
    return hops


def _as_customers(found: Mapping[Node, dict]) -> list[Customer]:
    return sorted(
        (
            Customer(
                node=node,
                declared=Source.DECLARED in data["sources"],
                observed=data["observed"],
                sources=frozenset(data["sources"]),
            )
            for node, data in found.items()
        ),
        key=lambda customer: (-customer.observed, customer.node),
    )


def sole_providers(deliverers: Mapping[str, Iterable[Node]], backed_up: set[Node]) -> list[str]:
    """The services only one active person delivers, that person having no backup named."""
    lonely = []
    for service, people in deliverers.items():
        people = set(people)
        if len(people) == 1 and not people & backed_up:
            lonely.append(service)
    return sorted(lonely)
