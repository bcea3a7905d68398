"""The demo's feedback (SPEC §3.5): ratings of finished requests with service-dependent
distributions, the providers' clarity marks, kudos, and one closed survey with a self-survey.
Deterministic for a seed; written in bulk once the history is."""

import random
from datetime import date, datetime, timedelta

from django.db.models import Count

from relaydesk.directory.models import Person
from relaydesk.feedback.models import (
    ITEMS,
    ClarityMark,
    Invitation,
    Kudos,
    RatedRequest,
    Rating,
    Survey,
    SurveyAnswer,
    token_digest,
)
from relaydesk.servicerequests.models import Request, Status

BATCH = 5000
RATED = 0.3  # of finished requests
ANONYMOUS = 0.25  # of ratings
MARKED = 0.12  # of finished requests with an assignee
SELF_SURVEY_TEAM = 5  # members at least: every one answers, so their answers reach k
REASONS = ["missing the cost centre", "no deadline given", "unclear scope", "no part number"]


def _score(rng: random.Random, quality: float, top: int) -> int:
    """1..top, centred on the service's quality (0..1), with a spread."""
    return max(1, min(top, round(1 + (top - 1) * rng.betavariate(8 * quality, 8 * (1 - quality)))))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def build_feedback(*, seed: int, now: datetime) -> dict[str, int]:
    rng = random.Random(f"feedback-{seed}")
    quality: dict[int, float] = {}
    carefulness: dict[int, float] = {}
    made = {"ratings": 0, "marks": 0, "kudos": 0}
    ratings, rated, marks, kudos = [], [], [], []

    def flush(final: bool = False) -> None:
        if final or len(ratings) + len(marks) + len(kudos) >= BATCH:
            RatedRequest.objects.bulk_create(rated)
            Rating.objects.bulk_create(ratings)
            ClarityMark.objects.bulk_create(marks)
            Kudos.objects.bulk_create(kudos)
            made["ratings"] += len(ratings)
            made["marks"] += len(marks)
            made["kudos"] += len(kudos)
            for rows in (rated, ratings, marks, kudos):
                rows.clear()

    finished = (
        Request.objects.filter(status=Status.DONE, done_at__isnull=False)
        .order_by("pk")
        .values_list(
            "pk",
            "service_id",
            "provider_team_id",
            "provider_person_id",
            "assignee_id",
            "requester_id",
            "done_at",
        )
    )
    for pk, service, team, person, assignee, requester, done_at in finished.iterator(BATCH):
        service_quality = quality.setdefault(service, rng.uniform(0.55, 0.9))
        if rng.random() < RATED:
            satisfaction = _score(rng, service_quality, 5)
            anonymous = rng.random() < ANONYMOUS
            rated.append(RatedRequest(request_id=pk))
            day = (done_at + timedelta(hours=rng.randint(1, 72))).date()
            ratings.append(
                Rating(
                    request_id=None if anonymous else pk,
                    author_id=None if anonymous else requester,
                    given_at=None if anonymous else done_at + timedelta(hours=1),
                    rated_on=_monday(day) if anonymous else day,
                    service_id=service,
                    provider_team_id=team,
                    provider_person_id=assignee or person,
                    satisfaction=satisfaction,
                    ease=_score(rng, service_quality * 0.9 + 0.05, 7),
                    comment=rng.choice(["", "", "", "Quick, thank you.", "Took a while."]),
                )
            )
            if satisfaction == 5 and assignee and assignee != requester and rng.random() < 0.3:
                kudos.append(
                    Kudos(
                        giver_id=None if rng.random() < 0.1 else requester,
                        to_person_id=assignee,
                        request_id=pk,
                        message="Thank you for this!",
                        public=rng.random() < 0.8,
                        created_at=done_at + timedelta(hours=2),
                    )
                )
        if assignee and assignee != requester and rng.random() < MARKED:
            careful = carefulness.setdefault(requester, rng.uniform(0.4, 0.95))
            score = _score(rng, careful, 5)
            marks.append(
                ClarityMark(
                    request_id=pk,
                    by_id=assignee,
                    score=score,
                    reason=rng.choice(REASONS) if score <= 2 else "",
                    marked_at=done_at,
                )
            )
        flush()
    flush(final=True)
    made["survey answers"] = _closed_survey(rng, now)
    return made


def _closed_survey(rng: random.Random, now: datetime) -> int:
    """A closed survey of the team that served the most colleagues, with a self-survey: the
    team rates itself about a point higher than its customers do, as teams tend to."""
    # A team large enough for its own answers to clear k.
    large = (
        Person.objects.filter(is_active=True, team__isnull=False)
        .values("team")
        .annotate(n=Count("pk"))
        .filter(n__gte=SELF_SURVEY_TEAM)
        .values_list("team", flat=True)
    )
    busiest = (
        Request.objects.filter(provider_team__in=list(large))
        .values("provider_team")
        .annotate(n=Count("requester", distinct=True))
        .order_by("-n", "provider_team")
        .first()
    )
    if busiest is None:
        return 0
    team_id = busiest["provider_team"]
    closes = now - timedelta(days=14)
    survey = Survey.objects.create(
        team_id=team_id,
        title="How do we serve you?",
        window_start=(closes - timedelta(days=104)).date(),
        window_end=(closes - timedelta(days=14)).date(),
        opens_at=closes - timedelta(days=14),
        closes_at=closes,
    )
    members = set(
        Person.objects.filter(team_id=team_id, is_active=True).values_list("pk", flat=True)
    )
    customers = sorted(
        set(
            Request.objects.filter(
                provider_team_id=team_id,
                created_at__date__gte=survey.window_start,
                created_at__date__lte=survey.window_end,
            ).values_list("requester_id", flat=True)[:2000]
        )
        - members
    )[:200]
    invitations, answers = [], []
    for own, people, level, rate in (
        (False, customers, 0.68, 0.6),
        (True, sorted(members), 0.82, 1.0),
    ):
        for person in people:
            answered = rng.random() < rate
            invitations.append(
                Invitation(
                    survey=survey,
                    person_id=person,
                    own=own,
                    token_digest=token_digest(f"demo-{survey.pk}-{person}-{rng.random()}"),
                    used=answered,
                )
            )
            if answered:
                answers.append(
                    SurveyAnswer(
                        survey=survey,
                        own=own,
                        recommend=_score(rng, level, 11) - 1,
                        comment=rng.choice(["", "", "Friendly and quick."]) if not own else "",
                        **{item: _score(rng, level, 7) for item in ITEMS},
                    )
                )
    Invitation.objects.bulk_create(invitations)
    # Shuffled, so that not even the order of the rows follows the invitations'.
    rng.shuffle(answers)
    SurveyAnswer.objects.bulk_create(answers)
    return len(answers)
