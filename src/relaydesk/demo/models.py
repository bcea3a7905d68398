"""What `relaydesk demo` set out to build, and how far it got, so a stopped build resumes."""

from django.db import models


class DemoBuild(models.Model):
    """One per demo database. Its progress is saved in the same transaction as the rows it
    counts, so it always says exactly which days of the history the database holds."""

    class Organisation(models.TextChoices):
        KESTREL = "kestrel", "Kestrel Motors"
        SCALED = "scaled", "Northwind Group"

    organisation = models.CharField(max_length=16, choices=Organisation.choices)
    people = models.PositiveIntegerField()
    requests = models.PositiveIntegerField()
    seed = models.BigIntegerField()
    history_start = models.DateTimeField()
    history_end = models.DateTimeField(help_text="The history's 'now': where its clocks stand.")
    first_request_id = models.BigIntegerField()
    days_done = models.PositiveIntegerField(default=0)
    requests_done = models.PositiveIntegerField(default=0)
    # What a large build set aside (indexes, foreign keys) and puts back when it finishes.
    set_aside = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.get_organisation_display()}: {self.requests_done:,} of {self.requests:,}"

    @property
    def finished(self) -> bool:
        return self.finished_at is not None
