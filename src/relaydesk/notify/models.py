"""What people are told about requests, how they want to be told, and the webhooks that listen."""

import secrets

from django.db import models
from django.urls import reverse
from django.utils import timezone

from relaydesk.directory.models import Person, Team


class Kind(models.TextChoices):
    NEW_IN_QUEUE = "new_in_queue", "New request in my queue"
    ASSIGNED = "assigned", "Assigned to me"
    REPLY = "reply", "A reply on a request I am on"
    WARNING = "warning", "Warning: a promise I hold is due soon"
    BREACH = "breach", "Breach: a promise I hold was missed"
    DONE = "done", "My request is done"
    KUDOS = "kudos", "Kudos to me or my team"
    SURVEY = "survey", "Survey invitations and reminders"
    DIGEST = "digest", "Weekly digest"


# The kinds about one request, which a webhook may listen to; the rest are personal.
REQUEST_KINDS = tuple(kind for kind in Kind if kind not in {Kind.DIGEST, Kind.KUDOS, Kind.SURVEY})


class Channel(models.TextChoices):
    IN_APP = "in_app", "In the app"
    EMAIL = "email", "Email"


class Notification(models.Model):
    """One thing one person is told in the app. At most one per person, source event and kind."""

    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, help_text="Where it leads, a path in this site.")
    # The outbox key of the event it tells of, e.g. "request:42:7" or "digest:3:2026-W48".
    source_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "source_key", "kind"], name="one_notification_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_newest"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.title}"


class Preference(models.Model):
    """A channel a person switched away from its default for one kind (only changes are kept)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "channel"], name="one_preference")
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.kind} by {self.channel} {'on' if self.enabled else 'off'}"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Webhook(models.Model):
    """An outgoing webhook: a team's (for its requests) or the organisation's (no team)."""

    class Format(models.TextChoices):
        JSON = "json", "JSON"
        SLACK = "slack", "Slack-compatible"

    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500, help_text="An http or https address that takes POST.")
    secret = models.CharField(max_length=64, default=new_secret)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="webhooks"
    )
    kinds = models.JSONField(default=list)
    format = models.CharField(max_length=8, choices=Format.choices, default=Format.JSON)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("notify:webhooks")
