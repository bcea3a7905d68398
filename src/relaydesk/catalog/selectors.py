"""Reads from the catalog."""

from django.db.models import QuerySet

from relaydesk.catalog.models import Priority, Promise, Service


def services_with_details() -> QuerySet[Service]:
    """Services with everything their page or API form shows, in a fixed number of queries."""
    return Service.objects.select_related(
        "provider_team", "provider_person", "calendar"
    ).prefetch_related(
        "requester_teams",
        "requester_people",
        "customer_teams",
        "customer_people",
        "customer_parties",
        "feeds",
        "fed_by",
        "promises",
    )


def promises_in_priority_order(service: Service) -> list[Promise]:
    rank = {priority: index for index, priority in enumerate(Priority.values)}
    return sorted(service.promises.all(), key=lambda promise: rank[promise.priority])


def headline_promise(service: Service) -> Promise | None:
    """The promise most requests get: the normal priority's, else the first one published."""
    promises = promises_in_priority_order(service)
    normal = [promise for promise in promises if promise.priority == Priority.NORMAL]
    return (normal or promises or [None])[0]


def services_listed() -> QuerySet[Service]:
    """Active services with what a catalog or search row shows (provider, promise, calendar)."""
    return (
        Service.objects.filter(is_active=True)
        .select_related("provider_team", "provider_person", "calendar")
        .prefetch_related("promises")
    )
