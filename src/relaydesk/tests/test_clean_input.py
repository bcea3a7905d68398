"""Control characters anywhere in the API's input are a 422 naming the field, on both
databases (PostgreSQL cannot store a NUL at all), and nothing is written."""

import pytest
from django.test import Client

from relaydesk.clean_input import unholdable_locations
from relaydesk.directory.services import api_token_create
from relaydesk.servicerequests.models import Request
from relaydesk.testing import signed_in_client


@pytest.fixture
def client(org) -> Client:
    _, secret = api_token_create(person=org.outsider, name="script")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def fields(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


@pytest.mark.parametrize("bad", ["\x00", "a\x00b", "bell\x07", "esc\x1b[31m", "del\x7f"])
def test_a_control_character_in_a_text_field_is_refused_naming_it(client, catalog, bad):
    response = client.post(
        "/api/v1/requests",
        {"service": "wheel-fitting", "title": bad, "details": "fine"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert fields(response) == ["title"]
    assert not Request.objects.exists()


def test_tabs_and_line_breaks_are_text(client, catalog):
    response = client.post(
        "/api/v1/requests",
        {"service": "wheel-fitting", "title": "Tyres", "details": "one\ttwo\r\nthree"},
        content_type="application/json",
    )

    assert response.status_code == 201


def test_nested_fields_and_list_items_are_named(client, catalog):
    response = client.post(
        "/api/v1/requests",
        {
            "service": "wheel-fitting",
            "title": "ok",
            "proposed_slots": [{"start": "2030-01-01T10:00:00+01:00\x00", "end": "x"}],
        },
        content_type="application/json",
    )

    assert response.status_code == 422
    assert "proposed_slots.0.start" in fields(response)


@pytest.mark.parametrize("path", ["/api/v1/services?q=wheel%00s", "/api/v1/people?q=%00"])
def test_a_control_character_in_a_query_parameter_is_refused_naming_it(client, catalog, path):
    response = client.get(path)

    assert response.status_code == 422
    assert fields(response) == ["q"]


def test_it_finds_every_place_in_a_nested_value():
    value = {"a": ["ok", "b\x00"], "k\x01": "v", "c": {"d": "\x1f", "n": 2**64}, "t": True}

    assert sorted(unholdable_locations(value), key=str) == [
        ("a", 1),
        ("c", "d"),
        ("c", "n"),
        ("k\x01",),
    ]


def test_a_control_character_in_an_api_path_is_refused(client, catalog):
    response = client.get("/api/v1/services/wheel%00fitting")

    assert response.status_code == 422
    assert fields(response) == ["path"]


@pytest.mark.parametrize("path", ["/people/?q=%00", "/services/?q=a%1bb", "/people/?q%00=x"])
def test_a_page_asked_with_a_control_character_is_a_400_not_a_500(org, path):
    response = signed_in_client(org.member).get(path)

    assert response.status_code == 400
    assert "control characters" in response.text


@pytest.mark.parametrize("number", [2**63, -(2**63) - 1, 10**30])
def test_a_whole_number_beyond_64_bits_is_refused_naming_the_field(client, catalog, number):
    response = client.post(
        "/api/v1/requests",
        {"service": "wheel-fitting", "title": "Tyres", "party_id": number, "unblocks": [number]},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert fields(response) == ["party_id", "unblocks.0"]
    assert not Request.objects.exists()


def test_the_biggest_64_bit_number_is_still_an_id_that_is_simply_not_found(client, catalog):
    response = client.get(f"/api/v1/requests/{2**63 - 1}")

    assert response.status_code == 404


@pytest.mark.parametrize(
    "path", [f"/api/v1/requests/{2**63}", f"/api/v1/requests?service=x&cursor={10**25}"]
)
def test_a_number_beyond_64_bits_in_the_path_or_query_is_refused(client, catalog, path):
    assert client.get(path).status_code == 422


def test_a_long_number_among_searched_words_is_just_text(org):
    response = signed_in_client(org.member).get("/people/?q=order+123456789012345678901234")

    assert response.status_code == 200
