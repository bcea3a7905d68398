"""Publishing domain events: call inside the transaction of the change that caused them."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from relaydesk.events.models import OutboxEvent
from relaydesk.events.registry import handlers_for
from relaydesk.rows import insert_all


@dataclass(frozen=True)
class Published:
    kind: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    key: str | None = None


def publish(kind: str, payload: Mapping[str, Any], *, key: str | None = None) -> None:
    """Record one domain event in the caller's transaction (see publish_many)."""
    publish_many([Published(kind, payload, key)])


def publish_many(events: Iterable[Published]) -> int:
    """Record domain events in the caller's transaction; returns how many were written.

    An event nobody subscribes to is not written: the request's own timeline is the audit
    trail, and the outbox holds only work still to do. An event whose key was published
    before is not written again.
    """
    now = timezone.now()
    rows = []
    for event in events:
        pending = handlers_for(event.kind)
        if pending:
            rows.append(
                OutboxEvent(
                    kind=event.kind,
                    payload=dict(event.payload),
                    key=event.key,
                    pending=pending,
                    created_at=now,
                    available_at=now,
                )
            )
    if not rows:
        return 0
    insert_all(rows, ignore_conflicts=any(row.key for row in rows))
    return len(rows)
