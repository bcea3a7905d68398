"""Rollups follow the requests: each event that moves a request's figures refreshes the cells
it counts in (exactly once with the record that the handler ran, like every atomic handler)."""

from relaydesk.events.models import OutboxEvent
from relaydesk.events.registry import subscribe
from relaydesk.insight.services import request_rollups_refresh

# Created, first answered, done/cancelled/reopened (status), or moved to another team.
ROLLUP_EVENTS = ("created", "responded", "status", "transferred")


def _subscribe_to_request_event(kind: str) -> None:
    def handler(event: OutboxEvent) -> None:
        request_rollups_refresh(request_id=event.payload["request_id"])

    # The registry, and the outbox rows waiting for it, know a handler by its name.
    handler.__name__ = handler.__qualname__ = f"refresh_rollups_on_{kind}"
    subscribe(f"request.{kind}")(handler)


for _kind in ROLLUP_EVENTS:
    _subscribe_to_request_event(_kind)
