"""The map's picture: Graphviz's input and output, small and large."""

from relaydesk.chains import picture
from relaydesk.chains.selectors import CustomerMap, Named
from relaydesk.core.customer_graph import PARTY, PERSON, TEAM, Customer, Source

SUBJECT = (TEAM, 1)


def person(n: int, team: int) -> Named:
    return Named((PERSON, n), f"Person {n}", f"/map/person/{n}/", (TEAM, team))


def shown_map(customers: list[Named]) -> CustomerMap:
    names = {named.node: named for named in customers}
    names[SUBJECT] = Named(SUBJECT, "Assembly", "/map/team/1/")
    for team in {named.team for named in customers}:
        names[team] = Named(team, f"Team {team[1]}", f"/map/team/{team[1]}/")
    found = [
        Customer(named.node, declared=False, observed=3, sources=frozenset({Source.OBSERVED}))
        for named in customers
    ]
    return CustomerMap(SUBJECT, 90, found, [], [], len(customers), 0, names)


def drawn(shown: CustomerMap) -> str:
    edges = {
        (SUBJECT, c.node): {"sources": set(c.sources), "volume": c.observed, "weakest": False}
        for c in shown.customers
    }
    return picture._dot(shown, edges)


def test_a_small_map_draws_each_person_with_a_link_to_their_map():
    dot = drawn(shown_map([person(n, 2) for n in range(5)]))

    assert '"person-3" [label="Person 3" shape=ellipse' in dot
    assert 'URL="/map/person/3/"' in dot
    assert '"team-1" -> "person-3" [style=solid color="#2e7d32" penwidth=2.0 label="3"]' in dot


def test_a_large_map_draws_people_inside_their_teams():
    dot = drawn(shown_map([person(n, 2 + n % 7) for n in range(70)]))

    assert "person-" not in dot
    assert '"team-1" -> "team-2"' in dot and 'label="30"' in dot


def test_names_are_quoted_for_graphviz():
    named = Named((PARTY, 9), 'The "Best" Dealer \\ Co', "/parties/9/")
    shown = shown_map([])
    shown.names[named.node] = named

    dot = picture._dot(
        shown, {(SUBJECT, named.node): {"sources": {Source.DECLARED}, "volume": 0, "weakest": True}}
    )

    assert 'label="The \\"Best\\" Dealer \\\\ Co"' in dot
    assert 'color="#c62828"' in dot


def test_dot_draws_svg_with_the_links():
    svg = picture._draw(drawn(shown_map([person(1, 2)])))

    assert svg.startswith("<svg") and 'href="/map/person/1/"' in svg


def test_a_supplier_that_is_also_downstream_does_not_pull_left():
    shown = shown_map([person(1, 2)])
    customer = (PERSON, 1)
    edges = {
        (SUBJECT, customer): {"sources": {Source.OBSERVED}, "volume": 1, "weakest": False},
        (customer, SUBJECT): {"sources": {Source.OBSERVED}, "volume": 1, "weakest": False},
    }

    dot = picture._dot(shown, edges)

    assert '"person-1" -> "team-1" [style=solid color="#2e7d32" constraint=false' in dot
    assert '"team-1" -> "person-1" [style=solid color="#2e7d32" penwidth' in dot
