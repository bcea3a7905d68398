"""Every text a request keeps has a length it may not pass, and one may propose only so many
times to meet: a clear 422 naming the field, through the API and the services alike."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from relaydesk.directory.services import api_token_create
from relaydesk.errors import InvalidInput
from relaydesk.servicerequests.models import MOST_PROPOSED_SLOTS, TEXT_LENGTH, Request
from relaydesk.servicerequests.services import (
    request_comment,
    request_create,
    request_transfer,
    request_transition,
)

TOO_LONG = "x" * (TEXT_LENGTH + 1)


@pytest.fixture
def client(org) -> Client:
    _, secret = api_token_create(person=org.outsider, name="script")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def fields(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


def test_details_over_the_limit_are_refused_by_the_api(client, catalog):
    response = client.post(
        "/api/v1/requests",
        {"service": "wheel-fitting", "title": "Tyres", "details": TOO_LONG},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert fields(response) == ["details"]
    assert not Request.objects.exists()


def test_details_at_the_limit_are_kept(client, catalog):
    response = client.post(
        "/api/v1/requests",
        {"service": "wheel-fitting", "title": "Tyres", "details": "x" * TEXT_LENGTH},
        content_type="application/json",
    )

    assert response.status_code == 201


def test_a_comment_over_the_limit_is_refused_by_the_api(client, catalog, wheels_request):
    response = client.post(
        f"/api/v1/requests/{wheels_request.pk}/comments",
        {"body": TOO_LONG},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert fields(response) == ["body"]


def test_too_many_proposed_times_are_refused(client, org, catalog):
    start = timezone.now() + timedelta(days=2)
    slot = {"start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()}

    response = client.post(
        "/api/v1/requests",
        {"service": "wheel-fitting", "title": "Meet", "proposed_slots": [slot] * 1000},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert fields(response) == ["proposed_slots"]


def test_the_services_hold_the_same_bounds_for_the_pages(org, catalog, wheels_request):
    with pytest.raises(InvalidInput) as refused:
        request_create(
            requester=org.outsider, service=catalog.wheels, title="Tyres", details=TOO_LONG
        )
    assert list(refused.value.errors) == ["details"]
    with pytest.raises(InvalidInput, match="body"):
        request_comment(actor=org.outsider, request_id=wheels_request.pk, body=TOO_LONG)
    with pytest.raises(InvalidInput, match="message"):
        request_transition(
            actor=org.member, request_id=wheels_request.pk, to="in_progress", message=TOO_LONG
        )
    with pytest.raises(InvalidInput, match="message"):
        request_transfer(
            actor=org.member, request_id=wheels_request.pk, team=org.purchasing, message=TOO_LONG
        )
    wheels_request.refresh_from_db()
    assert wheels_request.status == "new" and wheels_request.version == 1


def test_the_bounds_are_in_the_openapi_document(db):
    schemas = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]

    assert schemas["RequestIn"]["properties"]["details"]["maxLength"] == TEXT_LENGTH
    assert schemas["RequestIn"]["properties"]["proposed_slots"]["maxItems"] == MOST_PROPOSED_SLOTS
    assert schemas["CommentIn"]["properties"]["body"]["maxLength"] == TEXT_LENGTH
