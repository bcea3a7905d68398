"""The directory: people, nested teams and the outside parties at the ends of chains (SPEC §2)."""

import zoneinfo
from functools import cache

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from relaydesk.core.assignment import Policy
from relaydesk.core.queue_policy import QueuePolicy


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in known_timezones():
        raise ValidationError(f"{value!r} is not an IANA timezone name (e.g. Europe/Berlin).")


ASSIGNMENT_POLICY_LABELS = {
    Policy.MANUAL: "Manual: requests wait in the team queue",
    Policy.ROUND_ROBIN: "Round-robin",
    Policy.LEAST_LOADED: "Least-loaded",
}

QUEUE_POLICY_LABELS = {
    QueuePolicy.EARLIEST_DUE: "Earliest due first",
    QueuePolicy.EXTERNAL_FIRST: "External first",
    QueuePolicy.PARITY: "Parity",
}


class Team(models.Model):
    """A group of people with a lead; a team with sub-teams is a department."""

    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    lead = models.ForeignKey(
        "Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="led_teams"
    )
    description = models.TextField(blank=True)
    assignment_policy = models.CharField(
        max_length=16,
        choices=[(policy.value, label) for policy, label in ASSIGNMENT_POLICY_LABELS.items()],
        default=Policy.MANUAL.value,
    )
    last_assignee = models.ForeignKey(
        "Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who the policy gave the last request to (round-robin goes on from there).",
    )
    queue_policy = models.CharField(
        max_length=16,
        choices=[(policy.value, label) for policy, label in QUEUE_POLICY_LABELS.items()],
        default=QueuePolicy.EARLIEST_DUE.value,
        help_text="The order of the team's queue (SPEC §3.4).",
    )
    wip_limit = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="How many open requests a member may hold before routing skips them; "
        "empty for no limit. A person's own limit overrides it.",
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="team_name_unique_in_parent"),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(parent__isnull=True),
                name="top_level_team_name_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:team", args=[self.pk])


class PersonManager(BaseUserManager["Person"]):
    def get_by_natural_key(self, username: str | None) -> "Person":
        # People sign in with their email address whatever its case.
        return self.get(email__iexact=username)

    def create_person(self, email: str, name: str, password: str | None = None, **fields):
        person = self.model(email=self.normalize_email(email).lower(), name=name, **fields)
        person.set_password(password)
        person.save(using=self._db)
        return person


class Person(AbstractBaseUser):
    """A colleague. Everyone is a member; team leads are named on their teams; admins run it."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    is_active = models.BooleanField(default=True)
    is_admin = models.BooleanField(
        default=False, help_text="Admins run the organisation's Relaydesk and open its admin."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    wip_limit = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="How many open requests this person may hold; empty for the team's limit.",
    )

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(Lower("email"), name="person_email_unique_any_case"),
        ]
        indexes = [models.Index(fields=["name", "id"], name="person_name_order")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:person", args=[self.pk])

    def work_limit(self, team_limit: int | None) -> int | None:
        """The open requests this person may hold: their own limit, else their team's."""
        return self.wip_limit or team_limit

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()
        manager = self.manager
        while manager is not None:
            if self.pk is not None and manager.pk == self.pk:
                raise ValidationError({"manager": "This would make a manager cycle."})
            manager = manager.manager

    # Django's admin and permission checks ask for these; an admin may do everything there.
    @property
    def is_staff(self) -> bool:
        return self.is_admin

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_active and self.is_admin

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_active and self.is_admin


class PartyKind(models.TextChoices):
    CUSTOMER = "customer", "External customer"
    VENDOR = "vendor", "Vendor"


class Party(models.Model):
    """Someone outside the organisation: an external customer (the buyer) or a vendor."""

    # Named apart from Service's kinds: the API's schema names come from the class names.
    Kind = PartyKind

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "parties"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:party", args=[self.pk])


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 digest is kept; the token is shown once."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="The token's first characters, to tell it.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Absence(models.Model):
    """A period a person is away; their backup covers the services they provide meanwhile."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="absences")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    backup = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="covering_for"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["person", "ends_at"], name="absence_person_until")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="absence_ends_after_it_starts",
                violation_error_message="An absence ends after it starts.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} away {self.period}"

    @property
    def period(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} to {self.ends_at:%Y-%m-%d %H:%M} UTC"
