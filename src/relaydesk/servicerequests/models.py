"""A request is one colleague asking a service for something; its events are its history."""

from datetime import UTC, datetime

from django.db import models
from django.urls import reverse

from relaydesk.catalog.models import Priority, Service
from relaydesk.core.businesstime import Calendar as BusinessCalendar
from relaydesk.core.clocks import Clock
from relaydesk.directory.models import Party, Person, Team


class Status(models.TextChoices):
    NEW = "new", "New"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING_ON_REQUESTER = "waiting_on_requester", "Waiting on the requester"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (
    Status.NEW,
    Status.ACKNOWLEDGED,
    Status.IN_PROGRESS,
    Status.WAITING_ON_REQUESTER,
)


class Decision(models.TextChoices):
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


# The longest text a request keeps in its details, a comment, a note or a status message, and
# the most times one may propose to meet (SPEC §6: every input has bounds).
TEXT_LENGTH = 10_000
TITLE_LENGTH = 200
MOST_PROPOSED_SLOTS = 10

# Where a request without a running clock sorts in an "earliest due first" queue: last.
NOT_DUE = datetime(9999, 12, 31, tzinfo=UTC)


class ClockFields(models.Model):
    """The two SLA clocks, each kept as the state of a core Clock plus what queues sort by."""

    response_target = models.PositiveIntegerField(null=True, blank=True)
    response_used = models.PositiveIntegerField(default=0)
    response_running_since = models.DateTimeField(null=True, blank=True)
    response_due_at = models.DateTimeField(null=True, blank=True)
    response_warn_at = models.DateTimeField(null=True, blank=True)
    response_warned = models.BooleanField(default=False)
    response_breached = models.BooleanField(default=False)
    resolution_target = models.PositiveIntegerField(null=True, blank=True)
    resolution_used = models.PositiveIntegerField(default=0)
    resolution_running_since = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    resolution_warn_at = models.DateTimeField(null=True, blank=True)
    resolution_warned = models.BooleanField(default=False)
    resolution_breached = models.BooleanField(default=False)
    # The earliest running due time (or NOT_DUE): what queues sort by, on any database.
    queue_due_at = models.DateTimeField(default=NOT_DUE)

    class Meta:
        abstract = True

    def clock(self, name: str) -> Clock | None:
        target = getattr(self, f"{name}_target")
        if target is None:
            return None
        return Clock(
            target=target,
            used=getattr(self, f"{name}_used"),
            running_since=getattr(self, f"{name}_running_since"),
        )

    def set_clock(
        self, name: str, clock: Clock, calendar: BusinessCalendar, warning_percent: int
    ) -> None:
        """Keep a clock's state and the instants the queues and the checker look at."""
        setattr(self, f"{name}_target", clock.target)
        setattr(self, f"{name}_used", clock.used)
        setattr(self, f"{name}_running_since", clock.running_since)
        setattr(self, f"{name}_due_at", _utc(clock.due(calendar)))
        setattr(self, f"{name}_warn_at", _utc(clock.warning_due(calendar, warning_percent)))
        dues = [due for due in (self.response_due_at, self.resolution_due_at) if due is not None]
        self.queue_due_at = min(dues, default=NOT_DUE)


def _utc(instant: datetime | None) -> datetime | None:
    # The engine answers in the calendar's zone; stored and compared instants are UTC.
    return None if instant is None else instant.astimezone(UTC)


class Request(ClockFields):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="requests")
    requester = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="requests_made")
    title = models.CharField(max_length=TITLE_LENGTH)
    details = models.TextField(blank=True)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    needed_by = models.DateTimeField(null=True, blank=True)
    party = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
        help_text="The external customer or vendor this request ultimately serves.",
    )
    unblocks = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="blocked_by",
        help_text="Requests that cannot move on until this one is done.",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="subrequests"
    )
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.NEW)
    # Taken from the service when the request is made and never switched off: a service made
    # public later must not expose what was asked in confidence (SPEC §6).
    confidential = models.BooleanField(
        default=False,
        help_text="Asked in confidence: seen only by the requester, the assignee and the lead.",
    )
    provider_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="queue"
    )
    provider_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="personal_queue"
    )
    assignee = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned"
    )
    decision = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    proposed_slots = models.JSONField(default=list, blank=True)
    slot_start = models.DateTimeField(null=True, blank=True)
    slot_end = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    early = models.BooleanField(null=True, blank=True)
    slack_seconds = models.IntegerField(null=True, blank=True)
    # Bumped by every change: a client that saw version n and acts on n+1 gets a conflict.
    version = models.PositiveIntegerField(default=1)
    last_event_seq = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["assignee", "status", "queue_due_at", "id"], name="request_assignee_queue"
            ),
            models.Index(
                fields=["provider_team", "status", "queue_due_at", "id"], name="request_team_queue"
            ),
            models.Index(fields=["requester", "created_at", "id"], name="request_by_requester"),
            models.Index(fields=["status", "resolution_warn_at"], name="request_resolution_warn"),
            models.Index(fields=["status", "response_warn_at"], name="request_response_warn"),
            models.Index(fields=["service", "created_at"], name="request_by_service"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("servicerequests:request", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Event(models.Model):
    """One thing that happened to a request. Never changed, never deleted: the audit trail."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        STATUS = "status", "Status changed"
        ASSIGNED = "assigned", "Assigned"
        COMMENT = "comment", "Comment"
        NOTE = "note", "Internal note"
        PAUSED = "paused", "Clock paused"
        RESUMED = "resumed", "Clock resumed"
        RESPONDED = "responded", "First response"
        WARNING = "warning", "Warning"
        BREACH = "breach", "Breach"
        TRANSFERRED = "transferred", "Moved to another team"
        SUBREQUEST = "subrequest", "Sub-request"
        LINKED = "linked", "Linked"
        DECIDED = "decided", "Decided"
        SLOT_PICKED = "slot_picked", "Time picked"
        RETIMED = "retimed", "Clocks moved"
        EARLY = "early", "Done early"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["request", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["request", "seq"], name="one_event_per_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.request_id}.{self.seq} {self.kind}"


class Hop(models.Model):
    """A span during which one team (or person) held the request."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="hops")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "started_at", "id"]

    def __str__(self) -> str:
        return f"#{self.request_id} held by {self.holder}"

    @property
    def holder(self) -> Team | Person | None:
        return self.team or self.person
