"""The API's front door: who gets in, how errors look, and the OpenAPI description."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from relaydesk.directory.models import ApiToken
from relaydesk.directory.services import api_token_create
from relaydesk.testing import signed_in_client


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_without_credentials_the_api_answers_401_in_json(db):
    response = Client().get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["message"].startswith("Sign in, or send a personal token")


def test_a_personal_token_authenticates(org):
    _, secret = api_token_create(person=org.member, name="script")

    response = Client().get("/api/v1/me", headers=bearer(secret))

    assert response.status_code == 200
    assert response.json()["email"] == "max.member@example.com"


def test_tokens_are_stored_hashed_and_shown_once(org):
    token, secret = api_token_create(person=org.member, name="script")

    assert secret not in token.digest
    assert not ApiToken.objects.filter(digest__contains=secret[4:20]).exists()
    listed = Client().get("/api/v1/tokens", headers=bearer(secret)).json()
    assert listed[0]["prefix"] == secret[:8]
    assert "token" not in listed[0]


def test_a_wrong_or_revoked_token_is_refused(org):
    token, secret = api_token_create(person=org.member, name="script")
    assert Client().get("/api/v1/me", headers=bearer(secret + "x")).status_code == 401

    token.delete()

    assert Client().get("/api/v1/me", headers=bearer(secret)).status_code == 401


@pytest.mark.parametrize(("method", "path"), [("get", "me"), ("post", "tokens"), ("delete", "")])
def test_an_invalid_token_gets_401_saying_so_whatever_the_method(org, method, path):
    token, secret = api_token_create(person=org.member, name="script")
    token.delete()
    client = Client(enforce_csrf_checks=True)

    for sent in (secret, "rd_" + "x" * 40):
        url = f"/api/v1/{path or f'tokens/{token.pk}'}"
        response = getattr(client, method)(url, headers=bearer(sent))
        assert response.status_code == 401
        assert "token is not valid" in response.json()["message"]


def test_a_deactivated_persons_token_stops_working(org):
    _, secret = api_token_create(person=org.member, name="script")
    org.member.is_active = False
    org.member.save()

    assert Client().get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_people_create_and_revoke_their_own_tokens_through_the_api(org):
    _, secret = api_token_create(person=org.member, name="first")
    client = Client()

    created = client.post(
        "/api/v1/tokens", {"name": "ci"}, content_type="application/json", headers=bearer(secret)
    )
    assert created.status_code == 201
    new_secret = created.json()["token"]
    assert client.get("/api/v1/me", headers=bearer(new_secret)).status_code == 200

    revoked = client.delete(f"/api/v1/tokens/{created.json()['id']}", headers=bearer(secret))
    assert revoked.status_code == 204
    assert client.get("/api/v1/me", headers=bearer(new_secret)).status_code == 401


def test_nobody_revokes_someone_elses_token(org):
    theirs, _ = api_token_create(person=org.lead, name="lead's")
    _, mine = api_token_create(person=org.member, name="mine")

    response = Client().delete(f"/api/v1/tokens/{theirs.pk}", headers=bearer(mine))

    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


def test_the_command_line_creates_a_token(org, capsys):
    call_command("token_create", org.member.email)

    secret = capsys.readouterr().out.strip()
    assert Client().get("/api/v1/me", headers=bearer(secret)).json()["name"] == "Max Member"


def test_the_command_line_refuses_an_unknown_person(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=r"no active person has the email .nobody@x\.example."):
        call_command("token_create", "nobody@x.example")


def test_the_browser_session_authenticates_reads(org):
    assert signed_in_client(org.member).get("/api/v1/me").status_code == 200


def test_session_writes_need_the_csrf_token(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.member)

    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")

    assert response.status_code in (401, 403)
    assert not ApiToken.objects.exists()


def test_wrong_types_get_a_422_naming_the_field(org):
    client = signed_in_client(org.member)

    response = client.get("/api/v1/people", {"limit": "many"})

    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "The input is not valid."
    assert body["errors"][0]["field"] == "limit"


def test_a_forged_cursor_gets_a_400_naming_it(org):
    response = signed_in_client(org.member).get("/api/v1/people", {"cursor": "bogus"})

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "cursor", "message": "cursor is not one this server gave out"}
    ]


def test_malformed_json_gets_a_4xx_not_a_500(org):
    _, secret = api_token_create(person=org.admin, name="x")

    response = Client().post(
        "/api/v1/parties", "{not json", content_type="application/json", headers=bearer(secret)
    )

    assert 400 <= response.status_code < 500
    assert "message" in response.json()


def test_the_openapi_description_is_published(db):
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/people",
        "/api/v1/services",
        "/api/v1/services/search",
        "/api/v1/calendars/{calendar_id}/due",
        "/api/v1/tokens",
    ]:
        assert path in paths
    assert "bearer" in str(response.json()["components"]["securitySchemes"]).lower()


def test_the_interactive_docs_are_served_without_a_cdn(db):
    page = Client().get("/api/v1/docs").text

    assert "swagger-ui-bundle" in page
    # Every script and stylesheet comes from the app itself (a random CSRF token in the page
    # may spell "cdn", so look at the addresses, not the words).
    fetched = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert fetched and all(address.startswith("/") for address in fetched), fetched


def test_each_enumeration_is_documented_with_its_own_values(db):
    schemas = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]

    def values(schema: str, field: str) -> list[str]:
        return schemas[schemas[schema]["properties"][field]["$ref"].split("/")[-1]]["enum"]

    assert values("PartyOut", "kind") == ["customer", "vendor"]
    assert "work_item" in values("ServiceOut", "kind")
    assert values("ServiceOut", "audience") == ["everyone", "listed"]
