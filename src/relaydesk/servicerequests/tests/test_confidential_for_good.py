"""What was asked in confidence stays confidential when its service stops being confidential
(SPEC §6): the admin, the department's lead and the team's members who could not see it before
still cannot, on the pages and through the API; only new requests are open to them."""

import importlib

import pytest
from django.apps import apps

from relaydesk.directory.models import Person
from relaydesk.servicerequests.models import Request
from relaydesk.servicerequests.services import request_create
from relaydesk.testing import signed_in_client

ONLOOKERS = ["admin", "head", "member"]


@pytest.fixture
def head(org, password_hash) -> Person:
    """Hugo leads Plant, the department above Assembly."""
    hugo = Person.objects.create(
        email="hugo.head@example.com", name="Hugo Head", team=org.plant, password=password_hash
    )
    org.plant.lead = hugo
    org.plant.save()
    return hugo


@pytest.fixture
def people(org, head) -> dict[str, Person]:
    return {"admin": org.admin, "head": head, "member": org.member, "lead": org.lead}


@pytest.fixture
def hearing(org, grievances) -> Request:
    return request_create(requester=org.outsider, service=grievances, title="About my manager")


def make_public(person: Person, service) -> None:
    """Switch confidentiality off through the catalog API, as an admin would."""
    payload = {
        "slug": service.slug,
        "name": service.name,
        "kind": service.kind,
        "provider_team_id": service.provider_team_id,
        "calendar_id": service.calendar_id,
        "confidential": False,
        "promises": {"normal": {"first_response_minutes": 60, "resolution_minutes": 480}},
    }
    response = signed_in_client(person).put(
        f"/api/v1/services/{service.slug}", payload, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["confidential"] is False
    service.refresh_from_db()


def seen(person: Person, request: Request) -> dict[str, int]:
    client = signed_in_client(person)
    return {
        "page": client.get(f"/requests/{request.pk}/").status_code,
        "api": client.get(f"/api/v1/requests/{request.pk}").status_code,
    }


def in_team_queue(person: Person, org) -> bool:
    page = signed_in_client(person).get(f"/teams/{org.assembly.pk}/queue/")
    return "About my manager" in page.text


@pytest.mark.parametrize("role", ONLOOKERS)
def test_who_could_not_see_it_still_cannot_after_the_switch(org, people, grievances, hearing, role):
    assert seen(people[role], hearing) == {"page": 404, "api": 404}

    make_public(org.admin, grievances)

    assert seen(people[role], hearing) == {"page": 404, "api": 404}


def test_the_lead_and_requester_keep_seeing_it_and_it_stays_out_of_the_members_queue(
    org, people, grievances, hearing
):
    make_public(org.admin, grievances)

    assert seen(people["lead"], hearing) == {"page": 200, "api": 200}
    assert seen(org.outsider, hearing) == {"page": 200, "api": 200}
    assert in_team_queue(org.lead, org)
    assert not in_team_queue(org.member, org)
    answer = signed_in_client(org.lead).get(f"/api/v1/requests/{hearing.pk}").json()
    assert answer["confidential"] is True and answer["service"]["confidential"] is False
    page = signed_in_client(org.outsider).get(f"/requests/{hearing.pk}/").text
    assert '<span class="tag">confidential</span>' in page  # the requester is still told


def test_requests_made_after_the_switch_are_not_confidential(org, people, grievances, hearing):
    make_public(org.admin, grievances)

    later = request_create(requester=org.outsider, service=grievances, title="Parking")

    assert not later.confidential
    assert seen(people["member"], later) == {"page": 200, "api": 200}
    assert seen(people["admin"], later) == {"page": 200, "api": 200}


def test_requests_made_before_the_flag_existed_take_their_services(org, catalog, grievances):
    """The data migration: a request keeps the confidentiality its service has today."""
    hearing = request_create(requester=org.outsider, service=grievances, title="About my manager")
    tyres = request_create(requester=org.outsider, service=catalog.wheels, title="Tyres")
    Request.objects.update(confidential=False)
    migration = importlib.import_module(
        "relaydesk.servicerequests.migrations.0002_request_confidential"
    )

    migration.asked_in_confidence(apps, None)

    assert Request.objects.get(pk=hearing.pk).confidential
    assert not Request.objects.get(pk=tyres.pk).confidential
