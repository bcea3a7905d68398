"""Who may do what with the catalog: ask a service for something (those it takes requests
from), and change entries (admins everything, team leads their own teams' entries)."""

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
    if service.audience == Service.Audience.EVERYONE:
        return True
    if service.requester_people.filter(pk=person.pk).exists():
        return True
    if person.team_id is None:
        return False
    allowed = set(service.requester_teams.values_list("pk", flat=True))
    team = person.team
    while team is not None:
        if team.pk in allowed:
            return True
        team = team.parent
    return False
