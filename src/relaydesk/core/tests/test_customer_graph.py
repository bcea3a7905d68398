from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relaydesk.core.customer_graph import (
    PARTY,
    PERSON,
    TEAM,
    CustomerGraph,
    Edge,
    Source,
    sole_providers,
)


def person(n: int):
    return (PERSON, n)


def team(n: int):
    return (TEAM, n)


BUYER = (PARTY, 1)


def assembly_line(on_time: list[tuple[int, int]] | None = None) -> CustomerGraph:
    """Five people, each serving the next, the last one the buyer."""
    rates = on_time or [(0, 0)] * 5
    people = [person(n) for n in range(1, 6)]
    edges = [
        Edge(supplier, customer, Source.DECLARED, measured=n, on_time=kept)
        for (supplier, customer), (n, kept) in zip(
            zip(people, [*people[1:], BUYER], strict=True), rates, strict=True
        )
    ]
    return CustomerGraph.from_edges(edges)


def branching_office() -> CustomerGraph:
    """Sales (1) and Legal (2) both feed Approvals (3), which serves the client."""
    members = [
        Edge(person(11), team(1), Source.MEMBER),
        Edge(person(12), team(1), Source.MEMBER),
        Edge(person(21), team(2), Source.MEMBER),
        Edge(person(31), team(3), Source.MEMBER),
        Edge(person(32), team(3), Source.MEMBER),
    ]
    work = [
        Edge(team(1), team(3), Source.FEEDS),
        Edge(team(2), team(3), Source.DECLARED),
        Edge(team(2), team(3), Source.OBSERVED, volume=7, measured=5, on_time=4),
        Edge(team(3), BUYER, Source.DECLARED, measured=10, on_time=9),
    ]
    return CustomerGraph.from_edges(members + work)


def serving_each_other() -> CustomerGraph:
    """Two teams serve each other; the second also serves the buyer."""
    return CustomerGraph.from_edges(
        [
            Edge(person(1), team(1), Source.MEMBER),
            Edge(person(2), team(2), Source.MEMBER),
            Edge(team(1), team(2), Source.DECLARED),
            Edge(team(2), team(1), Source.OBSERVED, volume=3),
            Edge(team(2), BUYER, Source.DECLARED),
        ]
    )


def test_the_first_station_of_the_line_has_the_second_as_its_only_direct_customer():
    customers = assembly_line().customers(person(1))

    assert [(c.node, c.declared, c.observed) for c in customers] == [(person(2), True, 0)]


def test_the_first_station_reaches_four_colleagues_and_one_external_customer():
    assert assembly_line().headline(person(1)) == (4, 1)
    assert assembly_line().headline(person(4)) == (1, 1)


def test_the_chain_runs_hop_by_hop_down_the_line_to_the_buyer():
    (chain,) = assembly_line().chains(person(2))

    assert chain.nodes == (person(2), person(3), person(4), person(5), BUYER)


def test_every_station_after_the_first_is_a_key_person_cutting_those_before_it():
    assert assembly_line().key_people() == [
        (person(5), 4),
        (person(4), 3),
        (person(3), 2),
        (person(2), 1),
    ]


def test_the_reliability_of_a_chain_is_the_product_of_its_links_and_names_the_weakest():
    line = assembly_line([(20, 19), (10, 10), (10, 8), (4, 4), (100, 95)])

    (chain,) = line.chains(person(1))

    assert [(link.n, link.on_time_rate) for link in chain.links] == [
        (20, 0.95),
        (10, 1.0),
        (10, 0.8),
        (4, 1.0),
        (100, 0.95),
    ]
    assert chain.reliability == pytest.approx(0.95 * 0.8 * 0.95)
    assert (chain.weakest.supplier, chain.weakest.customer) == (person(3), person(4))


def test_a_link_into_a_team_is_measured_by_the_requests_its_members_had_served():
    graph = CustomerGraph.from_edges(
        [
            Edge(person(31), team(3), Source.MEMBER),
            Edge(person(32), team(3), Source.MEMBER),
            Edge(team(1), team(3), Source.DECLARED),
            Edge(team(1), person(31), Source.OBSERVED, volume=4, measured=4, on_time=3),
            Edge(team(1), person(32), Source.OBSERVED, volume=6, measured=6, on_time=6),
            Edge(team(3), BUYER, Source.DECLARED),
        ]
    )

    (chain,) = graph.chains(team(1))

    assert chain.nodes == (team(1), team(3), BUYER)
    assert (chain.links[0].n, chain.links[0].on_time_rate) == (10, 0.9)


def test_a_chain_without_measured_links_has_no_reliability():
    (chain,) = assembly_line().chains(person(1))

    assert chain.reliability is None
    assert chain.weakest is None


def test_a_team_feeding_an_approval_knows_it_as_a_customer_declared_or_not():
    office = branching_office()

    assert [(c.node, c.declared, c.sources) for c in office.customers(team(1))] == [
        (team(3), False, frozenset({Source.FEEDS}))
    ]
    assert [(c.node, c.declared, c.observed) for c in office.customers(team(2))] == [
        (team(3), True, 7)
    ]


def test_a_member_is_seen_through_their_team():
    office = branching_office()

    assert [c.node for c in office.customers(person(12))] == [team(3)]
    assert office.headline(person(12)) == (2, 1)
    (chain,) = office.chains(person(12))
    assert chain.nodes == (person(12), team(1), team(3), BUYER)


def test_the_approvers_count_as_the_colleagues_of_both_feeding_teams():
    office = branching_office()

    assert office.headline(team(1)) == (2, 1)
    assert office.headline(team(2)) == (2, 1)


def test_the_approval_team_has_both_feeding_teams_as_suppliers():
    suppliers = branching_office().suppliers(team(3))

    assert [(s.node, s.observed) for s in suppliers] == [(team(2), 7), (team(1), 0)]


def test_no_single_person_cuts_the_office_off_from_its_client():
    assert branching_office().key_people() == []


def test_the_organisation_chains_start_at_the_teams_nobody_supplies():
    chains = branching_office().all_chains()

    assert [chain.nodes for chain in chains] == [
        (team(1), team(3), BUYER),
        (team(2), team(3), BUYER),
    ]
    assert chains[1].reliability == pytest.approx(0.8 * 0.9)
    assert (chains[1].weakest.supplier, chains[1].weakest.customer) == (team(2), team(3))


def test_teams_serving_each_other_do_not_loop():
    cycle = serving_each_other()

    assert [c.node for c in cycle.customers(team(1))] == [team(2)]
    assert [c.node for c in cycle.customers(team(2))] == [team(1), BUYER]
    assert cycle.headline(team(1)) == (1, 1)
    assert cycle.headline(team(2)) == (1, 1)
    assert [chain.nodes for chain in cycle.chains(team(1))] == [(team(1), team(2), BUYER)]
    assert [chain.nodes for chain in cycle.all_chains()] == [(team(1), team(2), BUYER)]


def test_an_absence_reaches_the_requests_it_blocks_and_everyone_downstream():
    office = branching_office()

    impact = office.impact(
        held={100},
        unblocks={100: [101], 101: [102, 100], 102: [101]},
        served={100: [person(11)], 101: [team(3)], 102: []},
    )

    assert impact.held == {100}
    assert impact.blocked == {101, 102}
    assert impact.reached == {person(11), team(1), team(3), BUYER}


def test_nothing_held_reaches_nobody():
    impact = branching_office().impact(held=[], unblocks={}, served={})

    assert (impact.held, impact.blocked, impact.reached) == (set(), set(), set())


def test_a_service_one_person_delivers_without_a_backup_is_a_risk():
    lonely = sole_providers(
        {"torque": [person(1)], "paint": [person(2)], "line": [person(3), person(4)]},
        backed_up={person(2)},
    )

    assert lonely == ["torque"]


nodes = st.sampled_from([person(n) for n in range(5)] + [team(1), team(2), BUYER, (PARTY, 2)])
edges = st.lists(
    st.builds(
        lambda supplier, customer, source, measured, kept: Edge(
            supplier, customer, source, volume=measured, measured=measured, on_time=kept
        ),
        nodes,
        nodes,
        st.sampled_from([Source.DECLARED, Source.OBSERVED, Source.FEEDS, Source.LINKS]),
        st.integers(0, 20),
        st.integers(0, 20),
    ).filter(lambda edge: edge.on_time <= edge.measured),
    max_size=25,
)


@given(edges)
def test_a_chain_is_never_more_reliable_than_its_weakest_link(edges):
    for chain in CustomerGraph.from_edges(edges).all_chains():
        if chain.weakest is not None:
            assert chain.reliability <= chain.weakest.on_time_rate + 1e-12


@given(edges, nodes)
def test_what_a_subject_reaches_is_closed_under_the_edges(edges, subject):
    graph = CustomerGraph.from_edges(edges)
    # The subject's own team is where its work goes, not a customer of it.
    reached = graph.downstream(subject) | {subject} | graph.teams_of({subject})

    for edge in edges:
        if edge.supplier in reached and edge.supplier != edge.customer:
            assert edge.customer in reached


@given(edges, nodes)
def test_every_chain_is_a_path_of_edges_ending_at_a_party(edges, subject):
    graph = CustomerGraph.from_edges(edges)

    for chain in graph.chains(subject):
        assert chain.nodes[-1][0] == PARTY
        assert len(set(chain.nodes)) == len(chain.nodes)
        assert all(graph.graph.has_edge(a, b) for a, b in pairwise(chain.nodes))


def test_the_organisation_chains_run_team_to_team_counting_each_request_once():
    served_only = [
        Edge(person(31), team(3), Source.MEMBER),
        Edge(team(1), person(31), Source.OBSERVED, volume=4, measured=4, on_time=3),
        Edge(team(3), BUYER, Source.DECLARED),
    ]

    for edges in (served_only, [*served_only, Edge(team(1), team(3), Source.DECLARED)]):
        (chain,) = CustomerGraph.from_edges(edges).all_chains()

        assert chain.nodes == (team(1), team(3), BUYER)
        assert (chain.links[0].n, chain.links[0].on_time_rate) == (4, 0.75)
