"""What a request event tells, and whom (SPEC §3.7).

Recipients are worked out when the worker handles the event, from the request as it is then:
a request someone took meanwhile is no longer news to the whole queue. Nobody is told of their
own action, nobody inactive is told anything, and nobody is told of a request they may not see.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from relaydesk.directory.models import Person
from relaydesk.feedback.links import rating_link
from relaydesk.notify.models import Kind
from relaydesk.servicerequests import permissions
from relaydesk.servicerequests.models import Request, Status

# How much of a comment or of the details a notification quotes; the request has the rest.
QUOTE_LENGTH = 1000

CLOCK_NAMES = {"response": "first response", "resolution": "resolution"}


@dataclass(frozen=True)
class Notice:
    """One thing to tell about a request: to people, and to the webhooks that listen."""

    kind: Kind
    request: Request
    title: str
    body: str
    recipients: tuple[Person, ...]

    @property
    def url(self) -> str:
        return self.request.get_absolute_url()


def request_notice(payload: Mapping[str, Any]) -> Notice | None:
    """The notice a `request.<kind>` event gives, or None when it is nobody's news."""
    request = (
        Request.objects.select_related(
            "service", "requester", "assignee", "provider_person", "provider_team__lead"
        )
        .filter(pk=payload["request_id"])
        .first()
    )
    if request is None:
        return None
    actor = Person.objects.filter(pk=payload.get("actor_id")).first()
    told = _TELLERS.get(payload["kind"])
    said = told(request, actor, payload.get("data") or {}) if told else None
    if said is None:
        return None
    kind, what, body, recipients = said
    return Notice(
        kind=kind,
        request=request,
        title=f"{request}: {what}",
        body=body[:QUOTE_LENGTH],
        recipients=tuple(_allowed(request, actor, recipients)),
    )


Said = tuple[Kind, str, str, Iterable[Person | None]] | None


def _created(request: Request, actor: Person | None, data: dict) -> Said:
    if request.assignee_id is not None or not request.is_open:
        return None  # routed to someone at once: they hear "assigned to you" instead
    where = request.provider_team.name + "'s queue" if request.provider_team else "your queue"
    body = f"From {request.requester.name}.\n\n{request.details}".strip()
    return Kind.NEW_IN_QUEUE, f"new in {where}", body, _queue(request)


def _transferred(request: Request, actor: Person | None, data: dict) -> Said:
    if request.provider_team_id != data.get("to_team"):
        return None  # moved on again since
    said = _created(request, actor, data)
    if said is None:
        return None
    kind, what, _, recipients = said
    return kind, what, data.get("message") or f"Handed on by {_name(actor)}.", recipients


def _assigned(request: Request, actor: Person | None, data: dict) -> Said:
    person = Person.objects.filter(pk=data.get("to")).first()
    if person is None or request.assignee_id != person.pk:
        return None  # put back in the queue, or given to someone else since
    by = f" by {actor.name}" if actor else f" ({data['why']})" if data.get("why") else ""
    return Kind.ASSIGNED, f"assigned to {person.name}{by}", request.details, [person]


def _comment(request: Request, actor: Person | None, data: dict) -> Said:
    body = data.get("body", "")
    if actor is not None and actor.pk == request.requester_id:
        return Kind.REPLY, f"{actor.name} replied", body, _holders(request)
    return Kind.REPLY, f"{_name(actor)} replied", body, [request.requester]


def _status(request: Request, actor: Person | None, data: dict) -> Said:
    to = data.get("to")
    if to == Status.WAITING_ON_REQUESTER:
        # A question to the requester is a reply: the clock waits for their answer.
        what = f"{_name(actor)} asked a question"
        return Kind.REPLY, what, data.get("message", ""), [request.requester]
    if to == Status.DONE:
        what = request.get_decision_display().lower() if request.decision else "done"
        body = data.get("message", "")
        rating = rating_url(request)
        if rating:
            body = f"{body}\n\nHow was it? Rate it: {rating}".strip()
        return Kind.DONE, what, body, [request.requester]
    return None


def rating_url(request: Request) -> str | None:
    """Where the requester rates a finished request (SPEC §3.5): a signed link, good for a week
    and used once, that works without signing in."""
    return rating_link(request.pk)


def _warning(request: Request, actor: Person | None, data: dict) -> Said:
    clock = CLOCK_NAMES.get(data.get("clock"), "promise")
    body = f"The {clock} promised for this request falls due soon."
    return Kind.WARNING, f"{clock} due soon", body, _holders(request)


def _breach(request: Request, actor: Person | None, data: dict) -> Said:
    clock = CLOCK_NAMES.get(data.get("clock"), "promise")
    body = f"The {clock} promised for this request was missed."
    escalated = Person.objects.filter(pk=data.get("escalated_to")).first()
    if escalated is not None:
        body += f" It is escalated to {escalated.name}."
    return Kind.BREACH, f"{clock} promise missed", body, [*_holders(request), escalated]


_TELLERS = {
    "created": _created,
    "transferred": _transferred,
    "assigned": _assigned,
    "comment": _comment,
    "status": _status,
    "warning": _warning,
    "breach": _breach,
}

# The request events notify subscribes to. Internal notes are not among them: they never reach
# the requester, and the provider side reads them on the request.
REQUEST_EVENT_KINDS = tuple(_TELLERS)


def _name(person: Person | None) -> str:
    return person.name if person else "Relaydesk"


def _holders(request: Request) -> list[Person]:
    """Who holds the request: its assignee, else the providing person, else the team's lead."""
    if request.assignee is not None:
        return [request.assignee]
    if request.provider_person is not None:
        return [request.provider_person]
    lead = request.provider_team.lead if request.provider_team else None
    return [lead] if lead else []


def _queue(request: Request) -> list[Person]:
    """Who works the queue a new request waits in. A confidential request is for the team's
    lead only: its members may not see it."""
    if request.provider_person is not None:
        return [request.provider_person]
    team = request.provider_team
    if team is None:
        return []
    lead = [team.lead] if team.lead else []
    if request.confidential:
        return lead
    return [*team.members.filter(is_active=True), *lead]


def _allowed(
    request: Request, actor: Person | None, people: Iterable[Person | None]
) -> list[Person]:
    chosen: dict[int, Person] = {}
    for person in people:
        if person is None or not person.is_active or person.pk in chosen:
            continue
        if actor is not None and person.pk == actor.pk:
            continue
        if permissions.may_see(person, request):
            chosen[person.pk] = person
    return list(chosen.values())
