"""Every input of the API has bounds the product can hold: ids within 64 bits and never
true or false, dates between 1900 and 2200, texts within their documented length. Each is
refused with a 422 naming the field, on both databases; stored data past them still shows."""

import re
from datetime import UTC, datetime

import pytest
from django.test import Client

from relaydesk.catalog.services import calendar_save
from relaydesk.clean_input import BIGGEST
from relaydesk.directory.services import api_token_create
from relaydesk.servicerequests.models import Request
from relaydesk.servicerequests.services import Slot, request_create
from relaydesk.servicerequests.tests.conftest import make_service
from relaydesk.testing import OFFICE_HOURS, signed_in_client

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@pytest.fixture
def client(org) -> Client:
    _, secret = api_token_create(person=org.member, name="script")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def post(client: Client, path: str, payload: dict):
    return client.post(f"/api/v1{path}", payload, content_type="application/json")


def fields(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


# -- ids --------------------------------------------------------------------------------------


def test_true_is_not_taken_as_an_id(client, catalog):
    response = post(
        client, "/requests", {"service": "wheel-fitting", "title": "Tyres", "party_id": True}
    )

    assert response.status_code == 422
    assert fields(response) == ["party_id"]
    assert not Request.objects.exists()


def test_booleans_in_an_id_list_are_named_by_their_place(client, catalog):
    response = post(
        client, "/requests", {"service": "wheel-fitting", "title": "Tyres", "unblocks": [False]}
    )

    assert response.status_code == 422
    assert fields(response) == ["unblocks.0"]


@pytest.mark.parametrize("team_id", [0, -1])
def test_an_id_below_one_is_refused_naming_it(client, org, catalog, team_id):
    shown = request_create(requester=org.member, service=catalog.wheels, title="Tyres")

    response = post(client, f"/requests/{shown.pk}/transfer", {"team_id": team_id})

    assert response.status_code == 422
    assert fields(response) == ["team_id"]


def test_the_largest_id_the_database_holds_is_simply_not_found(client, org):
    assert client.get(f"/api/v1/people/{BIGGEST}").status_code == 404
    assert client.get(f"/api/v1/teams/{BIGGEST}/queue").status_code == 404


# -- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start", ["0001-01-01T00:00:00Z", "0261-06-01T10:00:00Z", "9999-12-31T23:00:00Z"]
)
def test_a_due_time_from_a_start_out_of_range_is_refused_naming_start(client, catalog, start):
    response = client.get(
        f"/api/v1/calendars/{catalog.office.pk}/due", {"start": start, "minutes": 60}
    )

    assert response.status_code == 422
    assert fields(response) == ["start"]
    assert "1900 and 2200" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("start", ["1900-01-01T00:00:00Z", "2200-12-31T12:00:00+01:00"])
def test_a_due_time_at_the_ends_of_the_range_is_a_real_date_time(client, catalog, start):
    response = client.get(
        f"/api/v1/calendars/{catalog.office.pk}/due", {"start": start, "minutes": 600_000}
    )

    assert response.status_code == 200
    assert RFC3339.match(response.json()["due"])


def test_a_due_time_in_a_zone_that_kept_local_mean_time_has_a_real_offset(client, org):
    # Monrovia was 44 min 30 s behind UTC until 1972: no offset RFC 3339 can write.
    liberia = calendar_save(
        actor=None,
        name="Monrovia office",
        definition=OFFICE_HOURS | {"timezone": "Africa/Monrovia", "holidays": None},
        owner_team=None,
    )

    response = client.get(
        f"/api/v1/calendars/{liberia.pk}/due", {"start": "1950-03-01T10:00:00Z", "minutes": 60}
    )

    assert response.status_code == 200
    assert response.json()["due"] == "1950-03-01T11:00:00Z"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"needed_by": "9999-12-31T23:00:00Z"}, "needed_by"),
        ({"needed_by": "1899-12-31T23:00:00Z"}, "needed_by"),
        (
            {"proposed_slots": [{"start": "9999-12-31T22:00:00Z", "end": "9999-12-31T23:00:00Z"}]},
            "proposed_slots.0.start",
        ),
    ],
)
def test_a_request_with_a_time_out_of_range_is_refused_naming_it(
    client, org, catalog, extra, field
):
    make_service(org, catalog, "tyre-clinic", kind="face_time")

    response = post(client, "/requests", {"service": "tyre-clinic", "title": "Tyres"} | extra)

    assert response.status_code == 422
    assert field in fields(response)
    assert not Request.objects.exists()


def test_a_request_page_shows_times_stored_at_the_end_of_the_calendar(org, catalog):
    # Kept before the API refused them: shown a day later in Kiritimati (UTC+14), they fall past
    # the last day a date can have.
    clinic = make_service(org, catalog, "tyre-clinic", kind="face_time")
    last = datetime(9999, 12, 31, 22, tzinfo=UTC)
    kept = request_create(
        requester=org.member,
        service=clinic,
        title="Tyres",
        needed_by=last,
        proposed_slots=[Slot(last, last.replace(hour=23))],
    )
    org.member.timezone = "Pacific/Kiritimati"
    org.member.save()

    response = signed_in_client(org.member).get(f"/requests/{kept.pk}/")

    assert response.status_code == 200
    assert "Tyres" in response.text
    assert signed_in_client(org.member).get(f"/api/v1/requests/{kept.pk}").status_code == 200


# -- lengths ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/requests", {"service": "wheel-fitting", "title": "x" * 201}, "title"),
        ("/requests", {"service": "x" * 101, "title": "Tyres"}, "service"),
        (
            "/parties",
            {"name": "Dealer", "kind": "customer", "description": "x" * 10_001},
            "description",
        ),
        ("/tokens", {"name": "x" * 101}, "name"),
    ],
)
def test_a_text_over_its_length_is_refused_naming_it(client, catalog, path, payload, field):
    response = post(client, path, payload)

    assert response.status_code == 422
    assert fields(response) == [field]


def test_a_search_over_its_length_is_refused_naming_it(client, org):
    response = client.get("/api/v1/people", {"q": "x" * 201})

    assert response.status_code == 422
    assert fields(response) == ["q"]
