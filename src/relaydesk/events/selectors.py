"""Reads of the outbox for the admins' page: how far behind the worker is, what is parked."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min

from relaydesk.events.models import OutboxEvent, PeriodicJob

PARKED_SHOWN = 100


@dataclass(frozen=True)
class OutboxHealth:
    pending: int
    oldest_pending_at: datetime | None
    parked: int
    failing: int  # pending, but failed at least once: waiting out a back-off


def outbox_health() -> OutboxHealth:
    counts = dict(
        OutboxEvent.objects.exclude(state=OutboxEvent.State.DONE)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    pending = OutboxEvent.objects.filter(state=OutboxEvent.State.PENDING)
    return OutboxHealth(
        pending=counts.get(OutboxEvent.State.PENDING, 0),
        oldest_pending_at=pending.aggregate(oldest=Min("created_at"))["oldest"],
        parked=counts.get(OutboxEvent.State.PARKED, 0),
        failing=pending.filter(attempts__gt=0).count(),
    )


def parked_events(*, limit: int = PARKED_SHOWN) -> list[OutboxEvent]:
    return list(
        OutboxEvent.objects.filter(state=OutboxEvent.State.PARKED)
        .only("id", "kind", "created_at", "attempts", "last_error")
        .order_by("-id")[:limit]
    )


def failing_events(*, limit: int = PARKED_SHOWN) -> list[OutboxEvent]:
    return list(
        OutboxEvent.objects.filter(state=OutboxEvent.State.PENDING, attempts__gt=0)
        .only("id", "kind", "created_at", "attempts", "last_error", "available_at")
        .order_by("available_at")[:limit]
    )


def periodic_jobs() -> list[PeriodicJob]:
    return list(PeriodicJob.objects.order_by("name"))
