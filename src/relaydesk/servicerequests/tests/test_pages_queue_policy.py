"""The team's queue policy on the queue pages: read in plain words, picked by a lead, followed
by the team queue and my queue, with why each request is where it is."""

import html
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from relaydesk.core.queue_policy import RULES, QueuePolicy
from relaydesk.directory.models import Team
from relaydesk.servicerequests import views
from relaydesk.servicerequests.services import request_assign, request_create
from relaydesk.testing import signed_in_client


def listed(text: str) -> list[str]:
    found = re.findall(r'<th scope="row"><a href="/requests/\d+/">#\d+ ([^<]+)</a>', text)
    return [html.unescape(title) for title in found]


def reasons(text: str) -> list[str]:
    found = re.findall(r'<small class="queue-reason">Why here: ([^<]+)</small>', text)
    return [html.unescape(reason) for reason in found]


@pytest.fixture
def mixed(org, catalog):
    """A colleague's urgent request (due first) and a normal one for Harbour Motors."""
    now = timezone.now()
    colleague = request_create(
        requester=org.outsider, service=catalog.wheels, title="Colleague's", priority="urgent"
    )
    customer = request_create(
        requester=org.outsider,
        service=catalog.wheels,
        title="Harbour's",
        party=org.dealer,
        now=now - timedelta(seconds=1),
    )
    return colleague, customer


def pick(person, team, policy):
    return signed_in_client(person).post(f"/teams/{team.pk}/queue/policy/", {"policy": policy})


def test_the_queue_says_its_rule_and_follows_the_default_earliest_due_first(org, mixed):
    text = signed_in_client(org.member).get(f"/teams/{org.assembly.pk}/queue/").text

    assert RULES[QueuePolicy.EARLIEST_DUE] in html.unescape(text)
    assert listed(text) == ["Colleague's", "Harbour's"]
    assert reasons(text)[0].startswith("due in ")


def test_a_lead_switches_to_external_first_and_the_order_changes(org, mixed):
    response = pick(org.lead, org.assembly, "external_first")

    assert response.status_code == 302
    text = signed_in_client(org.member).get(f"/teams/{org.assembly.pk}/queue/").text
    assert listed(text) == ["Harbour's", "Colleague's"]
    assert reasons(text)[0].startswith("for Harbour Motors, external first; due in ")
    assert "a colleague's request, after the external ones" in reasons(text)[1]
    assert Team.objects.get(pk=org.assembly.pk).queue_policy == "external_first"


def test_my_queue_follows_my_teams_policy(org, mixed):
    for shown in mixed:
        request_assign(actor=org.lead, request_id=shown.pk, assignee=org.member)
    client = signed_in_client(org.member)

    assert listed(client.get("/queue/").text) == ["Colleague's", "Harbour's"]
    Team.objects.filter(pk=org.assembly.pk).update(queue_policy="external_first")
    text = client.get("/queue/").text
    assert listed(text) == ["Harbour's", "Colleague's"]
    assert RULES[QueuePolicy.EXTERNAL_FIRST][:40] in text


def test_only_a_lead_sees_the_policy_form(org, mixed):
    form = f'action="/teams/{org.assembly.pk}/queue/policy/"'

    assert form in signed_in_client(org.lead).get(f"/teams/{org.assembly.pk}/queue/").text
    assert form in signed_in_client(org.admin).get(f"/teams/{org.assembly.pk}/queue/").text
    assert form not in signed_in_client(org.member).get(f"/teams/{org.assembly.pk}/queue/").text


def test_who_may_not_pick_the_policy(org):
    assert pick(org.member, org.assembly, "parity").status_code == 403
    assert pick(org.outsider, org.assembly, "parity").status_code == 403
    assert pick(org.lead, org.purchasing, "parity").status_code == 403
    assert pick(org.admin, org.purchasing, "parity").status_code == 302
    anonymous = Client().post(f"/teams/{org.assembly.pk}/queue/policy/", {"policy": "parity"})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert Team.objects.get(pk=org.assembly.pk).queue_policy == "earliest_due"


def test_an_unknown_policy_is_refused_naming_the_field(org):
    for bad in ("loudest_first", "", "parity\x00"):
        response = pick(org.lead, org.assembly, bad)
        assert response.status_code == 400
    assert signed_in_client(org.lead).get("/teams/999999/queue/policy/").status_code == 405
    assert pick(org.lead, Team(pk=999999), "parity").status_code == 404


@pytest.mark.parametrize("policy", list(QueuePolicy))
def test_the_next_page_follows_the_first_in_every_policy(org, catalog, policy, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    Team.objects.filter(pk=org.assembly.pk).update(queue_policy=policy)
    start = timezone.now() - timedelta(days=3)
    for n in range(5):
        request_create(
            requester=org.outsider,
            service=catalog.wheels,
            title=f"Request {n}",
            party=org.dealer if n % 2 else None,
            now=start + timedelta(hours=n),
        )
    client = signed_in_client(org.member)
    seen, url = [], f"/teams/{org.assembly.pk}/queue/"
    while url:
        text = client.get(url).text
        seen += listed(text)
        after = re.search(r'<a class="button" href="\?([^"]+)">Next page</a>', text)
        url = (
            f"/teams/{org.assembly.pk}/queue/?" + after.group(1).replace("&amp;", "&")
            if after
            else None
        )

    assert sorted(seen) == [f"Request {n}" for n in range(5)]


def test_a_forged_cursor_is_a_400(org):
    client = signed_in_client(org.member)
    for cursor in ("nonsense", "WyJ4IiwgMSwgMl0", "WzEsMiwzXQ"):
        assert client.get(f"/teams/{org.assembly.pk}/queue/", {"after": cursor}).status_code == 400
        assert client.get("/queue/", {"after": cursor}).status_code == 400
