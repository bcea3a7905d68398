"""Requests made straight into the tables, as history: the map only reads what was served."""

from datetime import timedelta

from django.utils import timezone

from relaydesk.catalog.models import Service
from relaydesk.directory.models import Party, Person
from relaydesk.servicerequests.models import Request, Status


def served(
    service: Service,
    requester: Person,
    *,
    days_ago: int = 1,
    late: bool = False,
    status: str = Status.DONE,
    party: Party | None = None,
    assignee: Person | None = None,
) -> Request:
    created = timezone.now() - timedelta(days=days_ago)
    return Request.objects.create(
        service=service,
        requester=requester,
        title=f"For {requester.name}",
        confidential=service.confidential,
        provider_team=service.provider_team,
        provider_person=service.provider_person,
        assignee=assignee,
        created_at=created,
        status=status,
        done_at=created + timedelta(hours=2) if status == Status.DONE else None,
        resolution_target=480,
        resolution_breached=late,
        party=party,
    )
