"""The queue policy through the API: a team's queue and my queue follow it and say why each
request is where it is; a lead picks it."""

import pytest
from django.utils import timezone

from relaydesk.directory.models import Team
from relaydesk.servicerequests.services import request_assign, request_create
from relaydesk.testing import signed_in_client

API = "/api/v1"


def put_policy(person, team_id, policy):
    return signed_in_client(person).put(
        f"{API}/teams/{team_id}/queue-policy", {"policy": policy}, content_type="application/json"
    )


@pytest.fixture
def mixed(org, catalog):
    colleague = request_create(
        requester=org.outsider, service=catalog.wheels, title="Colleague", priority="urgent"
    )
    customer = request_create(
        requester=org.outsider,
        service=catalog.wheels,
        title="Harbour",
        party=org.dealer,
        now=timezone.now(),
    )
    return colleague, customer


def titles(page):
    return [item["title"] for item in page["items"]]


def test_the_team_queue_follows_the_policy_a_lead_picks(org, mixed):
    client = signed_in_client(org.member)
    before = client.get(f"{API}/teams/{org.assembly.pk}/queue").json()

    response = put_policy(org.lead, org.assembly.pk, "external_first")

    after = client.get(f"{API}/teams/{org.assembly.pk}/queue").json()
    assert titles(before) == ["Colleague", "Harbour"]
    assert before["items"][0]["queue_reason"].startswith("due in ")
    assert response.status_code == 200
    assert response.json()["queue_policy"] == "external_first"
    assert response.json()["queue_rule"].startswith("External first: requests tied to")
    assert titles(after) == ["Harbour", "Colleague"]
    assert after["items"][0]["queue_reason"].startswith("for Harbour Motors, external first")


def test_my_queue_follows_my_teams_policy(org, mixed):
    for shown in mixed:
        request_assign(actor=org.lead, request_id=shown.pk, assignee=org.member)
    Team.objects.filter(pk=org.assembly.pk).update(queue_policy="external_first")

    page = signed_in_client(org.member).get(f"{API}/requests", {"role": "provider"}).json()

    assert titles(page) == ["Harbour", "Colleague"]
    assert all(item["queue_reason"] for item in page["items"])


def test_lists_other_than_queues_give_no_reason(org, mixed):
    page = signed_in_client(org.outsider).get(f"{API}/requests", {"role": "requester"}).json()

    assert [item["queue_reason"] for item in page["items"]] == [None, None]


def test_the_team_says_its_policy(org):
    shown = signed_in_client(org.outsider).get(f"{API}/teams/{org.assembly.pk}").json()

    assert shown["queue_policy"] == "earliest_due"
    assert shown["queue_rule"].startswith("Earliest due first")


def test_who_may_not_pick_the_policy(org):
    assert put_policy(org.member, org.assembly.pk, "parity").status_code == 403
    assert put_policy(org.outsider, org.assembly.pk, "parity").status_code == 403
    assert put_policy(org.lead, org.purchasing.pk, "parity").status_code == 403
    assert put_policy(org.lead, 999999, "parity").status_code == 404
    assert put_policy(org.admin, org.purchasing.pk, "parity").status_code == 200
    assert Team.objects.get(pk=org.assembly.pk).queue_policy == "earliest_due"


def test_an_unknown_policy_is_a_422_naming_the_field(org):
    response = put_policy(org.lead, org.assembly.pk, "loudest_first")

    assert response.status_code == 422
    assert "policy" in str(response.json())
