"""The forms on the request page: each a POST carrying the version its viewer saw."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from relaydesk.directory.models import Person
from relaydesk.servicerequests.models import Event, Request
from relaydesk.servicerequests.services import Slot, request_create, request_transition
from relaydesk.testing import signed_in_client, tyre_clinic


@pytest.fixture
def shown(org, catalog) -> Request:
    """Olga asks Assembly (Lena leads, Max works there) to fit tyres."""
    return request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")


def act(person, shown, action: str, **data):
    fields = {"version": shown.version} | data
    return signed_in_client(person).post(f"/requests/{shown.pk}/{action}/", fields)


def kinds(shown) -> list[str]:
    return list(shown.events.values_list("kind", flat=True))


def fresh(shown) -> Request:
    return Request.objects.get(pk=shown.pk)


def form_errors(response, name: str) -> dict:
    return response.context[name].errors


# -- moving it along ---------------------------------------------------------------------------


def test_the_provider_acknowledges_and_is_sent_back_to_the_page(org, shown):
    response = act(org.member, shown, "status", to="acknowledged")

    assert response.status_code == 302
    assert response["Location"] == f"/requests/{shown.pk}/"
    assert fresh(shown).status == "acknowledged"
    assert fresh(shown).responded_at is None  # a bare click tells the requester nothing
    assert fresh(shown).assignee == org.member  # but whoever acts on it holds it


def test_the_provider_has_one_composer_with_a_choice_of_what_to_write(org, shown):
    provider = signed_in_client(org.member).get(f"/requests/{shown.pk}/").text
    requester = signed_in_client(org.outsider).get(f"/requests/{shown.pk}/").text

    composers = f'action="/requests/{shown.pk}/comment/"'
    assert provider.count(composers) == 1 and requester.count(composers) == 1
    assert 'value="waiting_on_requester"' not in provider  # no second box to ask in
    for choice in (
        "Reply to the requester",
        "Ask the requester and pause the clock",
        "Internal note",
    ):
        assert choice in provider
    assert "What you are writing" not in requester  # no choice of one


def test_asking_the_requester_pauses_the_clock_and_the_page_says_so(org, shown):
    act(org.member, shown, "comment", kind="ask", body="Which van?")

    text = signed_in_client(org.outsider).get(f"/requests/{shown.pk}/").text

    assert fresh(shown).status == "waiting_on_requester"
    assert "paused: waiting on the requester" in text
    assert "Which van?" in text
    assert "Your answer" in text and "Send the answer" in text


def test_asking_without_a_question_is_refused_beside_the_field(org, shown):
    response = act(org.member, shown, "comment", kind="ask", body=" ")

    assert response.status_code == 400
    assert form_errors(response, "comment_form")["body"] == ["Write your message first."]
    assert (
        '<ul class="errorlist" id="id_comment_body_error"><li>Write your message' in response.text
    )
    assert 'value="ask" id="id_comment_kind_1" checked' in response.text  # the choice is kept
    assert fresh(shown).status == "new"
    assert kinds(shown) == ["created"]


def test_the_requesters_answer_resumes_the_request(org, shown):
    request_transition(
        actor=org.member, request_id=shown.pk, to="waiting_on_requester", message="Which van?"
    )
    shown.refresh_from_db()

    response = act(org.outsider, shown, "comment", body="The blue one")

    assert response.status_code == 302
    assert fresh(shown).status == "in_progress"
    assert kinds(shown)[-3:] == ["comment", "status", "resumed"]


def test_the_provider_marks_it_done(org, shown):
    act(org.member, shown, "status", to="done")

    assert fresh(shown).status == "done"
    text = signed_in_client(org.outsider).get(f"/requests/{shown.pk}/").text
    assert ">Reopen</button>" in text


def test_the_requester_cancels_and_reopens(org, shown):
    act(org.outsider, shown, "status", to="cancelled")
    assert fresh(shown).status == "cancelled"

    act(org.outsider, fresh(shown), "status", to="in_progress")

    assert fresh(shown).status == "in_progress"


def test_the_requester_may_not_make_the_providers_moves(org, shown):
    response = act(org.outsider, shown, "status", to="acknowledged")

    assert response.status_code == 403
    assert fresh(shown).status == "new"


def test_an_approval_is_decided_with_a_reason(org, catalog):
    approval = request_create(requester=org.member, service=catalog.approvals, title="Buy tyres")

    refused = act(org.outsider, approval, "status", form="decide", to="done", message="")
    decided = act(
        org.outsider,
        approval,
        "status",
        form="decide",
        to="done",
        decision="approved",
        message="Within budget",
    )

    assert refused.status_code == 400
    assert form_errors(refused, "decide_form") == {
        "decision": ["an approval ends approved or declined"],
        "message": ["give the reason for the decision"],
    }
    assert decided.status_code == 302
    approval.refresh_from_db()
    assert (approval.decision, approval.decision_reason) == ("approved", "Within budget")


def test_an_approval_is_offered_approve_or_decline_not_a_plain_done(org, catalog):
    approval = request_create(requester=org.member, service=catalog.approvals, title="Buy tyres")

    text = signed_in_client(org.outsider).get(f"/requests/{approval.pk}/").text

    assert "Approved" in text and "Declined" in text and ">Decide</button>" in text
    assert ">Mark done</button>" not in text


# -- a stale form ------------------------------------------------------------------------------


def test_a_stale_form_is_a_409_with_a_clear_message_and_no_change(org, shown):
    seen = shown.version
    request_transition(actor=org.lead, request_id=shown.pk, to="acknowledged")

    response = act(org.member, shown, "status", version=seen, to="done")

    assert response.status_code == 409
    assert "This request changed since you loaded it" in response.text
    assert fresh(shown).status == "acknowledged"
    assert kinds(shown).count("status") == 1
    # The page now carries the version the person sees, so trying again works.
    assert f'name="version" value="{fresh(shown).version}"' in response.text


def test_a_stale_comment_keeps_what_was_typed(org, shown):
    seen = shown.version
    request_transition(actor=org.lead, request_id=shown.pk, to="acknowledged")

    response = act(org.member, shown, "comment", version=seen, body="Tyres on Wednesday")

    assert response.status_code == 409
    assert "Tyres on Wednesday</textarea>" in response.text
    assert Event.objects.filter(kind="comment").count() == 0


# -- comments and notes ------------------------------------------------------------------------


def test_an_empty_comment_is_refused_beside_the_field(org, shown):
    response = act(org.outsider, shown, "comment", body="  ")

    assert response.status_code == 400
    assert form_errors(response, "comment_form")["body"] == ["Write your message first."]
    assert kinds(shown) == ["created"]


def test_the_provider_writes_an_internal_note(org, shown):
    act(org.member, shown, "comment", body="Check stock", kind="note")

    assert kinds(shown)[-1] == "note"
    assert fresh(shown).responded_at is None  # a note is no answer


def test_the_requester_may_not_write_internal_notes(org, shown):
    response = act(org.outsider, shown, "comment", body="psst", kind="note")

    assert response.status_code == 403
    assert kinds(shown) == ["created"]


# -- who works on it ---------------------------------------------------------------------------


def test_a_member_takes_it(org, shown):
    response = signed_in_client(org.member).post(
        f"/requests/{shown.pk}/assign/",
        {"take-version": shown.version, "take-assignee": org.member.pk},
    )

    assert response.status_code == 302
    assert fresh(shown).assignee == org.member


def test_the_lead_gives_it_to_a_member_and_back_to_the_queue(org, shown):
    act(org.lead, shown, "assign", assignee=org.member.pk)
    assert fresh(shown).assignee == org.member

    act(org.lead, fresh(shown), "assign", assignee="")

    assert fresh(shown).assignee is None


def test_nobody_outside_the_queue_can_be_given_it(org, shown):
    response = act(org.lead, shown, "assign", assignee=org.outsider.pk)

    assert response.status_code == 400
    assert form_errors(response, "assign_form")["assignee"] == [
        "Olga Outsider does not work on this request's queue"
    ]
    assert fresh(shown).assignee is None


def test_a_member_may_not_give_it_to_someone_else(org, shown):
    response = act(org.member, shown, "assign", assignee=org.lead.pk)

    assert response.status_code == 403


def test_the_provider_moves_it_to_another_team_and_loses_sight_of_it(org, shown):
    client = signed_in_client(org.member)
    response = client.post(
        f"/requests/{shown.pk}/transfer/",
        {"version": shown.version, "team": org.purchasing.pk, "message": "They order"},
        follow=True,
    )

    assert response.redirect_chain == [("/queue/", 302)]
    assert f"Request #{shown.pk} is out of your hands now." in response.text
    assert fresh(shown).provider_team == org.purchasing


def test_moving_it_to_the_team_that_holds_it_is_refused(org, shown):
    response = act(org.lead, shown, "transfer", team=org.assembly.pk)

    assert response.status_code == 400
    assert form_errors(response, "transfer_form")["team"] == ["Assembly holds it already"]
    assert "<details open>\n    <summary>Move it to another team" in response.text


def test_the_provider_splits_off_a_sub_request(org, catalog, shown):
    response = act(
        org.member,
        shown,
        "split",
        service="purchase-approval",
        title="Approve four tyres",
        details="",
        priority="normal",
    )

    assert response.status_code == 302
    child = Request.objects.get(parent=shown)
    assert (child.title, child.service, child.requester) == (
        "Approve four tyres",
        catalog.approvals,
        org.member,
    )
    text = signed_in_client(org.member).get(f"/requests/{shown.pk}/").text
    assert f"#{child.pk} Approve four tyres" in text


def test_a_sub_request_to_an_unknown_service_is_refused(org, shown):
    response = act(org.member, shown, "split", service="nope", title="x", priority="normal")

    assert response.status_code == 400
    assert form_errors(response, "split_form")["service"] == [
        "give the address of a service: none has the address nope"
    ]
    assert Request.objects.count() == 1


def test_the_provider_picks_a_proposed_time(org, catalog):
    clinic = tyre_clinic(org, catalog, promised=False)
    start = timezone.now() + timedelta(days=2)
    meeting = request_create(
        requester=org.outsider,
        service=clinic,
        title="Which tyres?",
        proposed_slots=[Slot(start, start + timedelta(hours=1))] * 2,
    )

    out_of_range = act(org.member, meeting, "slot", slot=5)
    picked = act(org.member, meeting, "slot", slot=1)

    assert out_of_range.status_code == 400
    assert form_errors(out_of_range, "slot_form")["slot"] == ["choose one of the 2 times"]
    assert picked.status_code == 302
    assert fresh(meeting).slot_start == start


# -- who may act -------------------------------------------------------------------------------


def test_anonymous_posts_are_sent_to_sign_in(org, shown):
    response = Client().post(f"/requests/{shown.pk}/status/", {"to": "done", "version": 1})

    assert response.status_code == 302
    assert fresh(shown).status == "new"


def test_a_stranger_acting_on_a_request_gets_a_404(org, shown, password_hash):
    stranger = Person.objects.create(
        email="sam@example.com", name="Sam", team=org.plant, password=password_hash
    )

    response = act(stranger, shown, "comment", body="hello")

    assert response.status_code == 404
    assert kinds(shown) == ["created"]


def test_actions_take_no_get(org, shown):
    assert signed_in_client(org.member).get(f"/requests/{shown.pk}/status/").status_code == 405


def test_a_single_proposed_time_is_said_not_offered_as_a_choice(org, catalog):
    clinic = tyre_clinic(org, catalog, promised=False)
    start = timezone.now() + timedelta(days=2)
    meeting = request_create(
        requester=org.outsider,
        service=clinic,
        title="Which tyres?",
        proposed_slots=[Slot(start, start + timedelta(hours=1))],
    )

    page = signed_in_client(org.member).get(f"/requests/{meeting.pk}/").text

    assert 'type="radio" name="slot"' not in page
    assert '<input type="hidden" name="slot" value="0"' in page
    assert '<p class="only-choice">' in page.split("Meet at")[1]
