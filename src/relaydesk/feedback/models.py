"""Ratings of finished requests, the provider's clarity marks, and kudos (SPEC §2, §3.5).

An anonymous rating keeps no author and no request: only what it counts towards (service,
providing team and person, the week). That a request was rated is kept apart, in a table with
no time and no order of its own, so the two cannot be joined back. Ratings have random ids
for the same reason: an id in order of creation would line them up with the requests.
"""

import hashlib
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from relaydesk.catalog.models import Service
from relaydesk.directory.models import Person, Team
from relaydesk.servicerequests.models import Request

SATISFACTION = range(1, 6)  # "How satisfied are you?" 1-5
EASE = range(1, 8)  # "They made it easy for me" 1-7, strongly disagree to strongly agree
CLARITY = range(1, 6)
COMMENT_LENGTH = 2000
REASON_LENGTH = 200
KUDOS_LENGTH = 500


def _between(field: str, scale: range) -> Q:
    return Q(**{f"{field}__gte": scale.start, f"{field}__lte": scale.stop - 1})


class RatedRequest(models.Model):
    """That a request has had its one rating: what burns the emailed link. No time is kept."""

    request = models.OneToOneField(
        Request, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self) -> str:
        return f"#{self.request_id} rated"


class Rating(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Both null when anonymous: then it counts only in aggregates.
    request = models.OneToOneField(
        Request, null=True, blank=True, on_delete=models.CASCADE, related_name="rating"
    )
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="ratings_given"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="ratings")
    provider_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings"
    )
    provider_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings_received"
    )
    satisfaction = models.PositiveSmallIntegerField()
    ease = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, max_length=COMMENT_LENGTH)
    # The day it was given; for an anonymous rating the Monday of its week.
    rated_on = models.DateField()
    # Null when anonymous: a named rating may be changed for a week after it was given.
    given_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=_between("satisfaction", SATISFACTION), name="satisfaction_1_to_5"
            ),
            models.CheckConstraint(condition=_between("ease", EASE), name="ease_1_to_7"),
            models.CheckConstraint(
                condition=Q(author__isnull=True, request__isnull=True, given_at__isnull=True)
                | Q(author__isnull=False, request__isnull=False, given_at__isnull=False),
                name="anonymous_keeps_no_author",
            ),
        ]
        indexes = [
            models.Index(fields=["provider_team", "rated_on"], name="rating_team_day"),
            models.Index(fields=["service", "rated_on"], name="rating_service_day"),
        ]

    def __str__(self) -> str:
        return f"{self.satisfaction}/5 for {self.service}"

    @property
    def anonymous(self) -> bool:
        return self.author_id is None


class ClarityMark(models.Model):
    """The provider's mark of how clear and complete a request was (the other direction)."""

    request = models.OneToOneField(
        Request, primary_key=True, on_delete=models.CASCADE, related_name="clarity"
    )
    by = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=REASON_LENGTH, blank=True)
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=_between("score", CLARITY), name="clarity_1_to_5")
        ]

    def __str__(self) -> str:
        return f"#{self.request_id} clarity {self.score}/5"


class Kudos(models.Model):
    giver = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="kudos_given"
    )
    to_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="kudos_received"
    )
    to_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="kudos_received"
    )
    request = models.ForeignKey(
        Request, null=True, blank=True, on_delete=models.SET_NULL, related_name="kudos"
    )
    message = models.CharField(max_length=KUDOS_LENGTH)
    public = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_person__isnull=True) ^ Q(to_team__isnull=True),
                name="kudos_to_a_person_or_a_team",
            )
        ]
        indexes = [models.Index(fields=["public", "-created_at", "-id"], name="kudos_feed")]

    def __str__(self) -> str:
        return f"Kudos to {self.recipient}"

    @property
    def anonymous(self) -> bool:
        return self.giver_id is None

    @property
    def recipient(self) -> Person | Team:
        return self.to_person or self.to_team


# -- surveys ----------------------------------------------------------------------------------

PERCEPTION = range(1, 8)  # 1 strongly disagree .. 7 strongly agree
RECOMMEND = range(0, 11)
ITEMS = {
    "reliability": "They do what they promised, right the first time.",
    "responsiveness": "They are willing and quick to help.",
    "assurance": "They know their job and treat us with respect.",
    "empathy": "They understand what my team does and needs.",
    "communication": "They keep us informed.",
}


def token_digest(token: str) -> str:
    """How a survey token is kept: only its digest, so a copy of the database answers nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


class Survey(models.Model):
    """An internal-service survey of a providing team by the colleagues it served."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(max_length=200)
    # Whom it asks: who made requests to the team in this window.
    window_start = models.DateField()
    window_end = models.DateField()
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The last reminder; one goes out by itself halfway through, and a lead may send more.
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now) -> bool:
        return self.opens_at <= now < self.closes_at


class Invitation(models.Model):
    """One invitee's one-time token (kept as its digest), burnt when they answer. Which answer
    is theirs is kept nowhere: the answer carries no invitation, no person and no time."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    own = models.BooleanField(default=False, help_text="A member answering about their team.")
    token_digest = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "person"], name="one_invitation_each")
        ]

    def __str__(self) -> str:
        return f"{self.person} to {self.survey}"


class SurveyAnswer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    own = models.BooleanField(default=False)
    reliability = models.PositiveSmallIntegerField()
    responsiveness = models.PositiveSmallIntegerField()
    assurance = models.PositiveSmallIntegerField()
    empathy = models.PositiveSmallIntegerField()
    communication = models.PositiveSmallIntegerField()
    recommend = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, max_length=COMMENT_LENGTH)

    class Meta:
        constraints = [
            *(
                models.CheckConstraint(condition=_between(item, PERCEPTION), name=f"{item}_1_to_7")
                for item in ITEMS
            ),
            models.CheckConstraint(
                condition=_between("recommend", RECOMMEND), name="recommend_0_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"An answer to {self.survey}"
