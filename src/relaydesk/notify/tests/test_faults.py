"""A mail server that refuses, a webhook receiver that stalls or fails, a handler that breaks
half-way: after recovery everyone is told exactly once, and meanwhile the outbox says why."""

from datetime import timedelta

import pytest

from relaydesk.events.models import OutboxEvent
from relaydesk.notify import services
from relaydesk.notify.models import Kind, Notification, Webhook
from relaydesk.notify.tests.support import outbox
from relaydesk.servicerequests.services import request_create


@pytest.fixture
def arrival(org, catalog):
    """Olga's request arrives in Assembly's queue: news to Lena and Max."""
    created = request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")
    return created


def test_mail_refused_for_a_while_is_sent_once_when_the_server_recovers(
    org, arrival, mailbox, worker, clock
):
    mailbox.refusals = ["451 4.3.0 Mailbox busy, try later"] * 2 + ["554 5.7.1 Not now"] * 2

    worker.run_until_idle()
    emails = outbox(services.EMAIL_EVENT)
    assert [(e.state, e.attempts) for e in emails] == [("pending", 1)] * 2
    assert all("451" in e.last_error and "Mailbox busy" in e.last_error for e in emails)
    assert all(e.available_at >= clock() + timedelta(seconds=29) for e in emails)

    worker.run_until_idle()  # nothing is due before its back-off runs out
    assert mailbox.messages == []

    clock.advance(timedelta(seconds=31))
    worker.run_until_idle()
    emails = outbox(services.EMAIL_EVENT)
    assert all(e.attempts == 2 and "554" in e.last_error for e in emails)
    assert all(e.available_at >= clock() + timedelta(seconds=59) for e in emails)

    clock.advance(timedelta(seconds=61))
    worker.run_until_idle()
    clock.advance(timedelta(hours=2))
    worker.run_until_idle()

    assert sorted(mailbox.subjects()) == [
        (org.lead.email, f"#{arrival.pk} Fit tyres: new in Assembly's queue"),
        (org.member.email, f"#{arrival.pk} Fit tyres: new in Assembly's queue"),
    ]
    assert {e.state for e in outbox(services.EMAIL_EVENT)} == {"done"}
    # The app told them at once, and once.
    assert Notification.objects.filter(kind=Kind.NEW_IN_QUEUE).count() == 2


def test_mail_refused_for_good_is_parked_with_the_reason(org, arrival, mailbox, worker, clock):
    mailbox.refusals = ["550 5.1.1 No such user"] * 10

    for _ in range(5):
        worker.run_until_idle()
        clock.advance(timedelta(hours=1))

    emails = outbox(services.EMAIL_EVENT)
    assert {(e.state, e.attempts) for e in emails} == {("parked", 5)}
    assert all("550" in e.last_error and "No such user" in e.last_error for e in emails)
    assert Notification.objects.count() == 2


def test_a_stalled_webhook_is_retried_with_the_same_delivery_id(
    org, catalog, receiver, worker, clock
):
    hook = Webhook.objects.create(
        name="Assembly", url=receiver.url, team=org.assembly, kinds=[Kind.NEW_IN_QUEUE]
    )
    receiver.delays = [2.5]  # past the 1-second timeout
    created = request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")

    worker.run_until_idle()
    [delivery] = outbox(services.WEBHOOK_EVENT)
    assert delivery.state == "pending" and delivery.attempts == 1
    assert "Assembly: no answer from the receiver" in delivery.last_error

    clock.advance(timedelta(seconds=31))
    worker.run_until_idle()

    delivery.refresh_from_db()
    assert delivery.state == "done" and "no answer" in delivery.last_error
    assert receiver.received, "the receiver took the retry"
    # It may have taken the stalled one too: the id and body say it is the same delivery.
    assert {r.headers["X-Relaydesk-Delivery"] for r in receiver.received} == {
        f"deliver:webhook:webhook-{hook.pk}:request:{created.pk}:1"
    }
    assert len({r.body for r in receiver.received}) == 1


def test_a_webhook_answering_an_error_is_a_failure(org, catalog, receiver, worker, clock):
    Webhook.objects.create(name="Org", url=receiver.url, kinds=[Kind.NEW_IN_QUEUE])
    receiver.statuses = [503]
    request_create(requester=org.outsider, service=catalog.wheels, title="X")

    worker.run_until_idle()
    [delivery] = outbox(services.WEBHOOK_EVENT)
    assert "Org: the receiver answered 503" in delivery.last_error
    assert receiver.received == []

    clock.advance(timedelta(minutes=1))
    worker.run_until_idle()
    assert len(receiver.received) == 1


def test_a_fan_out_that_breaks_half_way_leaves_nothing_and_then_tells_once(
    org, arrival, mailbox, worker, clock, monkeypatch
):
    publish = services.publish_many
    broken = {"times": 1}

    def breaks_once(events):
        events = list(events)
        if broken["times"] and any(e.kind == services.EMAIL_EVENT for e in events):
            broken["times"] -= 1
            raise ConnectionError("database went away")
        return publish(events)

    monkeypatch.setattr(services, "publish_many", breaks_once)

    worker.run_until_idle()
    [fan_out] = OutboxEvent.objects.filter(kind="request.created")
    assert fan_out.state == "pending" and "database went away" in fan_out.last_error
    assert not Notification.objects.exists()  # the in-app rows went back with the failure

    clock.advance(timedelta(minutes=1))
    worker.run_until_idle()

    assert Notification.objects.count() == 2
    assert sorted(address for address, _ in mailbox.subjects()) == [
        org.lead.email,
        org.member.email,
    ]
