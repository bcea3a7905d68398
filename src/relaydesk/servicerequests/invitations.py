"""The calendar invitation to a face-time request's picked time, as the page and the API give
it: the same bytes from both, so a calendar that imports it twice keeps one event."""

from django.http import HttpResponse

from relaydesk.core.invitations import face_time_invitation
from relaydesk.servicerequests.models import Event, Request


def invitation_response(shown: Request, *, url: str | None) -> HttpResponse | None:
    """The .ics download of `shown` (as `request_for` loaded it); None until a time is picked."""
    picks = [event for event in shown.timeline if event.kind == Event.Kind.SLOT_PICKED]
    if shown.slot_start is None or not picks:
        return None
    host = shown.assignee or picks[-1].actor
    contacts = [(person.name, person.email) for person in (shown.requester, host)]
    invitation = face_time_invitation(
        # Stable for the request, so that a calendar updates the event when the time changes.
        uid=f"request-{shown.pk}@relaydesk",
        summary=f"{shown.service.name}: {shown.title}",
        description=shown.details,
        start=shown.slot_start,
        end=shown.slot_end,
        organizer=contacts[1],
        attendees=list(dict.fromkeys(contacts)),
        url=url,
        # Each new pick is a new version of the one event.
        sequence=len(picks) - 1,
        stamp=picks[-1].at,
    )
    response = HttpResponse(invitation, content_type="text/calendar; charset=utf-8; method=REQUEST")
    response["Content-Disposition"] = f'attachment; filename="request-{shown.pk}.ics"'
    return response
