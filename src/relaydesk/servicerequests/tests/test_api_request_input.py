"""Bad input on every request endpoint gets a 4xx naming the fields, never a 500 (SPEC §4)."""

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from relaydesk.servicerequests.models import Request
from relaydesk.servicerequests.services import Slot, request_create
from relaydesk.servicerequests.tests.test_api_requests import (
    fields,
    get,
    later,
    make_service,
    post,
)

NOWHERE = 999_999
GOOD = {"service": "wheel-fitting", "title": "Fit tyres"}
AT = "2027-01-04T10:00Z"
UNKNOWN = {"service": "no-such-service", "title": "x", "party_id": NOWHERE, "unblocks": [NOWHERE]}
APPROVED = {"to": "done", "decision": "approved", "message": "ok"}
ASAP = {"service": "purchase-approval", "title": "x", "priority": "asap"}


def slot(**times: str) -> dict:
    return {"proposed_slots": [times]}


@pytest.fixture
def clinic(org, catalog):
    return make_service(org, catalog, "tyre-clinic", kind="face_time")


@pytest.fixture
def ids(org, catalog, clinic) -> dict[str, int]:
    """Requests to act on: Olga's to Assembly and to its clinic, Max's approval, Lena's own."""
    soon = timezone.now() + timedelta(days=2)
    asked = {
        "wheels": request_create(requester=org.outsider, service=catalog.wheels, title="Tyres"),
        "approval": request_create(requester=org.member, service=catalog.approvals, title="Buy"),
        "clinic": request_create(
            requester=org.outsider,
            service=clinic,
            title="Talk",
            proposed_slots=[Slot(soon, soon + timedelta(hours=1))],
        ),
        "hidden": request_create(requester=org.lead, service=catalog.wheels, title="Lena's"),
    }
    return {name: request.pk for name, request in asked.items()}


CREATES = [
    ({"service": 5, "title": "x"}, {"service"}),
    (GOOD | {"title": ["x"]}, {"title"}),
    (GOOD | {"unblocks": "1"}, {"unblocks"}),
    (GOOD | {"party_id": "the dealer"}, {"party_id"}),
    (GOOD | {"priority": "asap"}, {"priority"}),
    (GOOD | {"needed_by": "2027-01-04T10:00"}, {"needed_by"}),
    (GOOD | {"needed_by": "next friday"}, {"needed_by"}),
    (GOOD | slot(start="2027-01-04T10:00", end=AT), {"proposed_slots.0.start"}),
    (GOOD | slot(start=AT), {"proposed_slots.0.end"}),
    ({}, {"service", "title"}),
    (UNKNOWN, {"service", "party_id", "unblocks"}),
    (GOOD | {"title": "   "}, {"title"}),
    (GOOD | {"title": "x" * 201}, {"title"}),
    (GOOD | {"needed_by": "2020-01-01T10:00:00+01:00"}, {"needed_by"}),
    (GOOD | {"priority": "high"}, {"priority"}),  # wheel fitting promises nothing for high
    (GOOD | slot(start=AT, end="2027-01-04T11:00Z"), {"proposed_slots"}),  # not face time
]  # fmt: skip


@pytest.mark.parametrize(("payload", "named"), CREATES)
def test_a_bad_request_is_refused_naming_its_fields(org, catalog, payload, named):
    response = post(org.outsider, "/requests", payload)

    assert response.status_code == 422, response.json()
    assert set(fields(response)) == named
    assert not Request.objects.exists()


def test_unknown_references_are_each_named_with_what_was_not_found(org, catalog):
    response = post(org.outsider, "/requests", UNKNOWN)

    assert fields(response) == {
        "service": "no service with slug no-such-service",
        "party_id": f"no party with pk {NOWHERE}",
        "unblocks": f"no request you can see with id {NOWHERE}",
    }


def test_a_face_time_request_needs_times_in_the_future_in_order(org, catalog, clinic):
    backwards = {"start": later(days=2, hours=1), "end": later(days=2)}

    none = post(org.outsider, "/requests", {"service": "tyre-clinic", "title": "Talk"})
    wrong = post(
        org.outsider,
        "/requests",
        {"service": "tyre-clinic", "title": "Talk", "proposed_slots": [backwards]},
    )

    assert set(fields(none)) == set(fields(wrong)) == {"proposed_slots"}


def test_a_request_one_may_not_see_is_named_like_one_that_does_not_exist(org, catalog, ids):
    response = post(org.outsider, "/requests", GOOD | {"unblocks": [ids["hidden"], NOWHERE]})

    assert fields(response) == {
        "unblocks": f"no request you can see with id {ids['hidden']}, {NOWHERE}"
    }


LISTS = [
    ({"role": "boss"}, {"role"}),
    ({"status": "closed"}, {"status"}),
    ({"service": "no-such-service"}, {"service"}),
    ({"team_id": "assembly"}, {"team_id"}),
    ({"team_id": NOWHERE}, {"team_id"}),
    ({"limit": 0}, {"limit"}),
    ({"limit": "many"}, {"limit"}),
]


@pytest.mark.parametrize(("params", "named"), LISTS)
def test_unknown_filter_values_are_refused_naming_the_field(org, catalog, params, named):
    response = get(org.member, "/requests", params)

    assert response.status_code == 422
    assert set(fields(response)) == named


@pytest.mark.parametrize(
    ("params", "named"),
    [({"status": "closed"}, {"status"}), ({"unassigned": "maybe"}, {"unassigned"})],
)
def test_the_team_queue_refuses_unknown_filter_values(org, catalog, params, named):
    response = get(org.member, f"/teams/{org.assembly.pk}/queue", params)

    assert response.status_code == 422
    assert set(fields(response)) == named


@pytest.mark.parametrize(
    "values",
    [["yesterday", 7], ["2026-03-02T09:00:00+00:00", "seven"], [{"a": 1}, 7], [[1], 7]],
)
@pytest.mark.parametrize("path", ["/requests", "/teams/{team}/queue"])
def test_a_well_formed_cursor_with_values_of_the_wrong_type_is_a_400(org, catalog, path, values):
    forged = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")

    response = get(org.member, path.format(team=org.assembly.pk), {"cursor": forged})

    assert response.status_code == 400
    assert set(fields(response)) == {"cursor"}


def test_a_forged_cursor_is_a_400(org, catalog):
    response = get(org.member, "/requests", {"cursor": "bogus"})

    assert response.status_code == 400
    assert set(fields(response)) == {"cursor"}


@pytest.mark.parametrize(
    ("path", "status", "named"),
    [
        ("/requests/nine", 422, {"request_id"}),
        (f"/requests/{NOWHERE}", 404, set()),
        ("/teams/assembly/queue", 422, {"team_id"}),
        (f"/teams/{NOWHERE}/queue", 404, set()),
        (f"/requests/{NOWHERE}/invitation.ics", 404, set()),
        ("/requests/nine/invitation.ics", 422, {"request_id"}),
    ],
)
def test_unknown_or_malformed_ids_in_the_path(org, catalog, path, status, named):
    response = get(org.member, path)

    assert response.status_code == status
    assert set(fields(response)) == named


# (who acts, on which request, the action, what they send) → the fields named in the 422
ACTIONS = [
    ("member", "wheels", "transitions", {}, {"to"}),
    ("member", "wheels", "transitions", {"to": "closed"}, {"to"}),
    ("member", "wheels", "transitions", {"to": 5}, {"to"}),
    ("member", "wheels", "transitions", {"to": "done", "version": "latest"}, {"version"}),
    ("member", "wheels", "transitions", {"to": "done", "version": 0}, {"version"}),
    ("member", "wheels", "transitions", {"to": "done", "decision": "maybe"}, {"decision"}),
    ("member", "wheels", "transitions", {"to": "done", "message": ["x"]}, {"message"}),
    ("member", "wheels", "transitions", {"to": "waiting_on_requester"}, {"message"}),
    ("member", "wheels", "transitions", APPROVED, {"decision"}),  # not an approval
    ("outsider", "approval", "transitions", {"to": "done"}, {"decision", "message"}),
    ("member", "wheels", "comments", {}, {"body"}),
    ("member", "wheels", "comments", {"body": 5}, {"body"}),
    ("member", "wheels", "comments", {"body": "   "}, {"body"}),
    ("member", "wheels", "comments", {"body": "x", "internal": "maybe"}, {"internal"}),
    ("member", "wheels", "assignment", {}, {"assignee_id"}),
    ("member", "wheels", "assignment", {"assignee_id": "me"}, {"assignee_id"}),
    ("member", "wheels", "assignment", {"assignee_id": NOWHERE}, {"assignee_id"}),
    ("member", "wheels", "transfer", {}, {"team_id"}),
    ("member", "wheels", "transfer", {"team_id": "purchasing"}, {"team_id"}),
    ("member", "wheels", "transfer", {"team_id": NOWHERE}, {"team_id"}),
    ("member", "wheels", "subrequests", {}, {"service", "title"}),
    ("member", "wheels", "subrequests", {"service": "no-such-service", "title": "x"}, {"service"}),
    ("member", "wheels", "subrequests", ASAP, {"priority"}),
    ("member", "wheels", "subrequests", {"service": "purchase-approval", "title": "  "}, {"title"}),
    ("member", "clinic", "slot", {}, {"index"}),
    ("member", "clinic", "slot", {"index": "first"}, {"index"}),
    ("member", "clinic", "slot", {"index": -1}, {"index"}),
    ("member", "clinic", "slot", {"index": 9}, {"index"}),
    ("member", "wheels", "slot", {"index": 0}, {"index"}),  # nothing was proposed
]  # fmt: skip


@pytest.mark.parametrize(("who", "target", "action", "payload", "named"), ACTIONS)
def test_a_bad_action_is_refused_naming_its_fields(org, ids, who, target, action, payload, named):
    request = Request.objects.get(pk=ids[target])
    version = request.version

    response = post(getattr(org, who), f"/requests/{request.pk}/{action}", payload)

    assert response.status_code == 422, response.json()
    assert set(fields(response)) == named
    request.refresh_from_db()
    assert request.version == version  # nothing half-written


ACTION_PATHS = ["transitions", "comments", "assignment", "transfer", "subrequests", "slot"]


@pytest.mark.parametrize("action", ACTION_PATHS)
def test_an_action_on_an_unknown_request_is_a_404(org, catalog, action):
    payload = {
        "to": "done",
        "body": "x",
        "assignee_id": None,
        "team_id": org.purchasing.pk,
        "service": "purchase-approval",
        "title": "x",
        "index": 0,
    }

    response = post(org.member, f"/requests/{NOWHERE}/{action}", payload)

    assert response.status_code == 404
    assert response.json()["message"] == f"no request #{NOWHERE} that you can see"


@pytest.mark.parametrize("action", ACTION_PATHS)
@pytest.mark.parametrize("body", ["{not json", "[1, 2]", ""])
def test_malformed_bodies_are_a_4xx_not_a_500(org, ids, action, body):
    response = post(org.member, f"/requests/{ids['wheels']}/{action}", body)

    assert response.status_code in (400, 422)
    assert response.json()["message"]


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", "", "null"])
def test_a_malformed_create_is_a_4xx_not_a_500(org, catalog, body):
    response = post(org.outsider, "/requests", body)

    assert response.status_code in (400, 422)
    assert response.json()["message"]
    assert not Request.objects.exists()
