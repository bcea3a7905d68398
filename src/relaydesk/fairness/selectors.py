"""Reads for the "who comes last?" report: a team's served requests over a window, loaded into
core.parity."""

from datetime import datetime, timedelta

from django.utils import timezone

from relaydesk.core.parity import Report, Wait, parity_report
from relaydesk.directory.models import Team
from relaydesk.servicerequests.models import Request, Status


def who_comes_last(*, team: Team, days: int, now: datetime | None = None) -> Report:
    """Waits of the requests `team` was asked in the last `days` days, cancelled ones aside.
    A clock the service promised nothing for has no wait to count."""
    since = (now or timezone.now()) - timedelta(days=days)
    rows = (
        Request.objects.filter(provider_team=team, created_at__gte=since)
        .exclude(status=Status.CANCELLED)
        .filter(response_target__isnull=False)
        .values_list(
            "party_id",
            "requester__team__name",
            "responded_at",
            "response_used",
            "status",
            "resolution_target",
            "resolution_used",
        )
    )
    return parity_report(
        [
            Wait(
                external=party_id is not None,
                requesting_team=requesting_team,
                first_response=response_used if responded_at is not None else None,
                resolution=resolution_used
                if status == Status.DONE and resolution_target is not None
                else None,
            )
            for (
                party_id,
                requesting_team,
                responded_at,
                response_used,
                status,
                resolution_target,
                resolution_used,
            ) in rows.iterator(chunk_size=5000)
        ]
    )
