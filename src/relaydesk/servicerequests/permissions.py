"""Who sees and who may act on which request (SPEC §6), in one place.

A member sees the requests they made; a provider those to the services they provide (their
team's queue, their personal services, what is assigned to them); a lead their teams'
queues; an admin everything — except confidential requests, which only the requester, the
assignee and the providing team's lead may see.
"""

from django.db.models import Q

from relaydesk.core.lifecycle import Side
from relaydesk.directory.models import Person
from relaydesk.directory.selectors import teams_led_by
from relaydesk.servicerequests.models import Request


def visible_requests(person: Person) -> Q:
    """A filter for the requests `person` may see."""
    led = teams_led_by(person)
    intimate = Q(requester=person) | Q(assignee=person) | Q(provider_team__in=led)
    if person.is_admin:
        return Q(service__confidential=False) | intimate
    provider_side = Q(provider_person=person)
    if person.team_id is not None:
        provider_side |= Q(provider_team_id=person.team_id)
    return intimate | (Q(service__confidential=False) & provider_side)


def sides_of(person: Person, request: Request) -> frozenset[Side]:
    """The sides of the request `person` stands on; empty when they may only look, or not."""
    sides = set()
    if request.requester_id == person.pk:
        sides.add(Side.REQUESTER)
    if _provides(person, request):
        sides.add(Side.PROVIDER)
    return frozenset(sides)


def may_see(person: Person, request: Request) -> bool:
    return Request.objects.filter(visible_requests(person), pk=request.pk).exists()


def may_steer(person: Person, request: Request) -> bool:
    """Leads (and admins) assign to others, move requests between teams, split them."""
    if request.service.confidential and request.provider_team_id not in teams_led_by(person):
        return False
    return person.is_admin or request.provider_team_id in teams_led_by(person)


def _provides(person: Person, request: Request) -> bool:
    if request.assignee_id == person.pk or request.provider_person_id == person.pk:
        return True
    if request.provider_team_id is None:
        return person.is_admin and not request.service.confidential
    if request.provider_team_id in teams_led_by(person):
        return True
    if request.service.confidential:
        return False
    return person.team_id == request.provider_team_id or person.is_admin
