"""Idempotency-Key on the API's create calls (SPEC §4): a retry never creates twice."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from ninja import Router

from relaydesk.catalog.models import Calendar, Service
from relaydesk.directory.models import ApiToken, Party
from relaydesk.directory.services import api_token_create
from relaydesk.idempotency import idempotent
from relaydesk.models import IdempotencyRecord
from relaydesk.servicerequests.models import Request
from relaydesk.servicerequests.tests.test_concurrency import race
from relaydesk.testing import OFFICE_HOURS, signed_in_client

KEY = "9b2e0c1d-retry-me"
DAY = timedelta(hours=24, minutes=1)


def post(person, path: str, payload, key: str | None = KEY, client: Client | None = None):
    client = client or signed_in_client(person)
    headers = {} if key is None else {"Idempotency-Key": key}
    return client.post(f"/api/v1{path}", payload, content_type="application/json", headers=headers)


def dealer(name: str = "Harbour Trucks") -> dict:
    return {"name": name, "kind": "customer"}


def test_a_retry_gets_the_first_answer_and_creates_nothing_more(org):
    first = post(org.admin, "/parties", dealer())
    retry = post(org.admin, "/parties", dealer())

    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content  # byte for byte, on PostgreSQL too
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert Party.objects.filter(name="Harbour Trucks").count() == 1


def test_the_same_json_spelled_otherwise_is_the_same_request(org):
    post(org.admin, "/parties", '{"name": "Harbour Trucks", "kind": "customer"}')

    retry = post(org.admin, "/parties", '{"kind":"customer",  "name":"Harbour Trucks"}')

    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"


def test_the_same_key_for_another_body_is_refused_naming_the_header(org):
    post(org.admin, "/parties", dealer())

    response = post(org.admin, "/parties", dealer("Harbour Vans"))

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "Idempotency-Key",
            "message": "this key was used for a different request; use a new key for each one",
        }
    ]
    assert not Party.objects.filter(name="Harbour Vans").exists()


def test_the_same_key_on_another_endpoint_is_refused(org, catalog):
    post(org.admin, "/parties", dealer())

    response = post(org.admin, "/calendars", {"name": "x", "definition": OFFICE_HOURS})

    assert response.status_code == 422
    assert not Calendar.objects.filter(name="x").exists()


def test_keys_belong_to_each_person(org, catalog):
    ask = {"service": "wheel-fitting", "title": "Fit tyres"}

    mine = post(org.outsider, "/requests", ask)
    theirs = post(org.member, "/requests", ask)

    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert Request.objects.count() == 2


def test_without_a_key_every_call_creates(org, catalog):
    ask = {"service": "wheel-fitting", "title": "Fit tyres"}

    post(org.outsider, "/requests", ask, key=None)
    post(org.outsider, "/requests", ask, key=None)

    assert Request.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_a_failed_call_is_not_kept_so_it_can_be_corrected(org):
    refused = post(org.admin, "/parties", {"name": "Harbour Trucks", "kind": "buyer"})
    corrected = post(org.admin, "/parties", dealer())

    assert refused.status_code == 422
    assert corrected.status_code == 201
    assert "Idempotent-Replayed" not in corrected.headers


def test_a_refused_call_leaves_nothing_behind(org, catalog):
    response = post(org.member, "/parties", dealer())  # only admins add parties

    assert response.status_code == 403
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("key", ["", "k" * 256])
def test_a_key_must_have_1_to_255_characters(org, key):
    response = post(org.admin, "/parties", dealer(), key=key)

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["Idempotency-Key"]
    assert not Party.objects.filter(name="Harbour Trucks").exists()


def test_a_key_of_255_characters_is_fine(org):
    assert post(org.admin, "/parties", dealer(), key="k" * 255).status_code == 201


def test_keys_are_forgotten_after_a_day(org):
    post(org.admin, "/parties", dealer())
    IdempotencyRecord.objects.update(created_at=IdempotencyRecord.objects.get().created_at - DAY)

    response = post(org.admin, "/parties", dealer("Harbour Vans"))

    assert response.status_code == 201
    assert IdempotencyRecord.objects.count() == 1


def test_a_new_token_is_never_shown_twice_nor_kept(org):
    first = post(org.member, "/tokens", {"name": "ci"})
    retry = post(org.member, "/tokens", {"name": "ci"})

    assert first.status_code == 201
    assert retry.status_code == 409
    assert "shown only once" in retry.json()["message"]
    assert ApiToken.objects.filter(person=org.member).count() == 1
    secret = first.json()["token"]
    assert not IdempotencyRecord.objects.filter(body__contains=secret[4:]).exists()


CREATES = [
    ("/parties", lambda org, catalog: dealer(), Party),
    (
        "/calendars",
        lambda org, catalog: {"name": "Night shift", "definition": OFFICE_HOURS},
        Calendar,
    ),
    (
        "/services",
        lambda org, catalog: {
            "slug": "tyre-advice",
            "name": "Tyre advice",
            "kind": "advice",
            "provider_team_id": org.assembly.pk,
            "calendar_id": catalog.office.pk,
        },
        Service,
    ),
    ("/requests", lambda org, catalog: {"service": "wheel-fitting", "title": "x"}, Request),
]


@pytest.mark.parametrize(("path", "payload", "model"), CREATES)
def test_every_create_endpoint_honours_the_key(org, catalog, path, payload, model):
    before = model.objects.count()

    first = post(org.admin, path, payload(org, catalog))
    retry = post(org.admin, path, payload(org, catalog))

    assert first.status_code == 201, first.json()
    assert retry.content == first.content
    assert model.objects.count() == before + 1


def test_the_header_is_documented_on_every_create_endpoint(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]

    for path in ["/parties", "/calendars", "/services", "/tokens", "/requests"]:
        parameters = paths[f"/api/v1{path}"]["post"]["parameters"]
        assert "Idempotency-Key" in [parameter["name"] for parameter in parameters], path
    transitions = paths["/api/v1/requests/{request_id}/transitions"]["post"]["parameters"]
    assert "Idempotency-Key" not in [parameter["name"] for parameter in transitions]


def test_the_decorator_goes_under_the_route():
    router = Router()

    @router.post("/things")
    def thing_create(request):
        return {}

    with pytest.raises(TypeError, match="under the route decorator"):
        idempotent(thing_create)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_twin_calls_racing_with_one_key_create_one_request(org, catalog, attempt):
    token, secret = api_token_create(person=org.outsider, name="retrying script")
    # Used a moment ago, so that neither call writes (and queues) before it claims the key.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())

    def send():
        response = Client().post(
            "/api/v1/requests",
            {"service": "wheel-fitting", "title": "Fit tyres"},
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": KEY},
        )
        return response.status_code, response.content

    results = race(send, send)

    assert Request.objects.count() == 1
    statuses = sorted(status for status, _ in results)
    assert statuses in ([201, 201], [201, 409])
    if statuses == [201, 201]:
        assert results[0][1] == results[1][1]
