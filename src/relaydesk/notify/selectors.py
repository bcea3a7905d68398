"""Reads: a person's notifications, their channel choices, the webhooks they look after."""

from collections.abc import Iterable

from django.db.models import QuerySet

from relaydesk.directory.models import Person, Team
from relaydesk.directory.selectors import teams_led_by
from relaydesk.notify.models import Channel, Kind, Notification, Preference, Webhook
from relaydesk.pagination import Page, keyset_page

PAGE_SIZE = 25
NEWEST_FIRST = ("-created_at", "-id")
# The bell counts no further: "99+" says enough, and the count stays one short query.
UNREAD_SHOWN = 99


def notifications_for(
    *, person: Person, cursor: str | None = None, size: int = PAGE_SIZE, unread: bool = False
) -> Page:
    """A person's notifications, newest first."""
    notifications = Notification.objects.filter(recipient=person)
    if unread:
        notifications = notifications.filter(read_at__isnull=True)
    return keyset_page(notifications, order=NEWEST_FIRST, cursor=cursor, size=size)


def unread_count(*, person: Person) -> int:
    """Unread notifications, counted up to UNREAD_SHOWN + 1."""
    unread = Notification.objects.filter(recipient=person, read_at__isnull=True)
    return unread[: UNREAD_SHOWN + 1].count()


def default_enabled(kind: str, channel: str) -> bool:
    """Every kind is on in the app and by email until a person turns it off (SPEC §3.7)."""
    return True


def enabled_channels(*, people: Iterable[int], kind: str) -> dict[int, set[str]]:
    """For each person, the channels they take `kind` on."""
    ids = list(people)
    chosen = {person_id: {c for c in Channel if default_enabled(kind, c)} for person_id in ids}
    changed = Preference.objects.filter(person_id__in=ids, kind=kind)
    for person_id, channel, enabled in changed.values_list("person_id", "channel", "enabled"):
        (chosen[person_id].add if enabled else chosen[person_id].discard)(channel)
    return chosen


def preference_grid(*, person: Person) -> dict[str, dict[str, bool]]:
    """Kind → channel → on or off, as the settings page shows it."""
    grid = {kind: {channel: default_enabled(kind, channel) for channel in Channel} for kind in Kind}
    for kind, channel, enabled in Preference.objects.filter(person=person).values_list(
        "kind", "channel", "enabled"
    ):
        if kind in grid and channel in grid[kind]:
            grid[kind][channel] = enabled
    return grid


def webhook_teams_for(*, person: Person) -> QuerySet[Team]:
    """The teams whose webhooks `person` looks after: those they lead; every team for admins."""
    if person.is_admin:
        return Team.objects.all()
    return Team.objects.filter(pk__in=teams_led_by(person))


def may_manage_webhooks(*, person: Person, team: Team | None) -> bool:
    """A team lead looks after their teams' webhooks, an admin every one and the
    organisation's (those without a team)."""
    if person.is_admin:
        return True
    return team is not None and team.pk in teams_led_by(person)


def webhooks_managed_by(*, person: Person) -> QuerySet[Webhook]:
    webhooks = Webhook.objects.select_related("team")
    if person.is_admin:
        return webhooks
    return webhooks.filter(team_id__in=teams_led_by(person))


def webhooks_listening(*, kind: str, team_id: int | None) -> list[Webhook]:
    """The active webhooks that take `kind` about a request held by `team_id`: the team's own
    and the organisation's."""
    scopes = Webhook.objects.filter(team__isnull=True)
    if team_id is not None:
        scopes = scopes | Webhook.objects.filter(team_id=team_id)
    # Kinds are few and webhooks fewer: filtering the list here works the same on every database.
    return [webhook for webhook in scopes.filter(active=True) if kind in webhook.kinds]
