"""The service catalog: what people and teams provide, on which calendar, with which promises."""

import json
from functools import lru_cache

from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from relaydesk.core import businesstime
from relaydesk.core.calendar_spec import calendar_from_mapping
from relaydesk.directory.models import Party, Person, Team


@lru_cache(maxsize=256)
def _engine_for(definition_json: str) -> businesstime.Calendar:
    # The engine caches its per-year tables on the Calendar object, so reuse one per definition.
    return calendar_from_mapping(json.loads(definition_json))


class Calendar(models.Model):
    """Working hours in a timezone, public holidays and closures, in the calendar file's shape."""

    name = models.CharField(max_length=200, unique=True)
    definition = models.JSONField(help_text="The calendar file's shape (SPEC §4).")
    owner_team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calendars",
        help_text="Its lead may edit it; without one, only admins may.",
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def engine(self) -> businesstime.Calendar:
        return _engine_for(json.dumps(self.definition, sort_keys=True))


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class ServiceKind(models.TextChoices):
    ADVICE = "advice", "Advice"
    APPROVAL = "approval", "Approval"
    FEEDBACK = "feedback", "Feedback"
    INFORMATION = "information", "Information"
    WORK_ITEM = "work_item", "Work item"
    FACE_TIME = "face_time", "Face time"


# How much a service may say of itself, as the API and the pages take it (SPEC §6: every input
# has bounds): its description, and up to so many search keywords of so many characters.
DESCRIPTION_LENGTH = 10_000
MOST_KEYWORDS, KEYWORD_LENGTH = 50, 100


class Service(models.Model):
    """Something a person or a team provides to colleagues, with promises per priority."""

    # Named apart from Party's kinds: the API's schema names come from the class names.
    Kind = ServiceKind

    class Audience(models.TextChoices):
        EVERYONE = "everyone", "Everyone"
        LISTED = "listed", "Only the listed teams and people"

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    description = models.TextField(blank=True)
    keywords = models.JSONField(default=list, blank=True)
    provider_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )
    provider_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )
    audience = models.CharField(max_length=16, choices=Audience.choices, default="everyone")
    requester_teams = models.ManyToManyField(Team, blank=True, related_name="requestable_services")
    requester_people = models.ManyToManyField(
        Person, blank=True, related_name="requestable_services"
    )
    customer_teams = models.ManyToManyField(Team, blank=True, related_name="customer_of")
    customer_people = models.ManyToManyField(Person, blank=True, related_name="customer_of")
    customer_parties = models.ManyToManyField(Party, blank=True, related_name="served_by")
    feeds = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="fed_by",
        help_text="The downstream services this one's output feeds.",
    )
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="services")
    confidential = models.BooleanField(
        default=False,
        help_text="Requests to it are seen only by the requester, the assignee and the lead.",
    )
    warning_percent = models.PositiveSmallIntegerField(
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text="Share of a promise used up when a warning fires.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(provider_team__isnull=False, provider_person__isnull=True)
                    | models.Q(provider_team__isnull=True, provider_person__isnull=False)
                ),
                name="service_has_one_provider",
                violation_error_message="A service has exactly one provider: a team or a person.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:service", args=[self.slug])

    @property
    def provider(self) -> Team | Person:
        return self.provider_team or self.provider_person


class SearchWord(models.Model):
    """A meaningful word of an active service, as "who do I ask?" finds it (catalog.search)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=16)
    # As written, lowercased: what a typo is corrected to and "showing results for" shows.
    word = models.CharField(max_length=50)
    # What a question's words are matched on.
    stem = models.CharField(max_length=50)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "field", "word"], name="one_word_per_field")
        ]
        indexes = [
            models.Index(fields=["stem"], name="searchword_stem"),
            # Finds the candidates for a typo's correction (PostgreSQL only: see migration 0003).
            GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="searchword_word_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.word} ({self.field})"


class Promise(models.Model):
    """First-response and resolution targets for one priority, in business minutes."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="promises")
    priority = models.CharField(max_length=8, choices=Priority.choices)
    first_response_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    resolution_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "priority"], name="one_promise_per_priority"
            ),
            models.CheckConstraint(
                condition=models.Q(resolution_minutes__gte=models.F("first_response_minutes")),
                name="resolution_not_before_response",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.get_priority_display()}"
