"""Who sees and who may act on which request (SPEC §6), in one place.

Seeing: a member sees the requests they made; a provider those to the services they provide
(their team's queue, their personal services, what is assigned to them); a lead the queues of
their teams and of the teams nested in them; an admin everything. A confidential request (one
asked of a service that was confidential at the time) is seen only by its requester, its
assignee and the providing team's own lead.

The provider side (acting as the provider, reading internal notes) is whoever works the
request — its assignee, the providing person, the providing team's members and its lead — and,
as oversight, the leads of the departments above that team and the admins. Oversight is for
other people's requests: on a request of their own a department lead or an admin is the
requester, like anyone else, unless they really work on it.
"""

from django.db.models import Q

from relaydesk.core.lifecycle import Side
from relaydesk.directory.models import Person
from relaydesk.directory.selectors import teams_led_by, teams_led_directly
from relaydesk.servicerequests.models import Request


def visible_requests(person: Person) -> Q:
    """A filter for the requests `person` may see."""
    intimate = (
        Q(requester=person) | Q(assignee=person) | Q(provider_team__in=teams_led_directly(person))
    )
    if person.is_admin:
        return intimate | Q(confidential=False)
    provider_side = Q(provider_person=person) | Q(provider_team__in=teams_led_by(person))
    if person.team_id is not None:
        provider_side |= Q(provider_team_id=person.team_id)
    return intimate | (Q(confidential=False) & provider_side)


def sides_of(person: Person, request: Request) -> frozenset[Side]:
    """The sides of the request `person` stands on; empty when they may only look, or not."""
    sides = set()
    if request.requester_id == person.pk:
        sides.add(Side.REQUESTER)
    if _works_on(person, request) or (
        request.requester_id != person.pk and _oversees(person, request)
    ):
        sides.add(Side.PROVIDER)
    return frozenset(sides)


def may_see(person: Person, request: Request) -> bool:
    return Request.objects.filter(visible_requests(person), pk=request.pk).exists()


def may_steer(person: Person, request: Request) -> bool:
    """Leads (and admins) assign to others, move requests between teams, split them."""
    if request.provider_team_id in teams_led_directly(person):
        return True
    if request.requester_id == person.pk:
        return False
    return _oversees(person, request)


def _works_on(person: Person, request: Request) -> bool:
    if request.assignee_id == person.pk or request.provider_person_id == person.pk:
        return True
    if request.provider_team_id is None:
        return False
    if request.provider_team_id in teams_led_directly(person):
        return True
    return person.team_id == request.provider_team_id and not request.confidential


def _oversees(person: Person, request: Request) -> bool:
    """Admins, and the leads of the departments above the providing team, keep an eye on its
    requests, except confidential ones."""
    if request.confidential:
        return False
    return person.is_admin or request.provider_team_id in teams_led_by(person)
