"""A team's queue: its open requests (earliest due first by default), for its members, leads
and admins."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from relaydesk.core.queue_policy import QueuePolicy
from relaydesk.directory.models import Person, Team
from relaydesk.servicerequests import views
from relaydesk.servicerequests.services import request_assign, request_create, request_transition
from relaydesk.testing import signed_in_client


def ask(org, service, title: str, **fields):
    return request_create(requester=org.outsider, service=service, title=title, **fields)


def listed(text: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/requests/\d+/">#\d+ ([^<]+)</a>', text)


def queue(person, team, **params):
    return signed_in_client(person).get(f"/teams/{team.pk}/queue/", params)


def test_it_lists_the_teams_open_requests_earliest_due_first(org, catalog):
    ask(org, catalog.wheels, "Today", now=timezone.now() - timedelta(hours=1))
    ask(org, catalog.wheels, "Last week", now=timezone.now() - timedelta(days=7))
    ask(org, catalog.approvals, "Purchasing's")
    done = ask(org, catalog.wheels, "Done")
    request_transition(actor=org.member, request_id=done.pk, to="done")

    response = queue(org.member, org.assembly)

    assert response.status_code == 200
    assert "<h1>Assembly: queue</h1>" in response.text
    assert listed(response.text) == ["Last week", "Today"]


def test_it_shows_only_the_unassigned_when_asked(org, catalog):
    taken = ask(org, catalog.wheels, "Taken")
    ask(org, catalog.wheels, "Free")
    request_assign(actor=org.member, request_id=taken.pk, assignee=org.member)

    everyone = queue(org.lead, org.assembly).text
    unassigned = queue(org.lead, org.assembly, unassigned="1").text

    assert sorted(listed(everyone)) == ["Free", "Taken"]
    assert listed(unassigned) == ["Free"]
    assert '?status=open&amp;unassigned=1" aria-current="page">Unassigned only' in unassigned
    # The status links keep the other filter.
    assert 'href="?status=new&amp;unassigned=1"' in unassigned


def test_it_filters_by_status(org, catalog):
    started = ask(org, catalog.wheels, "Started")
    ask(org, catalog.wheels, "New")
    request_transition(actor=org.member, request_id=started.pk, to="in_progress")

    assert listed(queue(org.lead, org.assembly, status="in_progress").text) == ["Started"]


def test_it_pages_with_a_cursor(org, catalog, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    start = timezone.now() - timedelta(days=3)
    for n, title in enumerate(("First", "Second", "Third")):
        ask(org, catalog.wheels, title, now=start + timedelta(hours=n))

    first = queue(org.member, org.assembly, unassigned="1").text
    next_page = re.search(r'<a class="button" href="\?([^"]+)">Next page</a>', first).group(1)
    second = signed_in_client(org.member).get(
        f"/teams/{org.assembly.pk}/queue/?" + next_page.replace("&amp;", "&")
    )

    assert listed(first) == ["First", "Second"]
    assert "unassigned=1" in next_page
    assert listed(second.text) == ["Third"]


def test_a_confidential_request_is_hidden_from_a_plain_member(org, catalog, grievances):
    ask(org, grievances, "About my manager")
    ask(org, catalog.wheels, "Tyres")

    assert listed(queue(org.member, org.assembly).text) == ["Tyres"]
    assert sorted(listed(queue(org.lead, org.assembly).text)) == ["About my manager", "Tyres"]


def test_who_may_see_the_queue(org, catalog):
    assert queue(org.member, org.assembly).status_code == 200
    assert queue(org.lead, org.assembly).status_code == 200
    assert queue(org.admin, org.assembly).status_code == 200
    assert queue(org.outsider, org.assembly).status_code == 403
    assert signed_in_client(org.member).get("/teams/999999/queue/").status_code == 404
    response = Client().get(f"/teams/{org.assembly.pk}/queue/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_lead_of_a_department_sees_the_queues_of_its_teams(org, catalog, password_hash):
    head = Person.objects.create(
        email="hana.head@example.com", name="Hana Head", team=None, password=password_hash
    )
    Team.objects.filter(pk=org.plant.pk).update(lead=head)

    assert queue(head, org.assembly).status_code == 200


def test_the_team_page_links_to_the_queue_for_those_who_may_see_it(org):
    link = f'<a href="/teams/{org.assembly.pk}/queue/">Team queue</a>'

    assert link in signed_in_client(org.member).get(f"/teams/{org.assembly.pk}/").text
    assert link in signed_in_client(org.lead).get(f"/teams/{org.assembly.pk}/").text
    assert link not in signed_in_client(org.outsider).get(f"/teams/{org.assembly.pk}/").text


# session, person; the team; the teams the viewer leads; what the queue policy weighs of every
# open request; the page of requests with their calendars; the bell's unread count
TEAM_QUEUE_QUERIES = 7


@pytest.mark.parametrize("policy", list(QueuePolicy))
@pytest.mark.parametrize("rows", [3, 60])
def test_the_team_queue_costs_a_fixed_number_of_queries(
    org, catalog, rows, policy, django_assert_num_queries
):
    Team.objects.filter(pk=org.assembly.pk).update(queue_policy=policy)
    for n in range(rows):
        ask(org, catalog.wheels, f"Request {n}", party=org.dealer if n % 2 else None)
    client = signed_in_client(org.member)
    client.get("/")

    with django_assert_num_queries(TEAM_QUEUE_QUERIES):
        text = client.get(f"/teams/{org.assembly.pk}/queue/").text

    assert len(listed(text)) == min(rows, views.PAGE_SIZE)
