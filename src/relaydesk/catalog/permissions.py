"""Who may change what in the catalog: admins everything, team leads their own teams' entries."""

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
