"""How the request pages word business time, statuses, the timeline and who may ask."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from relaydesk.catalog.models import Service
from relaydesk.catalog.permissions import may_request
from relaydesk.core.durations import format_minutes, working_time_text
from relaydesk.directory.models import Person
from relaydesk.forms import local_time
from relaydesk.servicerequests.models import Event, Request, Status
from relaydesk.servicerequests.presenters import timeliness_of

register = template.Library()


@register.filter
def business_time(seconds: int | None, rounding: str = "down") -> str:
    """'2 h 15 min' from business seconds, in hours however many (figures that span several
    calendars); "up" for time left, so a running clock never claims none is left while some is."""
    if seconds is None:
        return ""
    return working_time_text(seconds, 0, round_up=rounding == "up")


@register.filter
def working_time(seconds: int | None, working_day: int) -> str:
    """Business seconds in the working days (`working_day` seconds each) and hours of a
    service's calendar: '2 h 15 min', '4 working days'."""
    if seconds is None:
        return ""
    return working_time_text(seconds, working_day)


@register.filter
def wall_time(seconds: int | None) -> str:
    """'2 d 3 h', '5 h 20 min', '40 min': a span of plain (not business) time."""
    if seconds is None:
        return ""
    minutes = abs(int(seconds)) // 60
    days, rest = divmod(minutes, 24 * 60)
    if days:
        hours = rest // 60
        return f"{days} d {hours} h" if hours else f"{days} d"
    return format_minutes(rest) if rest else "under a minute"


@register.filter
def status_label(value: str) -> str:
    try:
        return Status(value).label
    except ValueError:
        return value


@register.simple_tag
def status_tag(row: Request, viewer: Person) -> SafeString:
    """A request's status as a tag, said to the viewer: "Waiting on you" to its requester."""
    label = row.get_status_display()
    if row.status == Status.WAITING_ON_REQUESTER and row.requester_id == viewer.pk:
        label = "Waiting on you"
    return format_html('<span class="tag status-{}">{}</span>', row.status, label)


@register.simple_tag
def timeliness_tag(row: Request) -> SafeString:
    """The one mark every list puts beside a request: late, at risk, or how it was done."""
    shown = timeliness_of(row, timezone.now())
    if not shown:
        return mark_safe("")
    return format_html('<span class="tag timeliness-{}">{}</span>', shown.value, shown.label)


@register.filter
def requestable_by(service: Service, person: Person) -> bool:
    """Does `service` take requests from `person`?"""
    return may_request(person, service)


@register.simple_tag
def team_options(teams: Iterable[tuple[int, str]], chosen: object) -> SafeString:
    """<option>s for hundreds of teams, cheaply: no template or format_html() for each one."""
    chosen = str(chosen or "")
    options = (
        f'<option value="{pk}"{" selected" if str(pk) == chosen else ""}>{escape(name)}</option>'
        for pk, name in teams
    )
    return mark_safe("".join(options))  # each pk is a number and each name escaped


# -- the timeline -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One event as a line of the timeline: who did what, when, and what they wrote."""

    kind: str
    who: str
    what: SafeString
    at: datetime  # in the viewer's timezone
    body: str = ""

    @property
    def when(self) -> str:
        """'Mon 23 Nov, 09:06', as the page's `date:"D j M, H:i"` would say it, only faster."""
        return f"{self.at:%a} {self.at.day} {self.at:%b, %H:%M}"


@register.simple_tag
def timeline(shown: Request) -> list[Entry]:
    # Worded in Python rather than in a template: a long timeline is the page's hot loop.
    others = {other.pk: other for other in (*shown.children, *shown.unblocking, *shown.blockers)}
    working_day = shown.service.calendar.engine().working_day
    return [
        Entry(
            kind=event.kind,
            who=event.actor.name if event.actor else "Relaydesk",
            what=_what(event, shown, others, working_day),
            at=timezone.localtime(event.at),
            body=_body(event),
        )
        for event in shown.timeline
    ]


_CLOCKS = {"response": "first-answer", "resolution": "resolution"}


def _what(event: Event, shown: Request, others: dict[int, Request], working_day: int) -> SafeString:
    data, kind = event.data, event.kind
    if kind == Event.Kind.CREATED:
        priority = data.get("priority")
        return format_html(
            "asked {}{}", shown.service.name, f" ({priority} priority)" if priority else ""
        )
    if kind == Event.Kind.STATUS:
        return format_html("{}", _moved(data.get("from", ""), data.get("to", "")))
    if kind == Event.Kind.ASSIGNED:
        if data.get("to_name") and event.actor_id == data.get("to"):
            what = mark_safe("took it")
        elif data.get("to_name"):
            what = format_html("gave it to {}", data["to_name"])
        else:
            what = mark_safe("put it back in the queue")
        why = data.get("why")
        return format_html("{} <small>({})</small>", what, why) if why else what
    if kind == Event.Kind.COMMENT:
        return mark_safe("wrote")
    if kind == Event.Kind.NOTE:
        return mark_safe(
            'wrote an internal note <span class="tag">only the provider side sees this</span>'
        )
    if kind == Event.Kind.PAUSED:
        return mark_safe("paused the resolution clock: waiting on the requester")
    if kind == Event.Kind.RESUMED:
        return format_html(
            "started the resolution clock again <small>(paused for {} of business time)</small>",
            working_time(data.get("paused_business_seconds"), working_day),
        )
    if kind == Event.Kind.RESPONDED:
        return format_html(
            "gave the first answer after {} (business time), {}",
            working_time(data.get("business_seconds"), working_day),
            "within the promise" if data.get("within_promise") else "later than promised",
        )
    if kind == Event.Kind.WARNING:
        return format_html(
            "— warning: the {} promise falls due {}",
            _CLOCKS.get(data.get("clock"), ""),
            _local(data.get("due_at"), "D j M, H:i"),
        )
    if kind == Event.Kind.BREACH:
        return format_html(
            "— the {} promise was broken{}{}",
            _CLOCKS.get(data.get("clock"), ""),
            f"; most of the time was used by {data['attributed_to']}"
            if data.get("attributed_to")
            else "",
            "; the team's lead was told" if data.get("escalated_to") else "",
        )
    if kind == Event.Kind.TRANSFERRED:
        return format_html("moved it from {} to {}", data.get("from_holder"), data.get("to_name"))
    if kind == Event.Kind.SUBREQUEST:
        return format_html(
            "split off {} to {}",
            _other(data.get("child"), others),
            data.get("service") or "another team",
        )
    if kind == Event.Kind.LINKED and "unblocks" in data:
        return format_html("said this unblocks {}", _other(data["unblocks"], others))
    if kind == Event.Kind.LINKED:
        return format_html(
            "linked {}, which must be done first", _other(data.get("blocked_by"), others)
        )
    if kind == Event.Kind.DECIDED:
        return format_html("{} it", data.get("decision"))
    if kind == Event.Kind.SLOT_PICKED:
        return format_html(
            "picked the time {} to {}",
            _local(data.get("start"), "D j M Y, H:i"),
            _local(data.get("end"), "H:i"),
        )
    if kind == Event.Kind.RETIMED:
        return mark_safe("— the due times moved after a change to the calendar or the promise")
    if kind == Event.Kind.EARLY:
        return format_html("— done {} before it was needed", wall_time(data.get("slack_seconds")))
    return format_html("{}", event.get_kind_display().lower())


def _other(pk: int | None, others: dict[int, Request]) -> SafeString:
    """Another request named on the timeline: with its title where the viewer may see it."""
    other = others.get(pk)
    if other is None:
        return mark_safe("a request you cannot see")
    return format_html('<a href="{}">#{} {}</a>', other.get_absolute_url(), other.pk, other.title)


def _moved(before: str, after: str) -> str:
    if after == Status.WAITING_ON_REQUESTER:
        return "asked the requester"
    if after == Status.IN_PROGRESS and before == Status.WAITING_ON_REQUESTER:
        return "moved it back to in progress"
    if after == Status.IN_PROGRESS and before in (Status.DONE, Status.CANCELLED):
        return "reopened it"
    return f"moved it from {status_label(before).lower()} to {status_label(after).lower()}"


def _body(event: Event) -> str:
    """What someone wrote with the event: a message, a question, a reason."""
    key = {
        Event.Kind.COMMENT: "body",
        Event.Kind.NOTE: "body",
        Event.Kind.STATUS: "message",
        Event.Kind.DECIDED: "reason",
        Event.Kind.TRANSFERRED: "message",
    }.get(event.kind)
    return (event.data.get(key) or "") if key else ""


@register.filter
def local_date(value: datetime | None, pattern: str) -> str:
    """Django's `date`, for a stored time that may lie at the very end of the calendar."""
    return "" if value is None else dateformat.format(local_time(value), pattern)


def _local(value: str | None, pattern: str) -> str:
    """An ISO 8601 instant kept in an event's data, in the viewer's timezone."""
    try:
        return local_date(datetime.fromisoformat(value), pattern)
    except (TypeError, ValueError):
        return ""
