"""Work-in-progress limits (SPEC §3.4, self as customer): a team default and a personal
override; at or above it, automatic assignment skips the person, they see it on their queue,
their requesters are pointed elsewhere, and a lead sees them on the team page."""

import pytest

from relaydesk.core.assignment import at_work_limit
from relaydesk.directory.models import Person
from relaydesk.servicerequests.services import request_assign, request_create
from relaydesk.testing import signed_in_client


def ask(org, service, title="x"):
    return request_create(requester=org.outsider, service=service, title=title)


def give(org, service, person, n):
    for _ in range(n):
        request_assign(actor=org.lead, request_id=ask(org, service).pk, assignee=person)


def team_settings(org, **fields):
    # On the team the services hold, which routing reads.
    for name, value in fields.items():
        setattr(org.assembly, name, value)
    org.assembly.save()


def routed_to(org, service, policy, n=2):
    team_settings(org, assignment_policy=policy)
    return {ask(org, service).assignee.name for _ in range(n)}


def test_the_limit_is_reached_at_it_not_only_above():
    assert not at_work_limit(2, 3)
    assert at_work_limit(3, 3)
    assert at_work_limit(4, 3)
    assert not at_work_limit(400, None)


@pytest.mark.parametrize("policy", ["round_robin", "least_loaded"])
def test_automatic_assignment_skips_someone_at_the_teams_limit(org, catalog, policy):
    team_settings(org, wip_limit=2)
    give(org, catalog.wheels, org.member, 2)

    assert routed_to(org, catalog.wheels, policy) == {"Lena Lead"}


@pytest.mark.parametrize("policy", ["round_robin", "least_loaded"])
def test_a_personal_limit_overrides_the_teams(org, catalog, policy):
    team_settings(org, wip_limit=1)
    Person.objects.filter(pk=org.member.pk).update(wip_limit=10)
    give(org, catalog.wheels, org.member, 2)
    give(org, catalog.wheels, org.lead, 1)

    assert routed_to(org, catalog.wheels, policy) == {"Max Member"}


def test_when_everyone_is_at_the_limit_requests_wait_in_the_team_queue(org, catalog):
    team_settings(org, wip_limit=1)
    give(org, catalog.wheels, org.member, 1)
    give(org, catalog.wheels, org.lead, 1)
    team_settings(org, assignment_policy="round_robin")

    assert ask(org, catalog.wheels).assignee is None


def test_the_person_sees_it_on_their_queue(org, catalog):
    team_settings(org, wip_limit=2)
    give(org, catalog.wheels, org.member, 1)
    client = signed_in_client(org.member)

    below = client.get("/queue/").text
    give(org, catalog.wheels, org.member, 1)
    at = client.get("/queue/").text

    assert "You hold 1 of your limit of 2 open requests." in below
    assert "You hold 2 open requests, at or above your limit of 2" in at


def test_a_requester_of_their_personal_service_is_pointed_to_their_team(org, advice):
    Person.objects.filter(pk=org.member.pk).update(wip_limit=1)
    page = "/services/torque-advice/request/"
    before = signed_in_client(org.outsider).get(page).text
    ask(org, advice)

    text = signed_in_client(org.outsider).get(page).text

    assert 'id="busy"' not in before
    assert "Max Member already holds 1 open requests, at their limit of 1" in text
    assert f'<a href="/teams/{org.assembly.pk}/">Assembly</a>' in text


def test_only_a_lead_sees_who_is_over_the_limit_on_the_team_page(org, catalog):
    team_settings(org, wip_limit=1)
    give(org, catalog.wheels, org.member, 1)
    page = f"/teams/{org.assembly.pk}/"

    lead = signed_in_client(org.lead).get(page).text
    member = signed_in_client(org.member).get(page).text

    assert "At their work-in-progress limit" in lead
    assert "Max Member</a>: 1 open, limit 1" in lead
    assert "At their work-in-progress limit" not in member
