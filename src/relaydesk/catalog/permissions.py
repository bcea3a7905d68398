"""Who may do what with the catalog: ask a service for something (those it takes requests
from), and change entries (admins everything, team leads their own teams' entries)."""

from collections.abc import Iterable

from relaydesk.catalog.models import Calendar, Service
from relaydesk.directory.models import Person, Team
from relaydesk.directory.selectors import teams_led_by


def may_provide_for(person: Person, *, team: Team | None, provider_person: Person | None) -> bool:
    """May `person` publish services provided by this team or this person?"""
    if person.is_admin:
        return True
    led = teams_led_by(person)
    if team is not None:
        return team.pk in led
    return provider_person is not None and provider_person.team_id in led


def may_edit_service(person: Person, service: Service) -> bool:
    return may_provide_for(
        person, team=service.provider_team, provider_person=service.provider_person
    )


def may_manage_catalog(person: Person) -> bool:
    """Admins and team leads manage catalog entries (each lead only their own teams')."""
    return person.is_admin or bool(teams_led_by(person))


def may_edit_calendar(person: Person, calendar: Calendar) -> bool:
    if person.is_admin:
        return True
    return calendar.owner_team_id is not None and calendar.owner_team_id in teams_led_by(person)


def may_request(person: Person, service: Service) -> bool:
    """Does `service` take requests from `person`? From everyone, or from the people and teams
    it lists, a listed team including every team nested in it."""
    return service.pk in requestable_among(person, [service])


def requestable_among(person: Person, services: Iterable[Service]) -> set[int]:
    """The ids of those of `services` that take requests from `person` (see may_request), in
    as many queries however many services are listed."""
    services = list(services)
    found = {service.pk for service in services if service.audience == Service.Audience.EVERYONE}
    listed = [service.pk for service in services if service.pk not in found]
    if not listed:
        return found
    found.update(
        Service.requester_people.through.objects.filter(
            service_id__in=listed, person_id=person.pk
        ).values_list("service_id", flat=True)
    )
    teams = set()
    team = person.team
    while team is not None:
        teams.add(team.pk)
        team = team.parent
    found.update(
        Service.requester_teams.through.objects.filter(
            service_id__in=listed, team_id__in=teams
        ).values_list("service_id", flat=True)
    )
    return found
