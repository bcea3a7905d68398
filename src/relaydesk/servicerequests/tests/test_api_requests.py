"""Requests through the API: asking, reading, and every action on a request (SPEC §3.2, §4)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from relaydesk.directory.models import Person
from relaydesk.servicerequests.models import Request
from relaydesk.servicerequests.services import request_comment, request_create
from relaydesk.servicerequests.tests.conftest import make_service
from relaydesk.testing import signed_in_client

API = "/api/v1"


# -- helpers the request API tests share ------------------------------------------------------


def get(person: Person, path: str, params: dict | None = None):
    return signed_in_client(person).get(API + path, params or {})


def post(person: Person, path: str, payload, headers: dict | None = None):
    client = signed_in_client(person)
    return client.post(API + path, payload, content_type="application/json", headers=headers)


def ask(person: Person, service: str = "wheel-fitting", **fields) -> dict:
    """Make a request through the API; return what the API answered."""
    response = post(person, "/requests", {"service": service, "title": "Fit tyres"} | fields)
    assert response.status_code == 201, response.json()
    return response.json()


def act(person: Person, request_id: int, action: str, **payload):
    return post(person, f"/requests/{request_id}/{action}", payload)


def fields(response) -> dict[str, str]:
    """The fields a 4xx answer names, with their messages."""
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def later(**delta: float) -> str:
    return (timezone.now() + timedelta(**delta)).replace(microsecond=0).isoformat()


def kinds(body: dict) -> list[str]:
    return [event["kind"] for event in body["timeline"]]


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def clinic(org, catalog):
    return make_service(org, catalog, "tyre-clinic", kind="face_time")


@pytest.fixture
def second_member(org, password_hash):
    return Person.objects.create(
        email="nina.member@example.com",
        name="Nina Member",
        team=org.assembly,
        password=password_hash,
    )


# -- asking -----------------------------------------------------------------------------------


def test_it_creates_a_request_with_its_due_times(org, catalog):
    needed_by = later(days=20)

    response = post(
        org.outsider,
        "/requests",
        {
            "service": "wheel-fitting",
            "title": "Fit winter tyres to the demo van",
            "details": "The van leaves on Friday.",
            "priority": "urgent",
            "needed_by": needed_by,
            "party_id": org.dealer.pk,
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    created = Request.objects.get()
    office = catalog.office.engine()
    clocks = body["clocks"]
    assert instant(clocks["response"]["due_at"]) == office.due(created.created_at, 15 * 60)
    assert instant(clocks["resolution"]["due_at"]) == office.due(created.created_at, 120 * 60)
    assert clocks["resolution"]["target_seconds"] == 120 * 60
    assert clocks["response"]["running"] and not clocks["response"]["breached"]
    assert body["id"] == created.pk
    assert body["status"] == "new" and body["version"] == created.version
    assert body["provider"] == {"kind": "team", "id": org.assembly.pk, "name": "Assembly"}
    assert body["requester"] == {"id": org.outsider.pk, "name": "Olga Outsider"}
    assert body["party"]["name"] == "Harbour Motors"
    assert instant(body["needed_by"]) == instant(needed_by)
    assert body["sides"] == ["requester"]
    assert kinds(body) == ["created"]


def test_a_request_that_unblocks_another_is_linked_both_ways(org, catalog):
    order = ask(org.member, title="Order the van")

    approval = ask(org.member, "purchase-approval", title="Approve the van", unblocks=[order["id"]])

    assert [linked["id"] for linked in approval["unblocks"]] == [order["id"]]
    blocked = get(org.member, f"/requests/{order['id']}").json()
    assert [blocker["id"] for blocker in blocked["blocked_by"]] == [approval["id"]]


def test_the_same_create_sent_twice_with_a_key_makes_one_request(org, catalog):
    payload = {"service": "wheel-fitting", "title": "Fit tyres"}
    key = {"Idempotency-Key": "4f1c7a3e-tyres"}

    first = post(org.outsider, "/requests", payload, headers=key)
    second = post(org.outsider, "/requests", payload, headers=key)

    assert first.status_code == second.status_code == 201
    assert second.content == first.content
    assert second.headers["Idempotent-Replayed"] == "true"
    assert Request.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(org, catalog):
    key = {"Idempotency-Key": "4f1c7a3e-tyres"}
    post(org.outsider, "/requests", {"service": "wheel-fitting", "title": "Tyres"}, headers=key)

    response = post(
        org.outsider, "/requests", {"service": "wheel-fitting", "title": "Rims"}, headers=key
    )

    assert response.status_code == 422
    assert list(fields(response)) == ["Idempotency-Key"]
    assert Request.objects.count() == 1


# -- reading ----------------------------------------------------------------------------------


def test_the_request_shows_its_clocks_hops_and_timeline(org, catalog):
    created = ask(org.outsider)
    act(org.member, created["id"], "transitions", to="acknowledged", message="Seen")

    body = get(org.outsider, f"/requests/{created['id']}").json()

    assert body["status"] == "acknowledged"
    assert body["clocks"]["response"]["running"] is False
    assert body["clocks"]["response"]["due_at"] is None
    assert body["clocks"]["resolution"]["running"] is True
    assert [event["seq"] for event in body["timeline"]] == [1, 2, 3, 4]
    assert kinds(body) == ["created", "status", "responded", "assigned"]
    status = body["timeline"][1]
    assert status["actor"] == {"id": org.member.pk, "name": "Max Member"}
    assert status["data"] == {"from": "new", "to": "acknowledged", "message": "Seen"}
    assert [hop["holder"]["name"] for hop in body["hops"]] == ["Assembly"]
    assert body["hops"][0]["ended_at"] is None


def test_my_requests_are_newest_first_and_my_queue_earliest_due_first(org, catalog):
    routine = ask(org.outsider, title="Routine")
    urgent = ask(org.outsider, title="Urgent", priority="urgent")
    for created in (routine, urgent):
        act(org.member, created["id"], "assignment", assignee_id=org.member.pk)

    mine = get(org.outsider, "/requests", {"role": "requester"}).json()
    queue = get(org.member, "/requests", {"role": "provider"}).json()

    assert [item["title"] for item in mine["items"]] == ["Urgent", "Routine"]
    assert [item["title"] for item in queue["items"]] == ["Urgent", "Routine"]
    assert queue["items"][0]["assignee"] == {"id": org.member.pk, "name": "Max Member"}
    assert queue["items"][0]["due_at"] == queue["items"][0]["response_due_at"]


def test_the_list_filters_by_status_service_and_team(org, catalog):
    ask(org.member, title="Wheels")
    approval = ask(org.member, "purchase-approval", title="Approval")
    act(org.outsider, approval["id"], "transitions", to="acknowledged")

    def titles(**params) -> list[str]:
        page = get(org.member, "/requests", {"role": "requester"} | params).json()
        return [item["title"] for item in page["items"]]

    assert titles(status="acknowledged") == ["Approval"]
    assert titles(status="open") == ["Approval", "Wheels"]
    assert titles(status="done") == []
    assert titles(service="wheel-fitting") == ["Wheels"]
    assert titles(team_id=org.purchasing.pk) == ["Approval"]


def test_lists_are_paged_with_a_cursor(org, catalog):
    for n in range(3):
        ask(org.outsider, title=f"Request {n}")

    first = get(org.outsider, "/requests", {"limit": 2}).json()
    second = get(org.outsider, "/requests", {"limit": 2, "cursor": first["next_cursor"]}).json()

    assert [item["title"] for item in first["items"]] == ["Request 2", "Request 1"]
    assert [item["title"] for item in second["items"]] == ["Request 0"]
    assert second["next_cursor"] is None


def test_the_team_queue_lists_open_requests_and_the_unassigned(org, catalog):
    taken = ask(org.outsider, title="Taken")
    ask(org.outsider, title="Waiting")
    done = ask(org.outsider, title="Done")
    act(org.member, taken["id"], "assignment", assignee_id=org.member.pk)
    act(org.member, done["id"], "transitions", to="done")

    def titles(**params) -> list[str]:
        page = get(org.lead, f"/teams/{org.assembly.pk}/queue", params).json()
        return sorted(item["title"] for item in page["items"])

    assert titles() == ["Taken", "Waiting"]
    assert titles(unassigned="true") == ["Waiting"]
    assert titles(status="done") == ["Done"]


# -- acting -----------------------------------------------------------------------------------


def test_a_request_walks_its_whole_lifecycle_through_the_api(org, catalog):
    created = ask(org.outsider, needed_by=later(days=30))
    steps = [
        (org.member, {"to": "acknowledged"}, "acknowledged"),
        (org.member, {"to": "in_progress"}, "in_progress"),
        (
            org.member,
            {"to": "waiting_on_requester", "message": "Which van?"},
            "waiting_on_requester",
        ),
        (org.outsider, {"to": "in_progress", "message": "The blue one"}, "in_progress"),
        (org.member, {"to": "done"}, "done"),
        (org.outsider, {"to": "in_progress", "message": "Wrong tyres"}, "in_progress"),
        (org.outsider, {"to": "cancelled"}, "cancelled"),
    ]
    version = created["version"]
    seen = []
    for actor, payload, status in steps:
        response = act(actor, created["id"], "transitions", version=version, **payload)

        assert response.status_code == 200, (payload, response.json())
        body = response.json()
        assert body["status"] == status
        assert body["version"] > version
        version = body["version"]
        seen.append(body)

    waiting, done = seen[2], seen[4]
    assert waiting["clocks"]["resolution"]["running"] is False
    assert "paused" in kinds(waiting)
    assert done["early"] is True and done["slack_seconds"] > 0
    assert done["done_at"] is not None
    assert seen[-1]["cancelled_at"] is not None


def test_an_approval_ends_with_a_decision_and_its_reason(org, catalog):
    created = ask(org.member, "purchase-approval", title="Four winter tyres")

    response = act(
        org.outsider,
        created["id"],
        "transitions",
        to="done",
        decision="declined",
        message="Over this quarter's budget",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["decision"] == "declined"
    assert body["decision_reason"] == "Over this quarter's budget"
    assert "decided" in kinds(body)


def test_an_illegal_move_is_a_409(org, catalog):
    created = ask(org.outsider)
    act(org.member, created["id"], "transitions", to="done")

    response = act(org.member, created["id"], "transitions", to="acknowledged")

    assert response.status_code == 409
    assert "cannot become acknowledged" in response.json()["message"]


def test_a_stale_version_is_a_409_saying_what_to_do(org, catalog):
    created = ask(org.outsider)
    act(org.member, created["id"], "comments", body="Looking into it")

    stale = act(
        org.lead, created["id"], "transitions", to="in_progress", version=created["version"]
    )
    current = get(org.lead, f"/requests/{created['id']}").json()["version"]
    fresh = act(org.lead, created["id"], "transitions", to="in_progress", version=current)

    assert stale.status_code == 409
    assert "changed since you saw it" in stale.json()["message"]
    assert "reload it" in stale.json()["message"]
    assert fresh.status_code == 200


def test_the_requester_may_not_make_the_providers_moves(org, catalog):
    created = ask(org.outsider)

    response = act(org.outsider, created["id"], "transitions", to="done")

    assert response.status_code == 403
    assert Request.objects.get().status == "new"


def test_comments_are_seen_by_both_sides_and_notes_by_the_provider_only(org, catalog):
    created = ask(org.outsider)

    reply = act(org.member, created["id"], "comments", body="Tyres arrive Wednesday")
    note = act(org.member, created["id"], "comments", body="Supplier is late again", internal=True)
    answer = act(org.outsider, created["id"], "comments", body="Thanks!")

    assert reply.status_code == note.status_code == answer.status_code == 201
    requester_view = get(org.outsider, f"/requests/{created['id']}").json()
    provider_view = get(org.member, f"/requests/{created['id']}").json()
    bodies = [event["data"].get("body") for event in requester_view["timeline"]]
    assert "Supplier is late again" not in bodies
    assert "Tyres arrive Wednesday" in bodies and "Thanks!" in bodies
    assert "note" not in kinds(requester_view)
    assert kinds(provider_view).count("note") == 1
    assert requester_view["clocks"]["response"]["running"] is False  # the reply answered


def test_a_comment_sent_twice_with_a_key_is_written_once(org, catalog):
    created = ask(org.outsider)
    path, key = f"/requests/{created['id']}/comments", {"Idempotency-Key": "comment-1"}

    first = post(org.outsider, path, {"body": "Any news?"}, headers=key)
    retry = post(org.outsider, path, {"body": "Any news?"}, headers=key)

    assert first.status_code == retry.status_code == 201
    assert kinds(get(org.outsider, f"/requests/{created['id']}").json()).count("comment") == 1


def test_the_requester_may_not_write_internal_notes(org, catalog):
    created = ask(org.outsider)

    response = act(org.outsider, created["id"], "comments", body="psst", internal=True)

    assert response.status_code == 403
    assert "note" not in kinds(get(org.member, f"/requests/{created['id']}").json())


def test_a_member_takes_a_request_and_the_lead_reassigns_it(org, catalog, second_member):
    created = ask(org.outsider)

    taken = act(org.member, created["id"], "assignment", assignee_id=org.member.pk)
    given = act(org.lead, created["id"], "assignment", assignee_id=second_member.pk)
    returned = act(org.lead, created["id"], "assignment", assignee_id=None)

    assert taken.status_code == given.status_code == returned.status_code == 200
    assert taken.json()["assignee"]["id"] == org.member.pk
    assert given.json()["assignee"]["id"] == second_member.pk
    assert returned.json()["assignee"] is None
    assert kinds(returned.json()).count("assigned") == 3


def test_only_the_lead_gives_requests_to_others(org, catalog, second_member):
    created = ask(org.outsider)

    response = act(org.member, created["id"], "assignment", assignee_id=second_member.pk)

    assert response.status_code == 403
    assert Request.objects.get().assignee is None


def test_a_request_someone_else_took_cannot_be_taken(org, catalog, second_member):
    created = ask(org.outsider)
    act(org.member, created["id"], "assignment", assignee_id=org.member.pk)

    response = act(second_member, created["id"], "assignment", assignee_id=second_member.pk)

    assert response.status_code == 409
    assert "already taken" in response.json()["message"]


def test_nobody_outside_the_queue_can_be_given_the_request(org, catalog):
    created = ask(org.member)

    response = act(org.lead, created["id"], "assignment", assignee_id=org.outsider.pk)

    assert response.status_code == 422
    assert list(fields(response)) == ["assignee_id"]


def test_a_transfer_out_of_the_callers_sight_answers_204(org, catalog):
    created = ask(org.outsider)
    act(org.member, created["id"], "assignment", assignee_id=org.member.pk)

    response = act(org.member, created["id"], "transfer", team_id=org.purchasing.pk)

    assert response.status_code == 204
    moved = Request.objects.get()
    assert moved.provider_team == org.purchasing and moved.assignee is None
    assert get(org.member, f"/requests/{created['id']}").status_code == 404


def test_an_admin_transfers_a_request_and_a_new_hop_starts(org, catalog):
    created = ask(org.outsider)

    response = act(
        org.admin, created["id"], "transfer", team_id=org.purchasing.pk, message="Theirs"
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["provider"]["name"] == "Purchasing"
    assert [hop["holder"]["name"] for hop in body["hops"]] == ["Assembly", "Purchasing"]
    assert body["hops"][0]["ended_at"] is not None
    assert body["timeline"][-1]["data"]["message"] == "Theirs"


def test_the_requester_may_not_transfer_and_nobody_to_the_same_team(org, catalog):
    created = ask(org.outsider)

    by_requester = act(org.outsider, created["id"], "transfer", team_id=org.purchasing.pk)
    same_team = act(org.member, created["id"], "transfer", team_id=org.assembly.pk)

    assert by_requester.status_code == 403
    assert same_team.status_code == 422
    assert list(fields(same_team)) == ["team_id"]


def test_the_provider_splits_off_a_subrequest(org, catalog):
    parent = ask(org.outsider, party_id=org.dealer.pk)

    response = act(
        org.member,
        parent["id"],
        "subrequests",
        service="purchase-approval",
        title="Approve four winter tyres",
    )

    assert response.status_code == 201, response.json()
    child = response.json()
    assert child["parent_id"] == parent["id"]
    assert child["requester"]["id"] == org.member.pk
    assert child["provider"]["name"] == "Purchasing"
    assert child["party"]["id"] == org.dealer.pk
    shown = get(org.member, f"/requests/{parent['id']}").json()
    assert [sub["id"] for sub in shown["subrequests"]] == [child["id"]]
    assert [blocker["id"] for blocker in shown["blocked_by"]] == [child["id"]]
    assert kinds(shown)[-1] == "subrequest"


def test_a_sub_request_names_its_parent_only_to_those_who_may_see_it(org, catalog, grievances):
    parent = ask(org.outsider, "grievances", title="About my manager", details="He shouts.")
    split = act(org.lead, parent["id"], "subrequests", service="purchase-approval", title="Move")
    paul = Person.objects.create(email="paul@example.com", name="Paul", team=org.purchasing)

    seen_by_purchasing = get(paul, f"/requests/{split.json()['id']}")  # Purchasing's queue

    assert seen_by_purchasing.status_code == 200
    assert seen_by_purchasing.json()["parent_id"] is None
    assert seen_by_purchasing.json()["parent"] is None
    assert "About my manager" not in seen_by_purchasing.text
    assert "He shouts" not in seen_by_purchasing.text
    seen_by_olga = get(org.outsider, f"/requests/{split.json()['id']}").json()
    assert seen_by_olga["parent"]["title"] == "About my manager"  # hers, and confidential
    assert seen_by_olga["parent"]["service"]["slug"] == grievances.slug


def test_a_request_names_its_sub_requests_only_to_those_who_may_see_them(org, catalog):
    parent = ask(org.outsider)
    child = act(org.member, parent["id"], "subrequests", service="purchase-approval", title="Buy")

    seen_by_lead = get(org.lead, f"/requests/{parent['id']}").json()  # not Purchasing's lead

    assert seen_by_lead["subrequests"] == []
    split = [event for event in seen_by_lead["timeline"] if event["kind"] == "subrequest"]
    assert split[0]["data"] == {"child": None, "service": None, "title": None}
    seen_by_max = get(org.member, f"/requests/{parent['id']}").json()
    assert seen_by_max["timeline"][-1]["data"]["child"] == child.json()["id"]


def test_only_the_provider_splits_an_open_request(org, catalog):
    parent = ask(org.outsider)
    split = {"service": "purchase-approval", "title": "Approve"}

    by_requester = act(org.outsider, parent["id"], "subrequests", **split)
    act(org.member, parent["id"], "transitions", to="done")
    when_done = act(org.member, parent["id"], "subrequests", **split)

    assert by_requester.status_code == 403
    assert when_done.status_code == 409
    assert Request.objects.count() == 1


def test_the_provider_picks_a_proposed_time(org, catalog, clinic):
    slots = [
        {"start": later(days=2), "end": later(days=2, minutes=30)},
        {"start": later(days=3), "end": later(days=3, minutes=30)},
    ]
    created = ask(org.outsider, "tyre-clinic", proposed_slots=slots)

    response = act(org.member, created["id"], "slot", index=1, version=created["version"])

    assert response.status_code == 200, response.json()
    body = response.json()
    assert instant(body["slot"]["start"]) == instant(slots[1]["start"])
    assert [instant(slot["end"]) for slot in body["proposed_slots"]] == [
        instant(slot["end"]) for slot in slots
    ]
    assert "slot_picked" in kinds(body)


def test_the_requester_does_not_pick_and_nobody_picks_a_time_not_proposed(org, catalog, clinic):
    slot = {"start": later(days=2), "end": later(days=2, hours=1)}
    created = ask(org.outsider, "tyre-clinic", proposed_slots=[slot])

    by_requester = act(org.outsider, created["id"], "slot", index=0)
    out_of_range = act(org.member, created["id"], "slot", index=3)

    assert by_requester.status_code == 403
    assert out_of_range.status_code == 422
    assert list(fields(out_of_range)) == ["index"]


def test_the_invitation_is_an_icalendar_event_for_both_sides(org, catalog, clinic):
    slot = {"start": later(days=2), "end": later(days=2, minutes=45)}
    created = ask(org.outsider, "tyre-clinic", title="Which tyres?", proposed_slots=[slot])
    path = f"/requests/{created['id']}/invitation.ics"
    assert get(org.outsider, path).status_code == 404  # nothing picked yet
    act(org.member, created["id"], "assignment", assignee_id=org.member.pk)
    act(org.member, created["id"], "slot", index=0)

    response = get(org.outsider, path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["uid"]) == f"request-{created['id']}@relaydesk"
    assert event.decoded("dtstart") == instant(slot["start"])
    assert event.decoded("dtend") == instant(slot["end"])
    assert str(event["summary"]) == "Tyre clinic: Which tyres?"
    attendees = sorted(str(attendee) for attendee in event["attendee"])
    assert attendees == ["mailto:max.member@example.com", "mailto:olga.outsider@example.com"]
    assert str(event["organizer"]) == "mailto:max.member@example.com"
    assert get(org.member, path).content == response.content  # the same event for both
    assert get(org.lead, path).status_code == 200
    assert get(org.admin, path).status_code == 200


def test_strangers_get_no_invitation(org, catalog, clinic):
    slot = {"start": later(days=2), "end": later(days=2, minutes=45)}
    created = ask(org.lead, "tyre-clinic", proposed_slots=[slot])
    act(org.member, created["id"], "slot", index=0)
    stranger = Person.objects.create(email="s@example.com", name="S", team=org.purchasing)

    assert get(stranger, f"/requests/{created['id']}/invitation.ics").status_code == 404


# -- what it costs ----------------------------------------------------------------------------

LIST_QUERIES = 4  # session, person, teams they lead, the page
DETAIL_QUERIES = 9  # session, person, teams led, the request, 5 prefetched lists
# session, person; the service, its promises; the party; teams led, the unblocked request;
# in one transaction (a savepoint here): the unblocked request locked, the request, its hop,
# its events, their outbox rows, the link, the unblocked request's event number
ASK_QUERIES = 16
# and to route by turns: the team locked, its members, their absences, its turn moved on
ASK_ROUTED_QUERIES = ASK_QUERIES + 4


@pytest.mark.parametrize("rows", [5, 60])
def test_a_page_of_requests_costs_a_fixed_number_of_queries(
    org, catalog, rows, django_assert_max_num_queries
):
    for n in range(rows):
        request_create(requester=org.outsider, service=catalog.wheels, title=f"Request {n}")
    client = signed_in_client(org.admin)

    with django_assert_max_num_queries(LIST_QUERIES):
        page = client.get(f"{API}/requests").json()

    assert len(page["items"]) == min(rows, 50)


@pytest.mark.parametrize("events", [5, 60])
def test_a_request_costs_a_fixed_number_of_queries(
    org, catalog, events, django_assert_max_num_queries
):
    shown = request_create(requester=org.outsider, service=catalog.wheels, title="Busy")
    for n in range(events - 1):
        request_comment(actor=org.member, request_id=shown.pk, body=f"Update {n}")
    for n in range(3):
        sub = request_create(requester=org.member, service=catalog.approvals, title=f"Sub {n}")
        sub.unblocks.add(shown)
    client = signed_in_client(org.member)

    with django_assert_max_num_queries(DETAIL_QUERIES):
        body = client.get(f"{API}/requests/{shown.pk}").json()

    assert len(body["timeline"]) >= events
    assert len(body["blocked_by"]) == 3


@pytest.mark.parametrize(
    ("policy", "most"), [("manual", ASK_QUERIES), ("round_robin", ASK_ROUTED_QUERIES)]
)
def test_asking_costs_a_fixed_number_of_queries(
    org, catalog, policy, most, django_assert_max_num_queries
):
    org.assembly.assignment_policy = policy
    org.assembly.save()
    order = request_create(requester=org.member, service=catalog.wheels, title="Order the van")
    client = signed_in_client(org.member)
    client.get("/")
    asked = {"service": "wheel-fitting", "title": "Fit tyres", "party_id": org.dealer.pk}

    with django_assert_max_num_queries(most):
        response = client.post(
            f"{API}/requests", asked | {"unblocks": [order.pk]}, content_type="application/json"
        )

    assert response.status_code == 201, response.json()
    read_back = get(org.member, f"/requests/{response.json()['id']}").json()
    assert without_time_used(response.json()) == without_time_used(read_back)


def without_time_used(body: dict) -> dict:
    # A running clock's used time grows between two answers; everything else must match.
    clocks = {name: clock | {"used_seconds": None} for name, clock in body["clocks"].items()}
    return body | {"clocks": clocks}
