"""Webhooks to a real HTTP receiver: signed so it can check them, in JSON or Slack's shape, only
the kinds asked for, only the team's own requests, and never a confidential one."""

import hashlib
import hmac

from relaydesk.events.models import OutboxEvent
from relaydesk.notify.models import Kind, Webhook
from relaydesk.servicerequests.services import request_comment, request_create


def verified(received, secret: str) -> bool:
    """What a receiver does with X-Relaydesk-Signature."""
    header = received.headers["X-Relaydesk-Signature"]
    fields = dict(part.split("=", 1) for part in header.split(","))
    expected = hmac.new(
        secret.encode(), fields["t"].encode() + b"." + received.body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def test_a_json_webhook_is_signed_and_says_what_happened(org, catalog, receiver, worker):
    hook = Webhook.objects.create(
        name="Assembly", url=receiver.url, team=org.assembly, kinds=[Kind.NEW_IN_QUEUE]
    )
    created = request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")
    worker.run_until_idle()

    [received] = receiver.received
    document = received.json()
    assert verified(received, hook.secret)
    assert not verified(received, "another secret")
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["X-Relaydesk-Event"] == "new_in_queue"
    assert document["id"] == received.headers["X-Relaydesk-Delivery"]
    assert document["kind"] == "new_in_queue"
    assert document["title"] == f"#{created.pk} Fit tyres: new in Assembly's queue"
    assert document["url"] == f"https://desk.example.com/requests/{created.pk}/"
    assert document["request"] == {
        "id": created.pk,
        "title": "Fit tyres",
        "service": "Wheel fitting",
        "priority": "normal",
        "status": "new",
        "team": "Assembly",
    }


def test_a_slack_webhook_sends_text_with_a_link(org, catalog, receiver, worker):
    hook = Webhook.objects.create(
        name="Slack", url=receiver.url, kinds=[Kind.REPLY], format=Webhook.Format.SLACK
    )
    created = request_create(requester=org.outsider, service=catalog.wheels, title="Fit <tyres>")
    request_comment(actor=org.member, request_id=created.pk, body="Done by 3 & happy")
    worker.run_until_idle()

    [received] = receiver.received
    assert verified(received, hook.secret)
    link = f"https://desk.example.com/requests/{created.pk}/"
    assert received.json() == {
        "text": f"<{link}|#{created.pk} Fit &lt;tyres&gt;: Max Member replied>\n"
        "Done by 3 &amp; happy"
    }


def test_a_webhook_takes_only_its_kinds_and_its_teams_requests(org, catalog, receiver, worker):
    Webhook.objects.create(name="Replies", url=receiver.url, team=org.assembly, kinds=["reply"])
    Webhook.objects.create(
        name="Purchasing", url=receiver.url, team=org.purchasing, kinds=["new_in_queue"]
    )
    Webhook.objects.create(name="Off", url=receiver.url, kinds=["new_in_queue"], active=False)
    request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")
    worker.run_until_idle()

    assert receiver.received == []


def test_no_webhook_carries_a_confidential_request(org, grievances, receiver, worker):
    every_kind = [kind.value for kind in Kind if kind != Kind.DIGEST]
    Webhook.objects.create(name="Org", url=receiver.url, kinds=every_kind)
    Webhook.objects.create(name="Team", url=receiver.url, team=org.assembly, kinds=every_kind)
    created = request_create(requester=org.outsider, service=grievances, title="About Max")
    request_comment(actor=org.lead, request_id=created.pk, body="Let us talk")
    worker.run_until_idle()

    assert receiver.received == []


def test_a_name_that_resolves_to_a_forbidden_address_is_refused_when_sent(
    org, catalog, receiver, worker, settings
):
    settings.RELAYDESK_WEBHOOK_ALLOW_LOOPBACK = False
    port = receiver.url.split(":")[2].split("/")[0]
    Webhook.objects.create(
        name="Sneaky", url=f"http://localhost:{port}/hook", kinds=["new_in_queue"]
    )
    request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")

    worker.run_until_idle()

    [delivery] = OutboxEvent.objects.filter(kind="notify.webhook")
    assert delivery.state == "pending" and delivery.attempts == 1
    assert "this server's own loopback" in delivery.last_error
    assert receiver.received == []
