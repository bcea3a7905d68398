"""Reads: who may see what, a request's rating state, the requester's own pattern, kudos, and
the team figures, shown only as the anonymity rules allow (SPEC §3.5).

Team figures cover closed calendar quarters only, in a table of services by quarters whose
columns never slide: a figure that moved with each new rating, or a window that dropped its
oldest quarter, would tell the newest or the oldest ratings by difference.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone

from relaydesk.core import stats
from relaydesk.directory.models import Person, Team
from relaydesk.directory.selectors import teams_led_by
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
from relaydesk.servicerequests.models import Request

FEED_SIZE = 20
# "Rarely thanked": at most this many kudos received over the closed quarters.
UNSUNG_KUDOS = 1
# "Rated highly": the lower end of the satisfaction interval at least this.
UNSUNG_SATISFACTION = 0.7


def min_group() -> int:
    return stats.checked_k(settings.RELAYDESK_MIN_GROUP)


# -- one request ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestFeedback:
    rated: bool
    rating: Rating | None  # the requester's own named rating; None if anonymous or not yet
    clarity: ClarityMark | None


def request_feedback(
    *, request: Request, rating: bool = True, clarity: bool = True
) -> RequestFeedback:
    """What feedback a request has; only the parts asked for are looked up."""
    rated = rating and RatedRequest.objects.filter(request=request).exists()
    return RequestFeedback(
        rated=rated,
        rating=Rating.objects.filter(request=request).first() if rated else None,
        clarity=ClarityMark.objects.filter(request=request).first() if clarity else None,
    )


# -- the requester's own pattern (only they see it) ------------------------------------------


@dataclass(frozen=True)
class ClarityPattern:
    team: str
    requests: int
    marked: int
    unclear: int  # marked 1 or 2
    reasons: list[tuple[str, int]]


def clarity_pattern(*, person: Person) -> list[ClarityPattern]:
    """How clear the providers found the person's requests, team by team: "your requests to
    Purchasing were missing the cost centre 4 times in 10"."""
    sent = Counter(
        Request.objects.filter(requester=person, provider_team__isnull=False).values_list(
            "provider_team__name", flat=True
        )
    )
    marks = ClarityMark.objects.filter(
        request__requester=person, request__provider_team__isnull=False
    ).values_list("request__provider_team__name", "score", "reason")
    by_team: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for team, score, reason in marks:
        by_team[team].append((score, reason))
    return [
        ClarityPattern(
            team=team,
            requests=sent[team],
            marked=len(marked),
            unclear=sum(1 for score, _ in marked if score <= 2),
            reasons=Counter(r.strip().lower() for _, r in marked if r.strip()).most_common(3),
        )
        for team, marked in sorted(by_team.items())
    ]


# -- kudos ------------------------------------------------------------------------------------


def kudos_feed(*, person: Person, size: int = FEED_SIZE) -> list[Kudos]:
    """Public kudos, and private ones to the person (or their team) or from them, newest first."""
    private = Q(to_person=person) | Q(giver=person)
    if person.team_id is not None:
        private |= Q(to_team_id=person.team_id)
    # The newest few are chosen first, on the kudos table alone, and only they are joined to
    # people, teams and requests: joining first made the database join every kudos there is.
    newest = Kudos.objects.filter(Q(public=True) | private).values("pk")[:size]
    return list(
        Kudos.objects.filter(pk__in=newest).select_related(
            "giver", "to_person", "to_team", "request"
        )
    )


@dataclass(frozen=True)
class KudosCounts:
    given: int  # named kudos only: anonymous ones are nobody's
    received: int


def kudos_counts_of_person(*, person: Person) -> KudosCounts:
    return KudosCounts(
        **Kudos.objects.aggregate(
            given=Count("pk", filter=Q(giver=person)),
            received=Count("pk", filter=Q(to_person=person)),
        )
    )


def kudos_counts_of_team(*, team: Team) -> KudosCounts:
    return KudosCounts(
        **Kudos.objects.aggregate(
            given=Count("pk", filter=Q(giver__team=team)),
            received=Count("pk", filter=Q(to_team=team)),
        )
    )


# -- team figures -----------------------------------------------------------------------------


def may_see_team_feedback(person: Person, team: Team) -> bool:
    return person.is_admin or person.team_id == team.pk or team.pk in teams_led_by(person)


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def closed_ratings(ratings: QuerySet[Rating], today: date | None = None) -> QuerySet[Rating]:
    return ratings.filter(rated_on__lt=_quarter_start(today or timezone.localdate()))


@dataclass(frozen=True)
class Figures:
    """What one group of ratings shows: None where the group is too small to show."""

    n: int
    satisfaction: stats.Share | None
    ease: stats.Share | None
    comments: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Tally:
    """A group of ratings as counted: how many, how many satisfied (4-5), how many found it
    easy (5-7), and their comments."""

    n: int = 0
    satisfied: int = 0
    easy: int = 0
    comments: tuple[str, ...] = ()

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(
            self.n + other.n,
            self.satisfied + other.satisfied,
            self.easy + other.easy,
            self.comments + other.comments,
        )


def figures(tally: Tally, shown: bool) -> Figures:
    """Figures for a group of ratings; comments only from 10 answers on."""
    if not shown or tally.n == 0:
        return Figures(n=tally.n, satisfaction=None, ease=None)
    return Figures(
        n=tally.n,
        satisfaction=stats.wilson(tally.satisfied, tally.n),
        ease=stats.wilson(tally.easy, tally.n),
        comments=sorted(tally.comments) if tally.n >= stats.COMMENTS_MIN else [],
    )


@dataclass(frozen=True)
class TeamFeedback:
    team: Team
    k: int
    quarters: list[str]
    services: list[str]
    cells: dict[tuple[str, str], Figures]
    by_service: dict[str, Figures]
    by_quarter: dict[str, Figures]
    total: Figures
    # What the free filters are judged against: the ratings by cell, and what the table hides.
    tallies: dict[tuple[str, str], Tally] = field(repr=False)
    counts: dict[tuple[str, str], int] = field(repr=False)
    hidden: stats.Table = field(repr=False)

    def selection(self, services: Iterable[str], quarters: Iterable[str]) -> "Selection":
        """The figures of some services over some quarters together, shown only when the
        table already tells them (`stats.follows_from_table`): so no filter, and no
        difference of two filters or of a filter and the table, gives a small group away."""
        chosen = [(s, q) for s in services for q in quarters if (s, q) in self.counts]
        follows = stats.follows_from_table(chosen, self.counts, self.hidden, self.k)
        tally = _joined(self.tallies, chosen)
        return Selection(shown=follows, figures=figures(tally, follows and tally.n >= self.k))

    @property
    def rows(self) -> list[tuple[str, list[Figures], Figures]]:
        return [
            (s, [self.cells[(s, q)] for q in self.quarters], self.by_service[s])
            for s in self.services
        ]


@dataclass(frozen=True)
class Selection:
    """A free filter's figures; `shown` is False when they would give a small group away."""

    shown: bool
    figures: Figures


def team_feedback(*, team: Team, today: date | None = None) -> TeamFeedback:
    """The team's ratings by service and closed quarter, with every group under k, and every
    group that would give one away by difference, suppressed."""
    k = min_group()
    ratings = closed_ratings(Rating.objects.filter(provider_team=team), today).order_by()
    # Counted in the database by service and quarter: a busy team has tens of thousands.
    tallies: dict[tuple[str, str], Tally] = {}
    for service, year, quarter, n, satisfied, easy in ratings.values_list(
        "service__name", ExtractYear("rated_on"), ExtractQuarter("rated_on")
    ).annotate(
        n=Count("pk"),
        satisfied=Count("pk", filter=Q(satisfaction__gte=4)),
        easy=Count("pk", filter=Q(ease__gte=5)),
    ):
        tallies[(service, f"{year}-Q{quarter}")] = Tally(n, satisfied, easy)
    commented: dict[tuple[str, str], list[str]] = defaultdict(list)
    for service, day, comment in ratings.exclude(comment="").values_list(
        "service__name", "rated_on", "comment"
    ):
        commented[(service, quarter_of(day))].append(comment)
    for cell, comments in commented.items():
        tallies[cell] = replace(tallies[cell], comments=tuple(comments))
    services = sorted({service for service, _ in tallies})
    quarters = sorted({quarter for _, quarter in tallies})
    counts = {(s, q): tallies.get((s, q), Tally()).n for s in services for q in quarters}
    hidden = stats.suppressed_table(counts, k)
    total = _joined(tallies, counts)
    return TeamFeedback(
        team=team,
        k=k,
        quarters=quarters,
        services=services,
        cells={
            cell: figures(tallies.get(cell, Tally()), cell not in hidden.cells) for cell in counts
        },
        by_service={
            s: figures(_joined(tallies, [(s, q) for q in quarters]), s not in hidden.rows)
            for s in services
        },
        by_quarter={
            q: figures(_joined(tallies, [(s, q) for s in services]), q not in hidden.columns)
            for q in quarters
        },
        total=figures(total, total.n >= k),
        tallies=tallies,
        counts=counts,
        hidden=hidden,
    )


def _joined(tallies: dict[tuple[str, str], Tally], cells: Iterable[tuple[str, str]]) -> Tally:
    return sum((tallies[cell] for cell in cells if cell in tallies), Tally())


@dataclass(frozen=True)
class Unsung:
    person: Person
    satisfaction: stats.Share
    kudos: int


def unsung(*, lead: Person, today: date | None = None) -> list[Unsung]:
    """People in the teams a lead leads whose customers rate them highly but who are rarely
    thanked, by name: a list to act on, not a ranking. A person's figures are a partition of
    their team's, so they are suppressed like any group (the next-smallest too)."""
    k = min_group()
    teams = set(Team.objects.values_list("pk", flat=True)) if lead.is_admin else teams_led_by(lead)
    ratings = closed_ratings(Rating.objects.filter(provider_team__in=teams), today)
    per_team: dict[int, dict[int | None, list[int]]] = defaultdict(lambda: defaultdict(list))
    for team_id, person_id, satisfaction in ratings.values_list(
        "provider_team_id", "provider_person_id", "satisfaction"
    ):
        per_team[team_id][person_id].append(satisfaction)
    shown: dict[int, stats.Share] = {}
    for people in per_team.values():
        hidden = stats.suppressed({p: len(scores) for p, scores in people.items()}, k)
        for person_id, scores in people.items():
            if person_id is not None and person_id not in hidden:
                shown[person_id] = stats.satisfaction(scores)
    thanked = dict(
        Person.objects.filter(pk__in=shown)
        .annotate(n=Count("kudos_received"))
        .values_list("pk", "n")
    )
    people = Person.objects.filter(pk__in=shown, is_active=True).order_by("name", "pk")
    return [
        Unsung(person=person, satisfaction=shown[person.pk], kudos=thanked[person.pk])
        for person in people
        if shown[person.pk].low >= UNSUNG_SATISFACTION and thanked[person.pk] <= UNSUNG_KUDOS
    ]


# -- surveys ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One side's answers to a survey: its customers', or the team's own."""

    n: int
    shown: bool
    means: dict[str, float | None]
    recommend: stats.Recommend | None
    comments: list[str]


@dataclass(frozen=True)
class SurveyResults:
    survey: Survey
    k: int
    closed: bool
    invited: int
    customers: Side
    own: Side
    gap: dict[str, float | None] | None


def _side(answers: list[SurveyAnswer], k: int, closed: bool) -> Side:
    shown = closed and len(answers) >= k
    if not shown:
        return Side(n=len(answers), shown=False, means={}, recommend=None, comments=[])
    rows = [{item: getattr(answer, item) for item in ITEMS} for answer in answers]
    return Side(
        n=len(answers),
        shown=True,
        means=stats.dimension_means(rows, tuple(ITEMS)),
        recommend=stats.recommend(answer.recommend for answer in answers),
        comments=sorted(a.comment for a in answers if a.comment)
        if len(answers) >= stats.COMMENTS_MIN
        else [],
    )


def survey_results(*, survey: Survey, now: datetime | None = None) -> SurveyResults:
    """Results once the survey has closed (figures that moved with each answer would tell
    each answer), each side only from k answers on, comments from 10."""
    k = min_group()
    closed = (now or timezone.now()) >= survey.closes_at
    answers = list(survey.answers.all())
    customers = _side([a for a in answers if not a.own], k, closed)
    own = _side([a for a in answers if a.own], k, closed)
    return SurveyResults(
        survey=survey,
        k=k,
        closed=closed,
        invited=survey.invitations.filter(own=False).count(),
        customers=customers,
        own=own,
        gap=stats.gap(own.means, customers.means) if own.shown and customers.shown else None,
    )


def surveys_of(*, team: Team) -> QuerySet[Survey]:
    return Survey.objects.filter(team=team).annotate(
        answered=Count("answers", distinct=True), invited=Count("invitations", distinct=True)
    )


def invitation_for(*, token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("survey__team")
        .filter(token_digest=token_digest(token))
        .first()
    )
