from relaydesk.feedback.models import ClarityMark, Kudos, Rating
from relaydesk.models import IdempotencyRecord
from relaydesk.testing import signed_in_client

RATING = {"satisfaction": 5, "ease": 6, "comment": "Quick"}


def _post(client, path, body, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(path, body, content_type="application/json", headers=headers)


def test_the_requester_rates_changes_and_reads_a_rating(org, done):
    client = signed_in_client(org.outsider)
    made = _post(client, f"/api/v1/requests/{done.pk}/rating", RATING)
    assert made.status_code == 201
    assert made.json() | {"rated_on": None} == {
        "request_id": done.pk,
        "satisfaction": 5,
        "ease": 6,
        "comment": "Quick",
        "anonymous": False,
        "rated_on": None,
    }
    changed = client.put(
        f"/api/v1/requests/{done.pk}/rating", RATING | {"ease": 2}, content_type="application/json"
    )
    assert changed.json()["ease"] == 2
    assert client.get(f"/api/v1/requests/{done.pk}/rating").json()["ease"] == 2


def test_a_retry_with_the_same_key_returns_the_first_answer(org, done):
    client = signed_in_client(org.outsider)
    first = _post(client, f"/api/v1/requests/{done.pk}/rating", RATING, key="k-1")
    again = _post(client, f"/api/v1/requests/{done.pk}/rating", RATING, key="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert Rating.objects.count() == 1


def test_an_anonymous_rating_leaves_no_idempotency_record(org, done):
    client = signed_in_client(org.outsider)
    body = RATING | {"anonymous": True}
    assert _post(client, f"/api/v1/requests/{done.pk}/rating", body, key="k-2").status_code == 201
    assert not IdempotencyRecord.objects.exists()
    again = _post(client, f"/api/v1/requests/{done.pk}/rating", body, key="k-2")
    assert again.status_code == 409
    assert Rating.objects.get().author is None


def test_a_lax_true_is_anonymous_too_and_leaves_no_record(org, done):
    client = signed_in_client(org.outsider)
    body = RATING | {"anonymous": "true"}
    assert _post(client, f"/api/v1/requests/{done.pk}/rating", body, key="k-3").status_code == 201
    assert not IdempotencyRecord.objects.exists()
    assert Rating.objects.get().author is None


def test_bad_ratings_get_a_422_naming_the_field(org, done):
    client = signed_in_client(org.outsider)
    for body, field in [
        (RATING | {"satisfaction": 0}, "satisfaction"),
        (RATING | {"satisfaction": 9}, "satisfaction"),
        (RATING | {"ease": 8}, "ease"),
        (RATING | {"ease": "easy"}, "ease"),
        (RATING | {"comment": "x" * 2001}, "comment"),
        (RATING | {"comment": "\x00"}, "comment"),
    ]:
        answer = _post(client, f"/api/v1/requests/{done.pk}/rating", body)
        assert answer.status_code == 422, body
        assert field in {error["field"] for error in answer.json()["errors"]}
    assert not Rating.objects.exists()


def test_nobody_else_may_rate_or_read_the_rating(org, done):
    _post(signed_in_client(org.outsider), f"/api/v1/requests/{done.pk}/rating", RATING)
    for person in (org.member, org.lead, org.admin):
        client = signed_in_client(person)
        assert _post(client, f"/api/v1/requests/{done.pk}/rating", RATING).status_code == 404
        assert client.get(f"/api/v1/requests/{done.pk}/rating").status_code == 404


def test_the_provider_marks_clarity_and_the_requester_may_not(org, done):
    path = f"/api/v1/requests/{done.pk}/clarity"
    body = {"score": 3, "reason": "no cost centre"}
    mine = signed_in_client(org.member).put(path, body, content_type="application/json")
    assert mine.json() == {"request_id": done.pk, "score": 3, "reason": "no cost centre"}
    theirs = signed_in_client(org.outsider).put(path, body, content_type="application/json")
    assert theirs.status_code == 403
    bad = signed_in_client(org.member).put(path, {"score": 0}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "score"
    assert ClarityMark.objects.get().score == 3


def test_kudos_through_the_api(org, done):
    client = signed_in_client(org.outsider)
    body = {"message": "Thanks!", "to_person_id": org.member.pk, "request_id": done.pk}
    made = _post(client, "/api/v1/kudos", body, key="k-4")
    assert made.status_code == 201
    assert made.json()["giver"] == "Olga Outsider"
    anonymous = _post(client, "/api/v1/kudos", body | {"anonymous": True}, key="k-5")
    assert anonymous.json()["giver"] is None
    assert IdempotencyRecord.objects.count() == 1  # only the named one
    assert [k["giver"] for k in signed_in_client(org.member).get("/api/v1/kudos").json()] == [
        None,
        "Olga Outsider",
    ]
    own = _post(client, "/api/v1/kudos", {"message": "Me", "to_person_id": org.outsider.pk})
    assert own.status_code == 422 and own.json()["errors"][0]["field"] == "to"
    assert Kudos.objects.count() == 2


def test_the_api_documents_feedback(org, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/requests/{request_id}/rating", "/api/v1/kudos"} <= set(paths)
    header = [p["name"] for p in paths["/api/v1/kudos"]["post"].get("parameters", [])]
    assert "Idempotency-Key" in header
