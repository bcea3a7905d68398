"""Under /api/ every error is JSON in the API's shape, whoever answered it."""

import logging

import pytest
from django.test import Client
from django.urls import path

from relaydesk.directory.services import api_token_create


@pytest.fixture
def client(org) -> Client:
    _, secret = api_token_create(person=org.member, name="script")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.json()["message"] == "There is no such address in this API."


def test_a_wrong_method_is_a_json_405_that_says_which_methods_it_takes(client):
    response = client.put("/api/v1/me")

    assert response.status_code == 405
    assert response.json()["message"] == "This address does not take that method."
    assert "GET" in response["Allow"]


def test_a_body_over_the_limit_is_a_json_413_naming_the_limit(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(
        "/api/v1/requests", "{" + '"x": 1,' * 400 + '"y": 2}', content_type="application/json"
    )

    assert response.status_code == 413
    assert "over the limit of 1,000 bytes" in response.json()["message"]


def test_an_unexpected_error_is_a_json_500_with_an_id_and_nothing_internal(
    client, settings, caplog
):
    def broken(request):
        raise RuntimeError("secret internals: password=hunter2")

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("api/v1/broken", broken)]})
    raising = Client(raise_request_exception=False, headers=client.defaults)
    with caplog.at_level(logging.ERROR, logger="relaydesk.middleware"):
        response = raising.get("/api/v1/broken")

    assert response.status_code == 500
    message = response.json()["message"]
    assert "quote error" in message and "hunter2" not in message
    error_id = message.rsplit(" ", 1)[1].rstrip(".")
    assert any(error_id in record.getMessage() for record in caplog.records)


def test_pages_keep_their_html_error_pages(org):
    from relaydesk.testing import signed_in_client

    response = signed_in_client(org.member).get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
