"""The iCalendar invitation both sides get when a face-time slot is picked (SPEC §3.2).

iTIP (RFC 5546) messages as bytes ready to attach to an email as text/calendar. Every input,
the stamp included, is passed in, so the same request always produces the same bytes.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress

PRODID = "-//Relaydesk//Relaydesk//EN"

Contact = tuple[str, str]  # (display name, email address)


def face_time_invitation(
    *,
    uid: str,
    summary: str,
    description: str,
    start: datetime,
    end: datetime,
    organizer: Contact,
    attendees: Sequence[Contact],
    url: str | None = None,
    sequence: int = 0,
    stamp: datetime,
) -> bytes:
    """A METHOD:REQUEST calendar with one confirmed event, times in UTC.

    Send a changed slot with the same uid and a higher sequence, so calendars update the
    event they already hold instead of adding a second one.
    """
    return _message(
        method="REQUEST",
        status="CONFIRMED",
        uid=uid,
        summary=summary,
        description=description,
        start=start,
        end=end,
        organizer=organizer,
        attendees=attendees,
        url=url,
        sequence=sequence,
        stamp=stamp,
    )


def cancellation(
    *,
    uid: str,
    summary: str,
    description: str,
    start: datetime,
    end: datetime,
    organizer: Contact,
    attendees: Sequence[Contact],
    url: str | None = None,
    invitation_sequence: int,
    stamp: datetime,
) -> bytes:
    """A METHOD:CANCEL calendar withdrawing the invitation sent with invitation_sequence."""
    # Calendars ignore a message whose SEQUENCE is not above the one they hold.
    return _message(
        method="CANCEL",
        status="CANCELLED",
        uid=uid,
        summary=summary,
        description=description,
        start=start,
        end=end,
        organizer=organizer,
        attendees=attendees,
        url=url,
        sequence=invitation_sequence + 1,
        stamp=stamp,
    )


def _message(
    *,
    method: str,
    status: str,
    uid: str,
    summary: str,
    description: str,
    start: datetime,
    end: datetime,
    organizer: Contact,
    attendees: Sequence[Contact],
    url: str | None,
    sequence: int,
    stamp: datetime,
) -> bytes:
    start, end, stamp = _utc(start, "start"), _utc(end, "end"), _utc(stamp, "stamp")
    if end <= start:
        raise ValueError(f"end ({end.isoformat()}) must be after start ({start.isoformat()})")
    if not uid.strip():
        raise ValueError("uid must not be empty: calendars match updates to events by it")
    if sequence < 0:
        raise ValueError(f"sequence cannot be negative, got {sequence}")
    if not attendees:
        raise ValueError("an invitation needs at least one attendee")

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("sequence", sequence)
    event.add("status", status)
    event.add("summary", summary)
    event.add("description", description)
    if url:
        event.add("url", url)
    event.add("organizer", _address(organizer))
    for attendee in attendees:
        event.add("attendee", _attendee(attendee, awaiting_reply=method == "REQUEST"))

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(event)
    return calendar.to_ical()


def _utc(moment: datetime, argument: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{argument} must be timezone-aware, got naive {moment.isoformat()}")
    # iCalendar times have whole seconds; dropping the rest here keeps the end > start check
    # true of what is actually written.
    return moment.astimezone(UTC).replace(microsecond=0)


def _address(contact: Contact) -> vCalAddress:
    name, email = contact
    if not email or any(char in email for char in ':;,"<> \r\n'):
        raise ValueError(f"not a plain email address: {email!r}")
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = name
        # icalendar's reader takes a backslash before the next ";" or ":" as an escape, so a
        # name ending in one would swallow the following parameter unless it is quoted.
        address.params.quote_also = {**address.params.quote_also, "CN": " '\\"}
    return address


def _attendee(contact: Contact, *, awaiting_reply: bool) -> vCalAddress:
    address = _address(contact)
    address.params["ROLE"] = "REQ-PARTICIPANT"
    # A cancellation asks for no answer, so it carries no participation status or RSVP.
    if awaiting_reply:
        address.params["PARTSTAT"] = "NEEDS-ACTION"
        address.params["RSVP"] = "TRUE"
    return address
