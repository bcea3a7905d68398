"""Writes to the catalog. The web forms, the API and the YAML import all go through here."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from relaydesk.audit.models import Action
from relaydesk.audit.record import fields_of, record
from relaydesk.catalog import permissions, search
from relaydesk.catalog.models import Calendar, Priority, Promise, Service
from relaydesk.core.calendar_spec import (
    CalendarSpecError,
    calendar_from_mapping,
    calendar_to_mapping,
)
from relaydesk.directory.models import Party, Person, Team
from relaydesk.errors import InvalidInput, model_errors
from relaydesk.events.outbox import publish


@dataclass(frozen=True)
class PromiseSpec:
    first_response_minutes: int
    resolution_minutes: int


@dataclass
class ServiceSpec:
    """Everything a service is, with references already resolved to objects."""

    slug: str
    name: str
    kind: str
    calendar: Calendar
    provider_team: Team | None = None
    provider_person: Person | None = None
    description: str = ""
    keywords: list[str] = field(default_factory=list)
    audience: str = Service.Audience.EVERYONE
    requester_teams: list[Team] = field(default_factory=list)
    requester_people: list[Person] = field(default_factory=list)
    customer_teams: list[Team] = field(default_factory=list)
    customer_people: list[Person] = field(default_factory=list)
    customer_parties: list[Party] = field(default_factory=list)
    confidential: bool = False
    warning_percent: int = 75
    is_active: bool = True
    promises: dict[str, PromiseSpec] = field(default_factory=dict)


def service_save(
    *, actor: Person | None, spec: ServiceSpec, service: Service | None = None
) -> Service:
    """Create a service (service=None) or replace an existing one's definition.

    `actor` None is the operator at the command line (e.g. `relaydesk import services`).
    """
    if (spec.provider_team is None) == (spec.provider_person is None):
        raise InvalidInput({"provider": ["name exactly one provider: a team or a person"]})
    if actor is not None:
        if service is not None and not permissions.may_edit_service(actor, service):
            raise PermissionDenied("You may only change services your own teams provide.")
        if not permissions.may_provide_for(
            actor, team=spec.provider_team, provider_person=spec.provider_person
        ):
            raise PermissionDenied("You may only publish services for teams you lead.")
    promises_before = _promise_minutes(service) if service else {}
    calendar_before = service.calendar if service else None
    audited_before = _audited(service, promises_before) if service else {}
    service = service or Service()
    for name in _PLAIN_FIELDS:
        setattr(service, name, getattr(spec, name))
    service.keywords = [word.strip() for word in spec.keywords if word.strip()]
    errors = model_errors(service)
    errors.update(_promise_errors(spec.promises))
    if spec.audience == Service.Audience.LISTED and not (
        spec.requester_teams or spec.requester_people
    ):
        errors.setdefault("requester_teams", []).append(
            "name at least one team or person who may request it, or open it to everyone"
        )
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        service.save()
        service.requester_teams.set(spec.requester_teams)
        service.requester_people.set(spec.requester_people)
        service.customer_teams.set(spec.customer_teams)
        service.customer_people.set(spec.customer_people)
        service.customer_parties.set(spec.customer_parties)
        service.promises.exclude(priority__in=spec.promises).delete()
        for priority, promise in spec.promises.items():
            Promise.objects.update_or_create(
                service=service,
                priority=priority,
                defaults={
                    "first_response_minutes": promise.first_response_minutes,
                    "resolution_minutes": promise.resolution_minutes,
                },
            )
        if calendar_before is not None and (
            calendar_before.pk != service.calendar_id
            or promises_before != _promise_minutes(service)
        ):
            _publish_timing_changed([service.pk], calendar_before.definition)
        search.service_indexed(service)
        audited_after = _audited(service, _promise_minutes(service))
        record(
            actor,
            _service_action(audited_before, audited_after),
            service,
            audited_before,
            audited_after,
        )
    return service


# A service's fields that its spec gives as they are, and those the audit log keeps: all of it.
_PLAIN_FIELDS = (
    "slug",
    "name",
    "kind",
    "calendar",
    "provider_team",
    "provider_person",
    "description",
    "audience",
    "confidential",
    "warning_percent",
    "is_active",
)
_RELATIONS = (
    "requester_teams",
    "requester_people",
    "customer_teams",
    "customer_people",
    "customer_parties",
)
_AUDITED_FIELDS = (*_PLAIN_FIELDS, "keywords", *_RELATIONS)


def _audited(service: Service, promises: Mapping[str, tuple[int, int]]) -> dict:
    return fields_of(service, _AUDITED_FIELDS) | {"promises": promises}


def _service_action(before: Mapping, after: Mapping) -> Action:
    if not before:
        return Action.SERVICE_CREATED
    if before["confidential"] != after["confidential"]:
        return Action.SERVICE_CONFIDENTIALITY
    if before["is_active"] and not after["is_active"]:
        return Action.SERVICE_RETIRED
    return Action.SERVICE_CHANGED


def service_feeds_set(*, actor: Person | None, service: Service, feeds: Sequence[Service]) -> None:
    """Say which downstream services this one feeds; the chains must not loop."""
    if actor is not None and not permissions.may_edit_service(actor, service):
        raise PermissionDenied("You may only change services your own teams provide.")
    graph = nx.DiGraph(
        list(
            Service.feeds.through.objects.exclude(from_service=service).values_list(
                "from_service_id", "to_service_id"
            )
        )
    )
    graph.add_node(service.pk)
    graph.add_edges_from((service.pk, downstream.pk) for downstream in feeds)
    try:
        cycle = nx.find_cycle(graph, source=service.pk)
    except nx.NetworkXNoCycle:
        pass
    else:
        names = dict(Service.objects.filter(pk__in=[a for a, _ in cycle]).values_list("id", "slug"))
        loop = " → ".join([names[a] for a, _ in cycle] + [names[cycle[0][0]]])
        raise InvalidInput({"feeds": [f"this would make the chain loop: {loop}"]})
    with transaction.atomic():
        # Read afresh, not from a copy prefetched with the page: the log keeps what is replaced.
        before = set(Service.objects.filter(fed_by=service))
        service.feeds.set(feeds)
        record(actor, Action.SERVICE_FEEDS, service, {"feeds": before}, {"feeds": set(feeds)})


def calendar_save(
    *,
    actor: Person | None,
    name: str,
    definition: Mapping,
    owner_team: Team | None,
    calendar: Calendar | None = None,
) -> Calendar:
    """Create or change a calendar (actor None: the operator at the command line)."""
    if actor is not None:
        if calendar is not None and not permissions.may_edit_calendar(actor, calendar):
            raise PermissionDenied("You may only change your own teams' calendars.")
        if not permissions.may_edit_calendar(actor, Calendar(owner_team=owner_team)):
            raise PermissionDenied("Only admins keep organisation-wide calendars.")
    errors: dict[str, list[str]] = {}
    definition_before = calendar.definition if calendar else None
    audited_before = fields_of(calendar, _AUDITED_CALENDAR_FIELDS) if calendar else {}
    calendar = calendar or Calendar()
    try:
        # Kept in its canonical form: JSON-safe (YAML's dates become ISO strings) and tidy.
        calendar.definition = calendar_to_mapping(calendar_from_mapping(definition))
    except CalendarSpecError as invalid:
        for issue in invalid.errors:
            where = f"definition.{issue.path}" if issue.path else "definition"
            errors.setdefault(where, []).append(issue.message)
    calendar.name, calendar.owner_team = name, owner_team
    errors.update(model_errors(calendar, exclude=["definition"]))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        calendar.save()
        if definition_before is not None and calendar.definition != definition_before:
            _publish_timing_changed(
                list(calendar.services.values_list("pk", flat=True)), definition_before
            )
        record(
            actor,
            Action.CALENDAR_CHANGED if audited_before else Action.CALENDAR_CREATED,
            calendar,
            audited_before,
            fields_of(calendar, _AUDITED_CALENDAR_FIELDS),
        )
    return calendar


_AUDITED_CALENDAR_FIELDS = ("name", "owner_team", "definition")


def _publish_timing_changed(service_ids: list[int], calendar_before: Mapping) -> None:
    """Say that the promises or the calendar of these services changed (SPEC §3.2: the due
    times of running clocks move). The worker re-bases the open requests' clocks, so an edit
    returns at once however many requests it touches; the time used up to the edit is counted
    on the calendar as it was."""
    if service_ids:
        publish(
            "catalog.timing_changed",
            {
                "service_ids": service_ids,
                "calendar_before": dict(calendar_before),
                "at": timezone.now().isoformat(),
            },
        )


def _promise_minutes(service: Service) -> dict[str, tuple[int, int]]:
    return {
        promise.priority: (promise.first_response_minutes, promise.resolution_minutes)
        for promise in Promise.objects.filter(service=service)
    }


def _promise_errors(promises: Mapping[str, PromiseSpec]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for priority, promise in promises.items():
        where = f"promises.{priority}"
        if priority not in Priority.values:
            errors[where] = [f"unknown priority; use one of {', '.join(Priority.values)}"]
        elif min(promise.first_response_minutes, promise.resolution_minutes) < 1:
            errors[where] = ["promises are at least one business minute"]
        elif promise.resolution_minutes < promise.first_response_minutes:
            errors[where] = ["resolution cannot be promised before the first response"]
    return errors
