"""The home page's short summary of one's own open requests and queue."""

import pytest

from relaydesk.servicerequests.services import request_assign, request_create, request_transition
from relaydesk.testing import signed_in_client


def test_home_lists_my_open_requests_and_my_queue(org, catalog):
    mine = request_create(requester=org.member, service=catalog.approvals, title="Buy tyres")
    closed = request_create(requester=org.member, service=catalog.approvals, title="Old order")
    request_transition(actor=org.outsider, request_id=closed.pk, to="cancelled")
    work = request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")
    request_assign(actor=org.member, request_id=work.pk, assignee=org.member)

    text = signed_in_client(org.member).get("/").text

    assert f'<a href="/requests/{mine.pk}/">#{mine.pk} Buy tyres</a>' in text
    assert "Old order" not in text
    assert f'<a href="/requests/{work.pk}/">#{work.pk} Fit tyres</a>' in text
    assert "from Olga Outsider · due " in text
    assert 'href="/requests/mine/"' in text and 'href="/queue/"' in text


def test_home_says_when_there_is_nothing(org, catalog):
    text = signed_in_client(org.member).get("/").text

    assert "None open." in text and "Nothing waiting for you." in text


# session, person; four counts; team, manager; my open requests; my team's queue policy, what
# it weighs of my open work, my queue; the bell; the kudos feed
HOME_QUERIES = 14


@pytest.mark.parametrize("rows", [3, 30])
def test_home_costs_a_fixed_number_of_queries(org, catalog, rows, django_assert_num_queries):
    for n in range(rows):
        request_create(requester=org.member, service=catalog.approvals, title=f"Ask {n}")
        work = request_create(requester=org.outsider, service=catalog.wheels, title=f"Work {n}")
        request_assign(actor=org.member, request_id=work.pk, assignee=org.member)
    client = signed_in_client(org.member)
    client.get("/")

    with django_assert_num_queries(HOME_QUERIES):
        client.get("/")
