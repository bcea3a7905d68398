"""What requests do when something happens elsewhere, and the clock checker's schedule."""

from datetime import datetime, timedelta

from django.conf import settings

from relaydesk.core.calendar_spec import calendar_from_mapping
from relaydesk.events.models import OutboxEvent
from relaydesk.events.registry import periodic, subscribe
from relaydesk.servicerequests.services import clocks_check, clocks_rebase


# Not atomic: the re-base commits request by request, so a calendar used by thousands of open
# requests never holds one long lock; it is idempotent, so a re-run after a crash is harmless.
@subscribe("catalog.timing_changed", atomic=False)
def rebase_clocks(event: OutboxEvent) -> None:
    """A calendar or promise was edited: move the running clocks' due times."""
    clocks_rebase(
        service_ids=event.payload["service_ids"],
        calendar_before=calendar_from_mapping(event.payload["calendar_before"]),
        at=datetime.fromisoformat(event.payload["at"]),
    )


@periodic("clocks.check", every=timedelta(seconds=settings.CLOCK_CHECK_SECONDS))
def check_clocks() -> None:
    clocks_check()
