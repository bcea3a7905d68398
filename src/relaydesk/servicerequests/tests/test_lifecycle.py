"""The lifecycle and its clocks, exactly as SPEC §3.2 describes them."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from relaydesk.catalog.models import Calendar
from relaydesk.core.calendar_spec import calendar_from_mapping, calendar_to_mapping
from relaydesk.errors import Conflict, InvalidInput, NotFound
from relaydesk.servicerequests.models import Event, Request
from relaydesk.servicerequests.services import (
    clocks_check,
    clocks_rebase,
    request_comment,
    request_create,
    request_transition,
)
from relaydesk.servicerequests.tests.conftest import MONDAY_9, berlin


def kinds(request: Request) -> list[str]:
    return list(request.events.values_list("kind", flat=True))


def move(actor, request, to, at, **kwargs) -> Request:
    return request_transition(actor=actor, request_id=request.pk, to=to, now=at, **kwargs)


def test_creation_computes_both_due_times_from_the_promise_and_calendar(wheels_request):
    assert wheels_request.status == "new"
    assert wheels_request.response_due_at == berlin(2026, 11, 23, 10, 0)
    assert wheels_request.resolution_due_at == berlin(2026, 11, 23, 17, 0)
    assert wheels_request.resolution_warn_at == berlin(2026, 11, 23, 15, 0)  # 75 %
    assert wheels_request.provider_team.name == "Assembly"
    assert kinds(wheels_request) == ["created"]


def test_a_request_made_after_hours_starts_its_clocks_at_the_next_opening(org, catalog):
    friday_evening = berlin(2026, 11, 27, 18, 30)

    request = request_create(
        requester=org.outsider, service=catalog.wheels, title="x", now=friday_evening
    )

    assert request.response_due_at == berlin(2026, 11, 30, 10, 0)  # Monday 10:00


def test_acknowledging_with_a_word_to_the_requester_stops_the_response_clock(org, wheels_request):
    request = move(
        org.member,
        wheels_request,
        "acknowledged",
        MONDAY_9 + timedelta(minutes=20),
        message="Seen: tomorrow morning.",
    )

    assert request.responded_at == MONDAY_9 + timedelta(minutes=20)
    assert request.response_used == 20 * 60
    assert request.response_due_at is None
    assert kinds(request) == ["created", "status", "responded", "assigned"]
    assert request.assignee == org.member  # acting on it took it


def test_a_bare_acknowledge_is_no_answer_until_a_word_reaches_the_requester(org, wheels_request):
    clicked = move(org.member, wheels_request, "acknowledged", MONDAY_9 + timedelta(minutes=1))

    assert clicked.responded_at is None and clicked.response_due_at is not None
    request_comment(
        actor=org.member,
        request_id=wheels_request.pk,
        body="Tomorrow morning?",
        now=MONDAY_9 + timedelta(minutes=40),
    )
    wheels_request.refresh_from_db()
    assert wheels_request.responded_at == MONDAY_9 + timedelta(minutes=40)
    assert wheels_request.response_used == 40 * 60
    assert kinds(wheels_request) == ["created", "status", "assigned", "comment", "responded"]


def test_a_status_change_comes_before_what_it_causes(org, wheels_request):
    asked_at = berlin(2026, 11, 23, 10, 30)
    move(org.member, wheels_request, "waiting_on_requester", asked_at, message="Which van?")
    request_comment(
        actor=org.outsider,
        request_id=wheels_request.pk,
        body="The blue van",
        now=berlin(2026, 11, 23, 11),
    )
    move(org.member, wheels_request, "done", berlin(2026, 11, 24, 11))  # 9.5 h of 8

    events = list(wheels_request.events.order_by("seq"))
    assert [event.kind for event in events] == [
        "created",
        "status",  # asked the requester, and so
        "responded",  # the first answer, 1.5 h in: a late one
        "breach",
        "paused",
        "assigned",  # Max took it by asking
        "comment",  # the requester answered, and so
        "status",
        "resumed",
        "status",  # done, and so
        "breach",
    ]
    assert [event.at for event in events] == sorted(event.at for event in events)


def test_a_provider_reply_is_a_first_response_too(org, wheels_request):
    request = request_comment(
        actor=org.member,
        request_id=wheels_request.pk,
        body="On it",
        now=MONDAY_9 + timedelta(minutes=5),
    )

    assert request.responded_at is not None and request.status == "new"


def test_an_internal_note_is_not_a_response(org, wheels_request):
    request = request_comment(
        actor=org.member,
        request_id=wheels_request.pk,
        body="hmm",
        internal=True,
        now=MONDAY_9 + timedelta(minutes=5),
    )

    assert request.responded_at is None


def test_the_full_happy_path(org, wheels_request):
    step = MONDAY_9
    for status in ("acknowledged", "in_progress", "done"):
        step += timedelta(hours=1)
        wheels_request = move(org.member, wheels_request, status, step)

    assert wheels_request.status == "done"
    assert wheels_request.done_at == berlin(2026, 11, 23, 12, 0)
    assert wheels_request.resolution_used == 3 * 3600
    assert not wheels_request.resolution_breached


def test_waiting_on_requester_pauses_resolution_clock_across_a_weekend(org, catalog):
    # Friday 13:00: 4 h of 8 left after the question; answered Monday 10:00.
    request = request_create(
        requester=org.outsider, service=catalog.wheels, title="x", now=berlin(2026, 11, 27, 9, 0)
    )
    request = move(
        org.member,
        request,
        "waiting_on_requester",
        berlin(2026, 11, 27, 13, 0),
        message="Which van?",
    )
    assert request.resolution_due_at is None and request.resolution_used == 4 * 3600

    request = request_comment(
        actor=org.outsider,
        request_id=request.pk,
        body="The blue one",
        now=berlin(2026, 11, 30, 10, 0),
    )

    assert request.status == "in_progress"
    assert request.resolution_due_at == berlin(2026, 11, 30, 14, 0)
    resumed = request.events.get(kind="resumed")
    assert resumed.data["paused_business_seconds"] == 5 * 3600  # Fri 13-17, Mon 9-10


def test_a_pause_across_the_autumn_clock_change_is_counted_in_real_business_time(org, catalog):
    request = request_create(
        requester=org.outsider, service=catalog.wheels, title="x", now=berlin(2026, 10, 23, 9, 0)
    )  # Friday, summer time
    request = move(
        org.member,
        request,
        "waiting_on_requester",
        berlin(2026, 10, 23, 15, 0),
        message="Which van?",
    )

    request = move(org.outsider, request, "in_progress", berlin(2026, 10, 26, 9, 0))  # winter

    assert request.resolution_used == 6 * 3600
    assert request.resolution_due_at == berlin(2026, 10, 26, 11, 0)


def test_asking_the_requester_needs_a_question(org, wheels_request):
    with pytest.raises(InvalidInput) as invalid:
        move(org.member, wheels_request, "waiting_on_requester", MONDAY_9)

    assert "message" in invalid.value.errors


def test_finishing_before_needed_by_counts_as_early_with_its_slack(org, catalog):
    request = request_create(
        requester=org.outsider,
        service=catalog.wheels,
        title="x",
        needed_by=berlin(2026, 11, 25, 12, 0),
        now=MONDAY_9,
    )

    request = move(org.member, request, "done", berlin(2026, 11, 24, 12, 0))

    assert request.early is True
    assert request.slack_seconds == 24 * 3600
    assert request.events.get(kind="early").data == {"slack_seconds": 86400}


def test_finishing_after_needed_by_is_not_early(org, catalog):
    request = request_create(
        requester=org.outsider,
        service=catalog.wheels,
        title="x",
        needed_by=berlin(2026, 11, 23, 12, 0),
        now=MONDAY_9,
    )

    request = move(org.member, request, "done", berlin(2026, 11, 23, 13, 0))

    assert request.early is False and request.slack_seconds == -3600


def test_a_late_finish_records_the_breach_once(org, wheels_request):
    request = move(org.member, wheels_request, "done", berlin(2026, 11, 24, 11, 0))  # 10 h

    breaches = request.events.filter(kind="breach")
    assert [(b.data["clock"], b.data["due_at"]) for b in breaches] == [
        ("response", "2026-11-23T09:00:00+00:00"),
        ("resolution", "2026-11-23T16:00:00+00:00"),
    ]
    assert request.resolution_breached and request.response_breached
    assert clocks_check(now=berlin(2026, 11, 25, 9, 0)) == 0


def test_the_checker_records_warning_then_breach_once_each(org, wheels_request):
    assert clocks_check(now=berlin(2026, 11, 23, 9, 30)) == 0
    assert clocks_check(now=berlin(2026, 11, 23, 9, 50)) == 1  # response warning at 45 min
    assert clocks_check(now=berlin(2026, 11, 23, 9, 50)) == 0
    assert clocks_check(now=berlin(2026, 11, 23, 17, 0)) == 3  # response breach, res. warn+breach
    assert clocks_check(now=berlin(2026, 11, 24, 17, 0)) == 0

    events = wheels_request.events.filter(kind__in=["warning", "breach"]).order_by("seq")
    assert [(e.kind, e.data["clock"]) for e in events] == [
        ("warning", "response"),
        ("breach", "response"),
        ("warning", "resolution"),
        ("breach", "resolution"),
    ]
    breach = events.last()
    assert breach.data["escalated_to"] == org.lead.pk
    assert breach.data["attributed_to"] == "Assembly"
    assert [e.data["due_at"] for e in events.filter(kind="breach")] == [
        "2026-11-23T09:00:00+00:00",  # 10:00 in Berlin
        "2026-11-23T16:00:00+00:00",  # 17:00 in Berlin
    ]


def test_the_checker_does_not_make_a_provider_who_just_loaded_the_request_reload(
    org, wheels_request
):
    seen = wheels_request.version
    assert clocks_check(now=berlin(2026, 11, 23, 9, 50)) == 1  # response warning

    request = move(
        org.member,
        wheels_request,
        "acknowledged",
        berlin(2026, 11, 23, 9, 55),
        expected_version=seen,
        message="On it",
    )

    assert request.status == "acknowledged"
    assert kinds(request) == ["created", "warning", "status", "responded", "assigned"]


def test_a_paused_clock_never_warns(org, wheels_request):
    move(
        org.member,
        wheels_request,
        "waiting_on_requester",
        MONDAY_9 + timedelta(minutes=1),
        message="?",
    )

    assert clocks_check(now=berlin(2026, 12, 31, 12, 0)) == 0


def test_cancelling_stops_both_clocks(org, wheels_request):
    request = move(org.outsider, wheels_request, "cancelled", MONDAY_9 + timedelta(hours=1))

    assert request.cancelled_at is not None
    assert request.response_due_at is None and request.resolution_due_at is None
    assert clocks_check(now=berlin(2026, 12, 1, 9, 0)) == 0


def test_reopening_resumes_the_resolution_clock_where_it_stopped(org, wheels_request):
    request = move(org.member, wheels_request, "done", MONDAY_9 + timedelta(hours=2))

    request = move(org.outsider, request, "in_progress", berlin(2026, 11, 24, 9, 0))

    assert request.done_at is None and request.resolution_used == 2 * 3600
    assert request.resolution_due_at == berlin(2026, 11, 24, 15, 0)


def test_a_reopened_request_is_warned_and_breached_again_in_its_new_run(org, wheels_request):
    assert clocks_check(now=berlin(2026, 11, 23, 15, 30)) == 3  # response late, resolution 75 %
    move(org.member, wheels_request, "done", berlin(2026, 11, 23, 16, 0))  # 7 h of 8

    request = move(org.outsider, wheels_request, "in_progress", berlin(2026, 11, 24, 9, 0))
    assert not request.resolution_warned and not request.resolution_breached
    assert request.resolution_due_at == berlin(2026, 11, 24, 10, 0)  # the hour that was left

    assert clocks_check(now=berlin(2026, 11, 24, 10, 0)) == 2
    rerun = request.events.filter(kind__in=["warning", "breach"], at=berlin(2026, 11, 24, 10, 0))
    assert [(e.kind, e.data["clock"], e.data["due_at"]) for e in rerun] == [
        ("warning", "resolution", "2026-11-24T09:00:00+00:00"),
        ("breach", "resolution", "2026-11-24T09:00:00+00:00"),
    ]


def test_a_request_reopened_after_its_breach_can_breach_again(org, wheels_request):
    move(org.member, wheels_request, "done", berlin(2026, 11, 24, 11, 0))  # 10 h of 8: breached

    move(org.outsider, wheels_request, "in_progress", berlin(2026, 11, 25, 9, 0))

    assert clocks_check(now=berlin(2026, 11, 25, 9, 0)) == 2  # out of time at once
    breaches = wheels_request.events.filter(kind="breach", data__clock="resolution")
    assert [b.data["due_at"] for b in breaches] == [
        "2026-11-23T16:00:00+00:00",
        "2026-11-25T08:00:00+00:00",  # reopened with no time left: due at once
    ]


@pytest.mark.parametrize(
    ("steps", "to"),
    [
        (["done"], "acknowledged"),
        (["done"], "cancelled"),
        (["cancelled"], "done"),
        (["in_progress"], "new"),
        (["in_progress"], "acknowledged"),
    ],
)
def test_illegal_transitions_are_conflicts_that_say_what_is_possible(
    org, wheels_request, steps, to
):
    for step in steps:
        wheels_request = move(org.member, wheels_request, step, MONDAY_9 + timedelta(minutes=1))

    with pytest.raises(Conflict, match="cannot become"):
        move(org.member, wheels_request, to, MONDAY_9 + timedelta(minutes=2))


def test_an_unknown_status_is_refused(org, wheels_request):
    with pytest.raises(Conflict, match="unknown status 'finished'"):
        move(org.member, wheels_request, "finished", MONDAY_9)


def test_the_requester_cannot_do_the_providers_moves(org, wheels_request):
    with pytest.raises(PermissionDenied, match="only the provider may"):
        move(org.outsider, wheels_request, "done", MONDAY_9)


def test_someone_who_cannot_see_the_request_cannot_act_on_it(org, wheels_request, password_hash):
    from relaydesk.directory.models import Person

    stranger = Person.objects.create(
        email="s@example.com", name="S", team=org.purchasing, password=password_hash
    )

    with pytest.raises(NotFound):
        move(stranger, wheels_request, "acknowledged", MONDAY_9)


def test_a_stale_version_is_a_conflict(org, wheels_request):
    seen = wheels_request.version
    move(org.member, wheels_request, "acknowledged", MONDAY_9, expected_version=seen)

    with pytest.raises(Conflict, match="changed since you saw it"):
        move(org.lead, wheels_request, "in_progress", MONDAY_9, expected_version=seen)


def test_approvals_end_with_a_decision_and_a_reason(org, catalog):
    request = request_create(
        requester=org.member,
        service=catalog.approvals,
        title="Buy 40 torque wrenches",
        now=MONDAY_9,
    )
    with pytest.raises(InvalidInput) as invalid:
        move(org.outsider, request, "done", MONDAY_9 + timedelta(hours=1), decision="approved")
    assert invalid.value.errors == {"message": ["give the reason for the decision"]}

    request = move(
        org.outsider,
        request,
        "done",
        MONDAY_9 + timedelta(hours=1),
        decision="declined",
        message="Budget frozen until January",
    )

    assert (request.decision, request.decision_reason) == (
        "declined",
        "Budget frozen until January",
    )
    assert request.events.get(kind="decided").data["decision"] == "declined"


def test_only_approvals_take_a_decision(org, wheels_request):
    with pytest.raises(InvalidInput, match="only approvals"):
        move(org.member, wheels_request, "done", MONDAY_9, decision="approved", message="ok")


def test_a_clock_that_resumed_after_the_edit_is_only_retimed_on_the_new_calendar(
    org, catalog, wheels_request
):
    move(
        org.member,
        wheels_request,
        "waiting_on_requester",
        MONDAY_9 + timedelta(hours=1),
        message="Which van?",
    )
    lunch_break = {
        "timezone": "Europe/Berlin",
        "hours": {d: ["09:00-12:00", "13:00-17:00"] for d in ("mon", "tue")},
    }
    office_before = catalog.office.engine()
    # Edited at 11:00 while the request waits; the worker re-bases only after the answer.
    Calendar.objects.filter(pk=catalog.office.pk).update(
        definition=calendar_to_mapping(calendar_from_mapping(lunch_break))
    )
    answered = request_comment(
        actor=org.outsider,
        request_id=wheels_request.pk,
        body="The blue one",
        now=MONDAY_9 + timedelta(hours=3),
    )

    clocks_rebase(
        service_ids=[catalog.wheels.pk],
        calendar_before=office_before,
        at=MONDAY_9 + timedelta(hours=2),
    )

    answered.refresh_from_db()
    # 1 h used before the pause; the paused hour is not counted on either calendar.
    assert answered.resolution_used == 3600
    assert answered.resolution_running_since == MONDAY_9 + timedelta(hours=3)
    # 7 h left from 12:00, with the new lunch hour: 13-17 and the next morning's 09-12.
    assert answered.resolution_due_at == berlin(2026, 11, 24, 12, 0)


def test_every_change_is_one_event_in_order(org, wheels_request):
    move(org.member, wheels_request, "acknowledged", MONDAY_9 + timedelta(minutes=1))
    request_comment(
        actor=org.outsider,
        request_id=wheels_request.pk,
        body="thanks",
        now=MONDAY_9 + timedelta(minutes=2),
    )

    seqs = list(Event.objects.filter(request=wheels_request).values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


def test_a_provider_who_answers_a_request_nobody_holds_takes_it(org, wheels_request):
    request_comment(
        actor=org.lead, request_id=wheels_request.pk, body="Ask Max first", internal=True
    )
    wheels_request.refresh_from_db()
    assert wheels_request.assignee is None  # a note to colleagues takes nothing

    request_comment(actor=org.lead, request_id=wheels_request.pk, body="Tomorrow at nine")

    wheels_request.refresh_from_db()
    assert wheels_request.assignee == org.lead
    taken = wheels_request.events.get(kind="assigned")
    assert (taken.actor, taken.data["to"], taken.data["why"]) == (
        org.lead,
        org.lead.pk,
        "by answering it",
    )


def test_a_request_is_never_done_with_nobody_holding_it(org, wheels_request):
    request = move(org.member, wheels_request, "done", MONDAY_9 + timedelta(hours=1))

    assert request.status == "done" and request.assignee == org.member


def test_cancelling_takes_nothing(org, wheels_request):
    request = move(org.lead, wheels_request, "cancelled", MONDAY_9 + timedelta(hours=1))

    assert request.assignee is None
