from datetime import timedelta

import pytest
from django.utils import timezone

from relaydesk.chains import selectors
from relaydesk.chains.tests.factories import served
from relaydesk.core.customer_graph import PARTY, PERSON, TEAM, Source
from relaydesk.directory.selectors import team_by_path
from relaydesk.errors import InvalidInput, NotFound
from relaydesk.reports import window_days
from relaydesk.servicerequests.models import Status


def test_declared_customers_and_feeds_make_the_chain_to_the_dealer(org, catalog):
    shown = selectors.customer_map(subject=org.purchasing)

    assert [(c.node, c.declared, c.sources) for c in shown.customers] == [
        ((TEAM, org.assembly.pk), False, frozenset({Source.FEEDS}))
    ]
    assert [[n.name for n in row.nodes] for row in shown.chain_rows] == [
        ["Purchasing", "Assembly", "Harbour Motors"]
    ]
    assert (shown.colleagues, shown.external) == (2, 1)


def test_requests_served_are_counted_with_their_on_time_rate(org, catalog):
    served(catalog.approvals, org.member)
    served(catalog.approvals, org.member, late=True)
    served(catalog.approvals, org.member, status=Status.IN_PROGRESS)

    shown = selectors.customer_map(subject=org.purchasing)

    assert [(c.node, c.observed) for c in shown.customers] == [
        ((PERSON, org.member.pk), 3),
        ((TEAM, org.assembly.pk), 0),
    ]
    edge = selectors.customer_graph().graph.edges[
        (TEAM, org.purchasing.pk), (PERSON, org.member.pk)
    ]
    assert (edge["measured"], edge["on_time"]) == (2, 1)


def test_requests_older_than_the_window_are_left_out(org, catalog):
    served(catalog.approvals, org.member, days_ago=100)
    served(catalog.approvals, org.member, days_ago=10)

    assert selectors.customer_map(subject=org.purchasing).customers[0].observed == 1
    assert selectors.customer_map(subject=org.purchasing, days=365).customers[0].observed == 2
    assert selectors.customer_map(subject=org.purchasing, days=5).customers[0].observed == 0


def test_confidential_requests_never_count(org, catalog):
    catalog.approvals.confidential = True
    catalog.approvals.save()
    served(catalog.approvals, org.member)

    customers = selectors.customer_map(subject=org.purchasing).customers

    assert [(c.node, c.observed) for c in customers] == [((TEAM, org.assembly.pk), 0)]


def test_the_graph_is_read_in_a_fixed_number_of_queries(org, catalog, django_assert_num_queries):
    for _ in range(3):
        served(catalog.approvals, org.member, party=org.dealer)
    served(catalog.wheels, org.outsider).unblocks.add(served(catalog.approvals, org.lead))

    with django_assert_num_queries(9):
        selectors.customer_graph()


@pytest.mark.parametrize("value", ["0", "-3", "3661", "ten", "1\x00"])
def test_a_window_that_is_not_1_to_3660_days_is_refused(value):
    with pytest.raises(InvalidInput) as refused:
        window_days(value)

    assert list(refused.value.errors) == ["days"]


def test_an_absence_holds_its_requests_and_what_they_unblock(org, catalog):
    held = served(catalog.wheels, org.outsider, status=Status.IN_PROGRESS, assignee=org.member)
    blocked = served(catalog.approvals, org.lead, status=Status.NEW, party=org.dealer)
    held.unblocks.add(blocked)
    served(catalog.wheels, org.outsider, status=Status.DONE, assignee=org.member, days_ago=30)
    now = timezone.now()

    report = selectors.absence_impact(person=org.member, start=now, end=now + timedelta(days=5))

    assert report.impact.held == {held.pk}
    assert report.impact.blocked == {blocked.pk}
    assert [party.name for party in report.parties] == ["Harbour Motors"]
    assert report.people == 2  # Olga, who asked, and Lena, whose request waits


def test_an_absence_that_ends_before_it_starts_is_refused(org):
    now = timezone.now()

    with pytest.raises(InvalidInput) as refused:
        selectors.absence_impact(person=org.member, start=now, end=now - timedelta(days=1))

    assert list(refused.value.errors) == ["to"]


def test_a_team_is_found_by_its_path_or_its_unique_name(org):
    assert team_by_path("Plant / Assembly") == org.assembly
    assert team_by_path("Assembly") == org.assembly
    with pytest.raises(NotFound, match="no team 'Plant / Paint'"):
        team_by_path("Plant / Paint")


def test_a_name_two_teams_share_needs_the_path(org):
    from relaydesk.directory.models import Team

    Team.objects.create(name="Assembly", parent=org.purchasing)

    with pytest.raises(NotFound, match="several teams"):
        team_by_path("Assembly")


def test_a_service_one_person_delivers_with_no_backup_named_is_a_key_person_risk(org, catalog):
    from relaydesk.directory.models import Absence

    def lonely() -> list[str]:
        return [s.name for s in selectors.key_person_risk(viewer=org.admin).lonely_services]

    assert lonely() == ["Purchase approval"]  # Olga alone sits in Purchasing
    now = timezone.now()
    Absence.objects.create(
        person=org.outsider, starts_at=now, ends_at=now + timedelta(days=3), backup=org.member
    )
    assert lonely() == []
    org.lead.is_active = False
    org.lead.save()
    assert lonely() == ["Wheel fitting"]


def test_a_lead_sees_the_risk_of_their_own_teams_only(org, catalog):
    report = selectors.key_person_risk(viewer=org.lead)

    assert report.lonely_services == []


def test_a_party_on_a_request_measures_a_declared_link_but_makes_none(org, catalog):
    served(catalog.wheels, org.outsider, party=org.dealer, late=True)
    served(catalog.approvals, org.member, party=org.dealer)

    graph = selectors.customer_graph().graph

    assert graph.edges[(TEAM, org.assembly.pk), (PARTY, org.dealer.pk)]["measured"] == 1
    assert not graph.has_edge((TEAM, org.purchasing.pk), (PARTY, org.dealer.pk))
