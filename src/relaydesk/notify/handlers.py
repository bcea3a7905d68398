"""How notify reacts to domain events: the fan-out (atomic, exactly once) and the deliveries
(not atomic: they talk to a mail server or a webhook receiver, at least once)."""

from datetime import timedelta

from relaydesk.events.models import OutboxEvent
from relaydesk.events.registry import periodic, subscribe
from relaydesk.notify import rules, services
from relaydesk.notify.models import Kind


def _subscribe_to_request_event(kind: str) -> None:
    def handler(event: OutboxEvent) -> None:
        # Request events are always published with a key; the id stands in should one not be.
        source_key = event.key or f"event:{event.pk}"
        services.request_event_notify(payload=event.payload, source_key=source_key)

    # The registry, and the outbox rows waiting for it, know a handler by its name: one a kind.
    handler.__name__ = handler.__qualname__ = f"on_request_{kind}"
    subscribe(f"request.{kind}")(handler)


for _kind in rules.REQUEST_EVENT_KINDS:
    _subscribe_to_request_event(_kind)


@subscribe("feedback.kudos")
def on_kudos(event: OutboxEvent) -> None:
    services.personal_notify(payload=event.payload, kind=Kind.KUDOS, source_key=event.key)


@subscribe("feedback.survey")
def on_survey(event: OutboxEvent) -> None:
    services.personal_notify(payload=event.payload, kind=Kind.SURVEY, source_key=event.key)


@subscribe(services.DIGEST_EVENT)
def on_digest(event: OutboxEvent) -> None:
    services.digest_notify(person_id=event.payload["person_id"], source_key=event.key)


@subscribe(services.EMAIL_EVENT, atomic=False)
def send_email(event: OutboxEvent) -> None:
    services.email_deliver(payload=event.payload, delivery_id=event.key)


@subscribe(services.WEBHOOK_EVENT, atomic=False)
def send_webhook(event: OutboxEvent) -> None:
    services.webhook_deliver(payload=event.payload, delivery_id=event.key)


@periodic("notify.digest", every=timedelta(hours=1))
def publish_digests() -> None:
    services.digest_publish_due()
