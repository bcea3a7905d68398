"""Models of the project itself, shared by every area: the API's idempotency records."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyRecord(models.Model):
    """The answer to one create call sent with an Idempotency-Key (see relaydesk.idempotency)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    # Null only inside the transaction that answers the call, which no one else ever sees.
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    # The answer's exact JSON text: PostgreSQL's jsonb would reorder keys, a replay should not.
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="one_record_per_person_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
