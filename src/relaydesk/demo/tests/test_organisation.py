import networkx as nx
import pytest

from relaydesk.catalog.models import Service
from relaydesk.catalog.search import search_services
from relaydesk.demo.organisation import build_organisation, plan_organisation
from relaydesk.directory.models import Person, Team


def test_the_plan_is_the_same_for_a_seed_and_differs_for_another():
    first, again = plan_organisation(people=2000, seed=7), plan_organisation(people=2000, seed=7)
    other = plan_organisation(people=2000, seed=8)

    assert first == again
    assert first != other


def test_the_plan_has_plausible_proportions():
    plan = plan_organisation(people=10_000, seed=1)

    assert 550 <= len(plan.teams) <= 650
    assert 1900 <= len(plan.services) <= 2100
    sizes = [team.size + 1 for team in plan.teams if team.department is not None]
    assert sum(sizes) + sum(1 for t in plan.teams if t.department is None) + 1 == 10_000
    assert min(sizes) >= 2 and max(sizes) > 3 * (sum(sizes) / len(sizes))  # a long tail


def test_every_chain_runs_forward_to_external_customers():
    plan = plan_organisation(people=3000, seed=3)
    feeds = nx.DiGraph(
        (index, target) for index, s in enumerate(plan.services) for target in s.feeds
    )

    assert nx.is_directed_acyclic_graph(feeds)
    ends = {index for index, s in enumerate(plan.services) if s.customer_parties}
    for start in (i for i, s in enumerate(plan.services) if s.stage == 0):
        assert nx.descendants(feeds, start) & ends, plan.services[start].slug


def test_a_tiny_organisation_is_refused():
    with pytest.raises(ValueError, match="at least 40 people"):
        plan_organisation(people=10, seed=1)


def test_the_build_writes_the_plan_with_a_reporting_tree(db):
    plan = build_organisation(people=400, seed=2)

    assert Person.objects.count() == 400
    assert Service.objects.count() == len(plan.services)
    assert not Team.objects.filter(lead__isnull=True).exists()
    top = Person.objects.get(manager__isnull=True)
    assert top.is_admin
    reports = nx.DiGraph(
        list(Person.objects.filter(manager__isnull=False).values_list("pk", "manager"))
    )
    assert nx.is_directed_acyclic_graph(reports)
    assert nx.ancestors(reports, top.pk) == set(reports) - {top.pk}  # all report up to the top
    word = plan.services[0].keywords[0]
    assert search_services(query=word).services  # the catalog is indexed for search
