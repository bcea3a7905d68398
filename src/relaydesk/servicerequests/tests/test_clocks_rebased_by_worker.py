"""Editing a calendar or a promise returns at once; the worker moves the running clocks after,
counting the time used before the edit on the calendar as it was (SPEC §3.2)."""

from datetime import timedelta

from relaydesk.catalog.services import PromiseSpec, ServiceSpec, calendar_save, service_save
from relaydesk.events.models import OutboxEvent
from relaydesk.events.worker import Worker
from relaydesk.servicerequests.services import request_create, request_transition
from relaydesk.servicerequests.tests.conftest import MONDAY_9, berlin

LUNCH_BREAK = {
    "timezone": "Europe/Berlin",
    "hours": {d: ["09:00-13:00", "14:00-20:00"] for d in ("mon", "tue")},
}


def edit_calendar(catalog, definition) -> None:
    calendar_save(
        actor=None,
        calendar=catalog.office,
        name="Office hours",
        definition=definition,
        owner_team=None,
    )


def test_editing_the_calendar_moves_running_clocks_and_keeps_used_time(
    org, catalog, wheels_request, monkeypatch
):
    request = request_transition(
        actor=org.member,
        request_id=wheels_request.pk,
        to="in_progress",
        now=MONDAY_9 + timedelta(minutes=30),
    )
    monkeypatch.setattr("django.utils.timezone.now", lambda: MONDAY_9 + timedelta(hours=3))

    edit_calendar(catalog, LUNCH_BREAK)

    request.refresh_from_db()
    assert request.resolution_due_at == berlin(2026, 11, 23, 17, 0)  # not moved yet
    Worker().run_until_idle()
    request.refresh_from_db()
    assert request.resolution_used == 3 * 3600  # 09:00-12:00, counted on the old calendar
    assert request.resolution_due_at == berlin(2026, 11, 23, 18, 0)  # 12-13 and 14-18
    retimed = request.events.get(kind="retimed")
    assert retimed.data["resolution"] == {
        "from": "2026-11-23T16:00:00+00:00",
        "to": "2026-11-23T17:00:00+00:00",
    }
    assert retimed.at == MONDAY_9 + timedelta(hours=3)  # when the calendar changed


def test_editing_a_promise_moves_running_clocks(org, catalog, wheels_request, monkeypatch):
    spec = ServiceSpec(
        slug="wheel-fitting",
        name="Wheel fitting",
        kind="work_item",
        calendar=catalog.office,
        provider_team=org.assembly,
        promises={"normal": PromiseSpec(60, 240)},
    )
    monkeypatch.setattr("django.utils.timezone.now", lambda: MONDAY_9 + timedelta(hours=1))

    service_save(actor=None, spec=spec, service=catalog.wheels)
    Worker().run_until_idle()

    wheels_request.refresh_from_db()
    assert wheels_request.resolution_target == 4 * 3600
    assert wheels_request.resolution_due_at == berlin(2026, 11, 23, 13, 0)


def test_the_edit_costs_the_same_however_many_requests_are_open(
    org, catalog, django_assert_max_num_queries, django_assert_num_queries
):
    def save_counting() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            edit_calendar(catalog, LUNCH_BREAK if flip[0] else {**LUNCH_BREAK, "hours": {}})
        flip[0] = not flip[0]
        return len(queries)

    flip = [True]
    request_create(requester=org.outsider, service=catalog.wheels, title="One", now=MONDAY_9)
    with_one = save_counting()
    for n in range(30):
        request_create(
            requester=org.outsider, service=catalog.wheels, title=f"More {n}", now=MONDAY_9
        )
    assert save_counting() == with_one
    assert OutboxEvent.objects.filter(kind="catalog.timing_changed").count() == 2


def test_someone_acting_on_a_request_while_the_worker_rebases_it_gets_no_conflict(
    org, catalog, wheels_request, monkeypatch
):
    seen_version = wheels_request.version
    monkeypatch.setattr("django.utils.timezone.now", lambda: MONDAY_9 + timedelta(hours=1))
    edit_calendar(catalog, LUNCH_BREAK)
    Worker().run_until_idle()

    request = request_transition(
        actor=org.member,
        request_id=wheels_request.pk,
        to="acknowledged",
        expected_version=seen_version,
        now=MONDAY_9 + timedelta(hours=1, minutes=1),
    )
    assert request.status == "acknowledged"


def test_rebasing_twice_records_nothing_twice(org, catalog, wheels_request, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: MONDAY_9 + timedelta(hours=1))
    edit_calendar(catalog, LUNCH_BREAK)
    event = OutboxEvent.objects.get(kind="catalog.timing_changed")
    Worker().run_until_idle()
    OutboxEvent.objects.filter(pk=event.pk).update(state="pending", pending=event.pending)
    Worker().run_until_idle()
    assert wheels_request.events.filter(kind="retimed").count() == 1
