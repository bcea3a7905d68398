"""Every event a request's timeline gets is also published to the outbox, in the same
transaction, so that whatever reacts to requests (notifications, later the customer map)
needs nothing from this app but the event."""

from datetime import timedelta

import pytest
from django.db import transaction

from relaydesk.catalog.models import Calendar
from relaydesk.events import outbox
from relaydesk.events.models import OutboxEvent
from relaydesk.servicerequests.models import Event
from relaydesk.servicerequests.services import (
    clocks_check,
    clocks_rebase,
    request_comment,
    request_create,
    request_transition,
)
from relaydesk.servicerequests.tests.conftest import MONDAY_9


@pytest.fixture
def everything_subscribed(monkeypatch):
    """Someone listens to every kind of request event (only those are written at all). Name it
    before the fixtures that make requests, so that their creation is published too."""
    monkeypatch.setattr(
        outbox,
        "handlers_for",
        lambda kind: ["test.listener"] if kind.startswith("request.") else [],
    )


@pytest.fixture
def publish_calls(monkeypatch) -> list[int]:
    calls: list[int] = []
    publish_many = outbox.publish_many

    def counted(events):
        events = list(events)
        calls.append(len(events))
        return publish_many(events)

    monkeypatch.setattr("relaydesk.servicerequests.services.publish_many", counted)
    return calls


def published() -> list[tuple]:
    return sorted(
        (row.payload["request_id"], row.payload["seq"], row.kind, row.key, row.payload)
        for row in OutboxEvent.objects.all()
    )


def recorded() -> list[tuple]:
    return sorted(
        (
            event.request_id,
            event.seq,
            f"request.{event.kind}",
            f"request:{event.request_id}:{event.seq}",
            {
                "request_id": event.request_id,
                "seq": event.seq,
                "kind": event.kind,
                "actor_id": event.actor_id,
                "at": event.at.isoformat(),
                "data": event.data,
            },
        )
        for event in Event.objects.all()
    )


def test_every_event_of_every_write_is_published_once_per_write(
    org, catalog, everything_subscribed, publish_calls
):
    order = request_create(
        requester=org.outsider, service=catalog.wheels, title="Order the van", now=MONDAY_9
    )
    tyres = request_create(  # it unblocks the order: a linked event on each
        requester=org.outsider,
        service=catalog.wheels,
        title="Fit tyres",
        unblocks=[order],
        now=MONDAY_9,
    )
    request_transition(
        actor=org.lead,
        request_id=tyres.pk,
        to="waiting_on_requester",
        message="Which van?",
        now=MONDAY_9 + timedelta(minutes=10),
    )
    request_comment(
        actor=org.outsider,
        request_id=tyres.pk,
        body="The blue one",
        now=MONDAY_9 + timedelta(minutes=20),
    )
    clocks_check(now=MONDAY_9 + timedelta(hours=2))  # warnings and breaches

    assert published() == recorded()
    assert {row.kind for row in OutboxEvent.objects.all()} >= {
        "request.created",
        "request.linked",
        "request.status",
        "request.paused",
        "request.resumed",
        "request.warning",
        "request.breach",
    }
    # One call per write, however many events it records (the checker writes per request).
    # (Lena's question also takes the request nobody held: four events.)
    assert publish_calls[:4] == [1, 3, 4, 3]


def test_re_basing_publishes_its_retimed_events(
    everything_subscribed, org, catalog, wheels_request
):
    office_before = catalog.office.engine()
    Calendar.objects.filter(pk=catalog.office.pk).update(
        definition=dict(catalog.office.definition, hours={"mon": ["09:00-12:00"]})
    )

    clocks_rebase(
        service_ids=[catalog.wheels.pk],
        calendar_before=office_before,
        at=MONDAY_9 + timedelta(hours=1),
    )

    assert [row.kind for row in OutboxEvent.objects.all()] == ["request.created", "request.retimed"]
    assert published() == recorded()


def test_a_write_that_fails_publishes_nothing(everything_subscribed, org, catalog, wheels_request):
    before = OutboxEvent.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        request_transition(
            actor=org.member, request_id=wheels_request.pk, to="acknowledged", now=MONDAY_9
        )
        raise RuntimeError("the transaction around it fails")

    assert OutboxEvent.objects.count() == before
