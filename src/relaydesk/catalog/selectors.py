"""Reads from the catalog."""

from django.db import connection
from django.db.models import QuerySet

from relaydesk import rows
from relaydesk.catalog.models import Calendar, Priority, Promise, Service
from relaydesk.directory.models import Person, Team


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


def service_to_ask(slug: str) -> Service | None:
    """The service with what asking it needs: its calendar, who provides it, its promises.
    Read on every new request, in one hand-written query (see relaydesk.rows)."""
    parts = [
        rows.columns(Service, "service"),
        rows.columns(Calendar, "calendar"),
        rows.columns(Team, "team"),
        rows.columns(Person, "person"),
        rows.columns(Promise, "promise"),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(part.sql for part in parts)} "
            f"FROM {rows.table(Service)} service "
            f"JOIN {rows.table(Calendar)} calendar ON calendar.id = service.calendar_id "
            f"LEFT JOIN {rows.table(Team)} team ON team.id = service.provider_team_id "
            f"LEFT JOIN {rows.table(Person)} person ON person.id = service.provider_person_id "
            f"LEFT JOIN {rows.table(Promise)} promise ON promise.service_id = service.id "
            f"WHERE service.slug = %s ORDER BY promise.id",
            [slug],
        )
        found = cursor.fetchall()
    if not found:
        return None
    starts = [0]
    for part in parts[:-1]:
        starts.append(starts[-1] + len(part))
    service, calendar, team, person, _ = (
        part.instance(found[0], start) for part, start in zip(parts, starts, strict=True)
    )
    service.calendar, service.provider_team, service.provider_person = calendar, team, person
    promises = [parts[-1].instance(row, starts[-1]) for row in found]
    rows.keep_prefetched(service, "promises", [p for p in promises if p is not None])
    return service


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
