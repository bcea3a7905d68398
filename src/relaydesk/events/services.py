"""Writes to the outbox an admin makes: putting parked events back in line."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from relaydesk.directory.models import Person
from relaydesk.events.models import OutboxEvent


def parked_retry(*, actor: Person | None, event_ids: Sequence[int] | None = None) -> int:
    """Put parked events (all, or those named) back in line with a fresh count of attempts;
    their last error stays until they succeed. `actor` None is the operator at the command
    line. Returns how many were."""
    if actor is not None and not actor.is_admin:
        raise PermissionDenied("only an admin retries parked events")
    parked = OutboxEvent.objects.filter(state=OutboxEvent.State.PARKED)
    if event_ids is not None:
        parked = parked.filter(pk__in=list(event_ids))
    return parked.update(
        state=OutboxEvent.State.PENDING, attempts=0, available_at=timezone.now(), lease_token=""
    )
