"""Writes: telling people (in the app now, by email and webhook through the outbox), their
choices of channel, unsubscribing, the webhooks, and the weekly digest.

Every delivery to the outside world is its own outbox event, keyed by channel, target and
source event (`deliver:email:person-7:request:42:3`): the outbox writes a key once, so an event
handled twice cannot send twice, and the worker retries each delivery on its own.
"""

import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, time
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.validators import URLValidator, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from relaydesk.audit.models import Action
from relaydesk.audit.record import fields_of, record
from relaydesk.directory.models import Person, Team
from relaydesk.errors import InvalidInput
from relaydesk.events.outbox import Published, publish_many
from relaydesk.notify import channels, rules, selectors
from relaydesk.notify.models import (
    REQUEST_KINDS,
    Channel,
    Kind,
    Notification,
    Preference,
    Webhook,
)
from relaydesk.servicerequests.models import OPEN_STATUSES, Request

EMAIL_EVENT = "notify.email"
WEBHOOK_EVENT = "notify.webhook"
DIGEST_EVENT = "notify.digest"
UNSUBSCRIBE_SALT = "relaydesk.notify.unsubscribe"
# The digest goes out on Monday from this hour, in each person's own timezone; the hourly job
# keeps trying until noon, so a worker that was down at 07:00 still sends it that morning.
DIGEST_FROM, DIGEST_UNTIL = time(7), time(12)
DIGEST_LINES = 10


def delivery_key(channel: str, target: str, source_key: str) -> str:
    return f"deliver:{channel}:{target}:{source_key}"


# -- telling --------------------------------------------------------------------------------


def request_event_notify(*, payload: Mapping[str, Any], source_key: str) -> int:
    """Tell whoever a request event concerns, and the webhooks that listen. Returns how many
    people were told."""
    notice = rules.request_notice(payload)
    if notice is None:
        return 0
    at = payload.get("at") or timezone.now().isoformat()
    # No webhook carries a confidential request: who reads a team's channel is not known.
    if not notice.request.confidential:
        webhooks = selectors.webhooks_listening(
            kind=notice.kind, team_id=notice.request.provider_team_id
        )
        publish_many(
            Published(
                WEBHOOK_EVENT,
                {"webhook_id": webhook.pk, "document": channels.webhook_document(notice, at)},
                key=delivery_key("webhook", f"webhook-{webhook.pk}", source_key),
            )
            for webhook in webhooks
        )
    return notify_people(
        people=notice.recipients,
        kind=notice.kind,
        title=notice.title,
        body=notice.body,
        url=notice.url,
        source_key=source_key,
    )


def personal_notify(*, payload: Mapping[str, Any], kind: str, source_key: str) -> int:
    """Tell people of something addressed to them alone (kudos, a survey invitation): the
    event says whom (`to`), what and where; nothing else is looked up."""
    return notify_people(
        people=list(Person.objects.filter(pk__in=payload["to"], is_active=True)),
        kind=kind,
        title=payload["title"],
        body=payload["body"],
        url=payload["url"],
        source_key=source_key,
    )


def notify_people(
    *, people: Sequence[Person], kind: str, title: str, body: str, url: str, source_key: str
) -> int:
    """In the app at once, by email through the outbox, each as the person chose. A second
    call for the same source event writes nothing twice."""
    chosen = selectors.enabled_channels(people=[person.pk for person in people], kind=kind)
    said = {"kind": kind, "title": title, "body": body, "url": url, "source_key": source_key}
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=person, kind=kind, title=title, body=body, url=url, source_key=source_key
            )
            for person in people
            if Channel.IN_APP in chosen[person.pk]
        ],
        ignore_conflicts=True,
    )
    publish_many(
        Published(
            EMAIL_EVENT,
            {"recipient_id": person.pk, **said},
            key=delivery_key("email", f"person-{person.pk}", source_key),
        )
        for person in people
        if Channel.EMAIL in chosen[person.pk]
    )
    return len(people)


def email_deliver(*, payload: Mapping[str, Any], delivery_id: str) -> bool:
    """Send one notification email, unless its person left or turned that kind's email off
    since. Runs outside any transaction; raises when the mail server refuses."""
    person = Person.objects.filter(pk=payload["recipient_id"], is_active=True).first()
    if person is None:
        return False
    kind = payload["kind"]
    if Channel.EMAIL not in selectors.enabled_channels(people=[person.pk], kind=kind)[person.pk]:
        return False
    channels.email_send(
        person=person,
        kind=kind,
        title=payload["title"],
        body=payload["body"],
        url=payload["url"],
        delivery_id=delivery_id,
        unsubscribe_token=unsubscribe_token(person=person, kind=kind),
    )
    return True


def webhook_deliver(*, payload: Mapping[str, Any], delivery_id: str) -> bool:
    """POST one event to one webhook, unless it was switched off or removed since."""
    webhook = Webhook.objects.filter(pk=payload["webhook_id"], active=True).first()
    if webhook is None:
        return False
    channels.webhook_post(webhook=webhook, document=payload["document"], delivery_id=delivery_id)
    return True


# -- reading ----------------------------------------------------------------------------------


def notification_mark_read(*, person: Person, notification_id: int) -> Notification:
    notification = Notification.objects.get(pk=notification_id, recipient=person)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, person: Person) -> int:
    unread = Notification.objects.filter(recipient=person, read_at__isnull=True)
    return unread.update(read_at=timezone.now())


# -- choosing ---------------------------------------------------------------------------------


def preferences_save(*, person: Person, enabled: Iterable[tuple[str, str]]) -> None:
    """Keep the whole grid of a person's choices: `enabled` lists the (kind, channel) pairs
    that are on; only those that differ from the defaults are stored."""
    on = set(enabled)
    rows = [
        Preference(person=person, kind=kind, channel=channel, enabled=(kind, channel) in on)
        for kind in Kind
        for channel in Channel
        if ((kind, channel) in on) != selectors.default_enabled(kind, channel)
    ]
    with transaction.atomic():
        Preference.objects.filter(person=person).delete()
        Preference.objects.bulk_create(rows)


def unsubscribe_token(*, person: Person, kind: str) -> str:
    return signing.dumps([person.pk, kind], salt=UNSUBSCRIBE_SALT, compress=True)


def email_unsubscribe(*, token: str, apply: bool) -> tuple[Person, Kind]:
    """Whose email of which kind a signed link stands for; with `apply`, turn it off.
    A link that was not signed here raises signing.BadSignature."""
    person_id, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    person, kind = Person.objects.get(pk=person_id), Kind(kind)
    if apply:
        Preference.objects.update_or_create(
            person=person, kind=kind, channel=Channel.EMAIL, defaults={"enabled": False}
        )
    return person, kind


# -- webhooks ---------------------------------------------------------------------------------


def webhook_create(
    *,
    actor: Person,
    name: str,
    url: str,
    team: Team | None,
    kinds: Sequence[str],
    format: str = Webhook.Format.JSON,
) -> Webhook:
    """A webhook for a team's requests (its lead, or an admin) or the organisation's (admins)."""
    if not selectors.may_manage_webhooks(person=actor, team=team):
        raise PermissionDenied(
            "only a team's lead sets up its webhooks, and only admins the organisation's"
        )
    name, url = name.strip(), url.strip()
    errors = _webhook_errors(name, url, kinds, format)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        webhook = Webhook.objects.create(
            name=name,
            url=url,
            team=team,
            kinds=list(dict.fromkeys(kinds)),
            format=format,
            created_by=actor,
        )
        # The log says that a secret now signs what is sent, never what it is.
        after = fields_of(webhook, _AUDITED_WEBHOOK_FIELDS) | {"secret_set": True}
        record(actor, Action.WEBHOOK_CREATED, webhook, {}, after)
    return webhook


# Where a webhook sends what, and whether it sends at all: what the audit log keeps of one.
_AUDITED_WEBHOOK_FIELDS = ("name", "url", "team", "kinds", "format", "active")


def _webhook_errors(name: str, url: str, kinds: Sequence[str], format: str) -> dict:
    errors: dict[str, list[str]] = {}
    if not name or "\x00" in name or len(name) > 100:
        errors["name"] = ["give it a name of up to 100 characters"]
    try:
        if "\x00" in url or len(url) > 500:
            raise ValidationError("too long")
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errors["url"] = ["an http:// or https:// address of up to 500 characters"]
    else:
        refused = channels.forbidden_target(url, resolve=False)
        if refused:
            errors["url"] = [refused]
    unknown = [kind for kind in kinds if kind not in REQUEST_KINDS]
    if not kinds or unknown:
        errors["kinds"] = [f"choose from {', '.join(REQUEST_KINDS)}"]
    if format not in Webhook.Format.values:
        errors["format"] = [f"one of {', '.join(Webhook.Format.values)}"]
    return errors


def webhook_set_active(*, actor: Person, webhook_id: int, active: bool) -> Webhook:
    with transaction.atomic():
        webhook = _managed_webhook(actor, webhook_id)
        record(
            actor, Action.WEBHOOK_CHANGED, webhook, {"active": webhook.active}, {"active": active}
        )
        webhook.active = active
        webhook.save(update_fields=["active"])
    return webhook


def webhook_delete(*, actor: Person, webhook_id: int) -> None:
    with transaction.atomic():
        webhook = _managed_webhook(actor, webhook_id)
        before = fields_of(webhook, _AUDITED_WEBHOOK_FIELDS)
        record(actor, Action.WEBHOOK_DELETED, webhook, before, {})
        webhook.delete()


def _managed_webhook(actor: Person, webhook_id: int) -> Webhook:
    # Not one of yours is the same as not there: a 404, not a hint that it exists.
    return selectors.webhooks_managed_by(person=actor).get(pk=webhook_id)


# -- the weekly digest ------------------------------------------------------------------------


def digest_publish_due(*, now: datetime | None = None) -> int:
    """Publish the weekly digest of everyone for whom it is Monday morning now; one per person
    and ISO week, however often this runs. Returns how many were published."""
    now = now or timezone.now()
    people = Person.objects.filter(is_active=True)
    # Those who turned the digest off on every channel get none.
    off = (
        Preference.objects.filter(kind=Kind.DIGEST, enabled=False)
        .values("person_id")
        .annotate(n=Count("channel"))
        .filter(n=len(Channel))
        .values("person_id")
    )
    due = []
    for zone in people.values_list("timezone", flat=True).distinct():
        local = now.astimezone(zoneinfo.ZoneInfo(zone))
        if local.weekday() != 0 or not DIGEST_FROM <= local.time() < DIGEST_UNTIL:
            continue
        year, week, _ = local.isocalendar()
        for person_id in (
            people.filter(timezone=zone).exclude(pk__in=off).values_list("pk", flat=True)
        ):
            key = f"digest:{person_id}:{year}-W{week:02d}"
            due.append(Published(DIGEST_EVENT, {"person_id": person_id}, key=key))
    return publish_many(due)


def digest_notify(*, person_id: int, source_key: str, now: datetime | None = None) -> int:
    """Tell a person what they owe (open requests they hold, late first) and what they wait on
    (their own open requests). Nothing to say, no digest."""
    person = Person.objects.filter(pk=person_id, is_active=True).first()
    if person is None:
        return 0
    now = now or timezone.now()
    open_requests = Request.objects.filter(status__in=OPEN_STATUSES)
    owed = open_requests.filter(assignee=person).order_by("queue_due_at", "id")
    waiting = open_requests.filter(requester=person).exclude(assignee=person)
    waiting = waiting.order_by("created_at", "id")
    owed_count, waiting_count = owed.count(), waiting.count()
    if not owed_count and not waiting_count:
        return 0
    sections = [
        _digest_section("You hold", owed, owed_count, now),
        _digest_section("You wait on", waiting, waiting_count, now),
    ]
    title = f"Your week: you hold {owed_count} open, you wait on {waiting_count}"
    return notify_people(
        people=[person],
        kind=Kind.DIGEST,
        title=title,
        body="\n\n".join(section for section in sections if section),
        url="/queue/" if owed_count else "/requests/mine/",
        source_key=source_key,
    )


def _digest_section(heading: str, requests, count: int, now: datetime) -> str:
    if not count:
        return ""
    lines = [f"{heading} {count} open request{'s' if count != 1 else ''}:"]
    for request in requests[:DIGEST_LINES]:
        late = request.queue_due_at < now
        lines.append(f"- {request}{' (late)' if late else ''}")
    if count > DIGEST_LINES:
        lines.append(f"- and {count - DIGEST_LINES} more")
    return "\n".join(lines)
