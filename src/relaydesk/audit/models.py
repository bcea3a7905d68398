"""The audit log's one table. Entries are only ever added: the model refuses to change or delete
one, and so does the database (a trigger, see the migrations)."""

from typing import Any, NoReturn

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class AppendOnly(Exception):
    """An audit entry was to be changed or deleted."""


def _refuse(*args: Any, **kwargs: Any) -> NoReturn:
    raise AppendOnly("audit entries are never changed or deleted")


class Action(models.TextChoices):
    PERSON_CREATED = "person.created", "Person added"
    PERSON_CHANGED = "person.changed", "Person's access changed"
    PERSON_DEACTIVATED = "person.deactivated", "Person deactivated"
    PERSON_PASSWORD_SET = "person.password_set", "Password set by an admin"
    PERSON_DELETED = "person.deleted", "Person deleted"
    TEAM_CREATED = "team.created", "Team added"
    TEAM_CHANGED = "team.changed", "Team changed"
    TEAM_DELETED = "team.deleted", "Team deleted"
    SERVICE_CREATED = "service.created", "Service published"
    SERVICE_CHANGED = "service.changed", "Service changed"
    SERVICE_CONFIDENTIALITY = "service.confidentiality", "Service confidentiality changed"
    SERVICE_RETIRED = "service.retired", "Service retired"
    SERVICE_FEEDS = "service.feeds", "What a service feeds changed"
    CALENDAR_CREATED = "calendar.created", "Calendar added"
    CALENDAR_CHANGED = "calendar.changed", "Calendar changed"
    TOKEN_REVOKED = "token.revoked", "API token revoked"
    WEBHOOK_CREATED = "webhook.created", "Webhook added"
    WEBHOOK_CHANGED = "webhook.changed", "Webhook changed"
    WEBHOOK_DELETED = "webhook.deleted", "Webhook removed"
    PARTY_CREATED = "party.created", "External party added"
    PARTY_CHANGED = "party.changed", "External party changed"
    PARTY_DELETED = "party.deleted", "External party deleted"
    ABSENCE_DECLARED = "absence.declared", "Absence declared for someone else"
    ABSENCE_CHANGED = "absence.changed", "Someone else's absence changed"
    ABSENCE_ENDED = "absence.ended", "Someone else's absence ended"


class EntryQuerySet(models.QuerySet):
    update = _refuse
    delete = _refuse


class Entry(models.Model):
    at = models.DateTimeField(default=timezone.now)
    # Null: the operator at the command line (`relaydesk import …`).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    # What was changed, named as it was then: it may be gone since.
    target_type = models.CharField(max_length=64)
    target_id = models.BigIntegerField(null=True)
    target_label = models.CharField(max_length=200)
    before = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    after = models.JSONField(default=dict, encoder=DjangoJSONEncoder)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "entries"
        indexes = [
            models.Index(fields=["at", "id"], name="audit_entry_at"),
            models.Index(fields=["actor", "at", "id"], name="audit_entry_actor"),
            models.Index(fields=["action", "at", "id"], name="audit_entry_action"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse()
        super().save(*args, **kwargs)

    delete = _refuse

    @property
    def changes(self) -> list[tuple[str, str, str]]:
        """Each field that changed, with what it was and what it became, as people read them."""
        names = sorted(self.before.keys() | self.after.keys())
        return [(name, _readable(self.before, name), _readable(self.after, name)) for name in names]


def _readable(values: dict, name: str) -> str:
    if name not in values:
        return "—"
    return _text(values[name])


def _text(value: Any) -> str:
    if isinstance(value, dict) and value.keys() == {"id", "name"}:
        return str(value["name"])
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "none" if value is None else str(value)
