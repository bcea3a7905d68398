"""Who may ask a service for something (SPEC §2: a service says who may request it)."""

import pytest

from relaydesk.catalog.permissions import may_request
from relaydesk.directory.models import Person, Team


@pytest.fixture
def hiring(org, catalog):
    """Purchase approval, made to take requests from Assembly and from Olga only."""
    service = catalog.approvals
    service.audience = service.Audience.LISTED
    service.save()
    service.requester_teams.set([org.assembly])
    service.requester_people.set([org.outsider])
    return service


def test_a_service_for_everyone_takes_requests_from_anyone(org, catalog):
    assert may_request(org.outsider, catalog.wheels)
    assert may_request(org.admin, catalog.wheels)


def test_a_listed_service_takes_requests_from_the_people_it_lists(org, hiring):
    assert may_request(org.outsider, hiring)  # listed by name, though Purchasing is not


def test_a_listed_team_includes_the_teams_nested_in_it(org, hiring):
    cell = Team.objects.create(name="Wheel cell", parent=org.assembly)
    fitter = Person.objects.create(email="fitter@example.com", name="Fitter", team=cell)

    assert may_request(org.member, hiring)
    assert may_request(fitter, hiring)


def test_a_listed_service_refuses_everyone_else(org, hiring):
    teamless = Person.objects.create(email="new@example.com", name="New")

    assert not may_request(org.admin, hiring)  # Plant sits above Assembly, not in it
    assert not may_request(teamless, hiring)
