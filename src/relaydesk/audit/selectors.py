"""Reading the audit log: newest first, a page at a time, narrowed by who, what and when."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from relaydesk.audit.models import Entry
from relaydesk.pagination import Page, keyset_page

PAGE_SIZE = 50
NEWEST_FIRST = ("-at", "-id")


@dataclass(frozen=True)
class Filters:
    actor_id: int | None = None
    action: str | None = None
    since: date | None = None  # from the start of this day
    until: date | None = None  # to the end of this day
    timezone: str = "UTC"  # of the person reading: whose days `since` and `until` are


def entries(*, filters: Filters, cursor: str | None = None, size: int = PAGE_SIZE) -> Page:
    shown = Entry.objects.select_related("actor")
    if filters.actor_id is not None:
        shown = shown.filter(actor_id=filters.actor_id)
    if filters.action:
        shown = shown.filter(action=filters.action)
    if filters.since is not None:
        shown = shown.filter(at__gte=_start_of(filters.since, filters.timezone))
    if filters.until is not None:
        shown = shown.filter(at__lt=_start_of(filters.until + timedelta(days=1), filters.timezone))
    return keyset_page(shown, order=NEWEST_FIRST, cursor=cursor, size=size)


def _start_of(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo(zone))
