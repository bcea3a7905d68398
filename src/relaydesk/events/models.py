"""The transactional outbox: a domain event is a row written in the transaction that caused it."""

from django.db import models
from django.utils import timezone


class OutboxEvent(models.Model):
    """One domain event and the handlers still to run for it.

    `pending` lists the handlers subscribed to the kind when the event was published; each is
    struck off in the same transaction as its own writes, so a handler that succeeded never
    runs again when another one fails and the event is retried.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        PARKED = "parked", "Parked"

    kind = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    # Publishing twice with the same key records one event (e.g. one digest per person a week).
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    pending = models.JSONField(default=list)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # When a worker may next take it: claiming pushes it one lease ahead, so the events of a
    # worker that dies become available again when its lease runs out; a failure, by back-off.
    available_at = models.DateTimeField(default=timezone.now)
    lease_token = models.CharField(max_length=32, blank=True)
    last_error = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["state", "available_at", "id"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"


class PeriodicJob(models.Model):
    """When a periodic job (the clock checker, the weekly digest) next runs, for all workers."""

    name = models.CharField(max_length=64, primary_key=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name
