"""Reads for the dashboards (SPEC §3.6): historical figures from the rollups, the backlog live
from the open requests (an indexed count), ratings from feedback over closed quarters only
(as feedback shows them, so no sliding window tells one rating by difference), kudos."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from relaydesk.catalog.models import Service
from relaydesk.core import stats
from relaydesk.core.rollups import AGE_BANDS, Age, Histogram, Period, Rollup, merged
from relaydesk.directory.models import Person, Team
from relaydesk.directory.selectors import teams_led_by
from relaydesk.feedback.models import Kudos, Rating
from relaydesk.feedback.selectors import (
    KudosCounts,
    SurveyResults,
    min_group,
    quarter_of,
    survey_results,
    surveys_of,
)
from relaydesk.insight.models import (
    COUNTS,
    HISTOGRAMS,
    ORG,
    DailyServiceRollup,
    ScopeDailyRollup,
    team_scope_key,
)
from relaydesk.insight.services import aggregate
from relaydesk.servicerequests.models import OPEN_STATUSES, Request


@dataclass(frozen=True)
class Scope:
    """Whose work a dashboard shows: a person's (as assignee), a team's with every team below
    it (a department), a service's, or the whole organisation's."""

    kind: str  # "person", "team", "service" or "org"
    title: str
    team: Team | None = None
    service: Service | None = None
    person: Person | None = None
    team_ids: frozenset[int] = frozenset()
    below: tuple[tuple[int, str], ...] = ()  # the teams right under it: (id, name)
    # Each team further down, by the team right under the scope it sits in.
    line_of: dict[int, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        if self.kind == "team":
            return reverse("insight:team", args=[self.team.pk])
        if self.kind == "service":
            return reverse("insight:service", args=[self.service.slug])
        if self.kind == "person":
            return reverse("insight:person", args=[self.person.pk])
        return reverse("insight:org")


def _children() -> dict[int | None, list[tuple[int, str]]]:
    children: dict[int | None, list[tuple[int, str]]] = defaultdict(list)
    for pk, parent_id, name in Team.objects.order_by("name").values_list("id", "parent_id", "name"):
        children[parent_id].append((pk, name))
    return children


def _below(team_id: int, children: dict[int | None, list[tuple[int, str]]]) -> set[int]:
    found, todo = {team_id}, [team_id]
    while todo:
        for child, _ in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _line_of(top: int | None, children: dict[int | None, list[tuple[int, str]]]) -> dict:
    return {team_id: pk for pk, _ in children.get(top, []) for team_id in _below(pk, children)}


def team_scope(team: Team) -> Scope:
    children = _children()
    return Scope(
        "team",
        team.name,
        team=team,
        team_ids=frozenset(_below(team.pk, children)),
        below=tuple(children.get(team.pk, [])),
        line_of=_line_of(team.pk, children),
    )


def service_scope(service: Service) -> Scope:
    return Scope("service", service.name, service=service)


def person_scope(person: Person) -> Scope:
    return Scope("person", person.name, person=person)


def org_scope() -> Scope:
    children = _children()
    return Scope(
        "org",
        "The organisation",
        below=tuple(children.get(None, [])),
        line_of=_line_of(None, children),
    )


def may_see(viewer: Person, scope: Scope) -> bool:
    """Admins see every dashboard; a lead their teams and everything below them, with the
    services and people there; a member their own team's, their own services' and their own."""
    if viewer.is_admin:
        return True
    led = teams_led_by(viewer)
    if scope.kind == "team":
        return scope.team.pk in led or viewer.team_id == scope.team.pk
    if scope.kind == "service":
        service = scope.service
        return (
            service.provider_person_id == viewer.pk
            or service.provider_team_id in led
            or (service.provider_team_id is not None and service.provider_team_id == viewer.team_id)
        )
    if scope.kind == "person":
        return scope.person.pk == viewer.pk or scope.person.team_id in led
    return False


# -- figures from the rollups -----------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One row of a drill-down: a team below, or a service."""

    name: str
    url: str | None
    rollup: Rollup
    # The team or service it stands for; None: what is served beside them; OTHERS.
    key: int | None = None
    rated: int = 0  # ratings over the closed quarters of the dashboard's ratings
    satisfaction: stats.Share | None = None  # None under k, or to keep another group hidden
    hidden: bool = False


@dataclass(frozen=True)
class Bar:
    start: date
    rollup: Rollup


@dataclass(frozen=True)
class Backlog:
    open: int
    unassigned: int
    late: int  # past a promise's due time
    at_risk: int  # past the warning, not yet late
    bands: list[tuple[Age, int]]


@dataclass(frozen=True)
class Ratings:
    """Satisfaction and effort over whole closed quarters; None where n is under k."""

    quarters: str
    n: int
    k: int
    satisfaction: stats.Share | None
    ease: stats.Share | None


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    period: Period
    total: Rollup
    previous: Rollup
    trend: list[Bar]
    lines: list[Line]
    lines_of: str  # what the drill-down lists: "teams", "services"
    backlog: Backlog
    ratings: Ratings | None
    kudos: KudosCounts | None
    survey: SurveyResults | None  # a team's latest closed survey


Cell = tuple[int, int | None, date]


def _start(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)


def _service_cells(scope: Scope, start: date, end: date, **only) -> dict[Cell, Rollup]:
    """Cells by service, team and day: a person's added up live from the requests they hold
    (no rollup per person; a person holds few), else from the service rollups."""
    if scope.kind == "person":
        return aggregate(
            Request.objects.filter(assignee=scope.person), since=_start(start), until=_start(end)
        )
    rows = DailyServiceRollup.objects.filter(day__gte=start, day__lt=end, **only).values_list(
        "service_id", "team_id", "day", *COUNTS, *HISTOGRAMS
    )
    return {row[:3]: _rollup(row[3:]) for row in rows}


def _rollup(values: tuple) -> Rollup:
    """A rollup from its columns as read (COUNTS, then HISTOGRAMS): cheaper than a model."""
    counts, histograms = values[: len(COUNTS)], values[len(COUNTS) :]
    return Rollup(
        *counts, *(Histogram({int(b): n for b, n in part.items()}) for part in histograms)
    )


def _scope_key(scope: Scope) -> str:
    return ORG if scope.kind == "org" else team_scope_key(scope.team.pk)


def _scope_days(keys: list[str], start: date, end: date) -> dict[str, dict[date, Rollup]]:
    """Days of organisation or department rollups: one row a scope a day, however large."""
    rows = ScopeDailyRollup.objects.filter(scope__in=keys, day__gte=start, day__lt=end).values_list(
        "scope", "day", *COUNTS, *HISTOGRAMS
    )
    days: dict[str, dict[date, Rollup]] = {key: {} for key in keys}
    for row in rows:
        days[row[0]][row[1]] = _rollup(row[2:])
    return days


def _series(scope: Scope, start: date, end: date) -> dict[date, Rollup]:
    """The scope's figures day by day."""
    if scope.kind in ("org", "team"):
        return _scope_days([_scope_key(scope)], start, end)[_scope_key(scope)]
    only = {"service": scope.service} if scope.kind == "service" else {}
    by_day: dict[date, list[Rollup]] = defaultdict(list)
    for (_, _, day), rollup in _service_cells(scope, start, end, **only).items():
        by_day[day].append(rollup)
    return {day: merged(rollups) for day, rollups in by_day.items()}


def dashboard(*, scope: Scope, period: Period, now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    below = scope.below
    if below:
        # The scope's days and its departments' or teams' days in one read.
        keys = [_scope_key(scope), *(team_scope_key(pk) for pk, _ in below)]
        days_of = _scope_days(keys, period.start, period.end)
        days = days_of[keys[0]]
        lines_of, lines = "teams", _team_lines(scope, below, days_of)
        lines = _rated_lines(scope, period, lines, lines_of)
    else:
        days = _series(scope, period.start, period.end)
        lines_of, lines = ("", []) if scope.kind == "service" else _service_lines(scope, period)
        if lines:
            lines = _rated_lines(scope, period, lines, lines_of)
    previous = period.previous()
    return Dashboard(
        scope=scope,
        period=period,
        total=merged(days.values()),
        previous=merged(_series(scope, previous.start, previous.end).values()),
        trend=_trend(period, days),
        lines=lines,
        lines_of=lines_of,
        backlog=backlog(scope=scope, now=now),
        ratings=ratings(scope=scope, period=period),
        kudos=_kudos(scope, period),
        survey=_latest_survey(scope, now),
    )


def period_total(*, scope: Scope, period: Period) -> Rollup:
    return merged(_series(scope, period.start, period.end).values())


def _trend(period: Period, days: dict[date, Rollup]) -> list[Bar]:
    starts: list[date] = []
    day = period.trend_start(period.start)
    while day < period.end:
        starts.append(day)
        day = period.trend_start(day + timedelta(days=32 if period.by_month else 7))
    grouped: dict[date, list[Rollup]] = defaultdict(list)
    for day, rollup in days.items():
        grouped[period.trend_start(day)].append(rollup)
    return [Bar(start, merged(grouped.get(start, []))) for start in starts]


def _team_lines(
    scope: Scope, below: Iterable[tuple[int, str]], days_of: dict[str, dict[date, Rollup]]
) -> list[Line]:
    """Drill-down of the organisation to its top departments, of a department to the teams
    right under it (each with everything below it), and what is served beside them."""
    lines = [
        Line(
            name,
            reverse("insight:team", args=[pk]),
            merged(days_of[team_scope_key(pk)].values()),
            key=pk,
        )
        for pk, name in below
    ]
    whole = merged(days_of[_scope_key(scope)].values())
    name = "services given by people" if scope.kind == "org" else f"{scope.title} itself"
    # Kept even when empty until the ratings are in: they are part of the partition.
    lines.append(Line(name, None, whole - merged(line.rollup for line in lines)))
    return lines


def _service_lines(scope: Scope, period: Period) -> tuple[str, list[Line]]:
    """Drill-down of a team without sub-teams, or of a person, to services."""
    only = {"team": scope.team} if scope.kind == "team" else {}
    by_service: dict[int, list[Rollup]] = defaultdict(list)
    cells = _service_cells(scope, period.start, period.end, **only)
    for (service_id, _, _), rollup in cells.items():
        by_service[service_id].append(rollup)
    services = Service.objects.filter(pk__in=by_service).only("slug", "name").order_by("name")
    return "services", [
        Line(s.name, reverse("insight:service", args=[s.slug]), merged(by_service[s.pk]), key=s.pk)
        for s in services
    ]


# -- live figures -----------------------------------------------------------------------------


def _open_requests(scope: Scope):
    requests = Request.objects.filter(status__in=OPEN_STATUSES)
    if scope.kind == "team":
        return requests.filter(provider_team_id__in=scope.team_ids)
    if scope.kind == "service":
        return requests.filter(service=scope.service)
    if scope.kind == "person":
        return requests.filter(assignee=scope.person)
    return requests


def backlog(*, scope: Scope, now: datetime) -> Backlog:
    """The open requests now, in one query: counted as open with their age so far, so a
    slow backlog never drops out of the figures."""
    bands = {
        f"band_{index}": Count(
            "pk",
            filter=Q(created_at__lte=now - timedelta(days=band.low_days))
            & (
                Q()
                if band.high_days is None
                else Q(created_at__gt=now - timedelta(days=band.high_days))
            ),
        )
        for index, band in enumerate(AGE_BANDS)
    }
    warned = Q(response_warn_at__lte=now, responded_at__isnull=True) | Q(
        resolution_warn_at__lte=now
    )
    counts = (
        _open_requests(scope)
        .order_by()
        .aggregate(
            open=Count("pk"),
            unassigned=Count("pk", filter=Q(assignee__isnull=True)),
            late=Count("pk", filter=Q(queue_due_at__lte=now)),
            at_risk=Count("pk", filter=warned & Q(queue_due_at__gt=now)),
            **bands,
        )
    )
    return Backlog(
        open=counts["open"],
        unassigned=counts["unassigned"],
        late=counts["late"],
        at_risk=counts["at_risk"],
        bands=[(band, counts[f"band_{index}"]) for index, band in enumerate(AGE_BANDS)],
    )


def _closed_quarters(period: Period, today: date) -> tuple[date, date]:
    """The whole calendar quarters, already over, that the period touches; the last one over
    when the period lies inside the current quarter."""
    this_quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    first = date(period.start.year, (period.start.month - 1) // 3 * 3 + 1, 1)
    if first >= this_quarter:
        first = (this_quarter - timedelta(days=1)).replace(day=1)
        first = date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
    return first, this_quarter


def _rated(scope: Scope, period: Period, today: date | None) -> tuple[str, QuerySet[Rating]]:
    start, end = _closed_quarters(period, today or timezone.localdate())
    given = Rating.objects.filter(rated_on__gte=start, rated_on__lt=end).order_by()
    if scope.kind == "team":
        given = given.filter(provider_team_id__in=scope.team_ids)
    elif scope.kind == "service":
        given = given.filter(service=scope.service)
    elif scope.kind == "person":
        given = given.filter(provider_person=scope.person)
    first, last = quarter_of(start), quarter_of(end - timedelta(days=1))
    return (first if first == last else f"{first} to {last}"), given


_SATISFIED = Count("pk", filter=Q(satisfaction__gte=4))
OTHERS = -1  # the line key of ratings no other line stands for


def ratings(*, scope: Scope, period: Period, today: date | None = None) -> Ratings:
    k = min_group()
    quarters, given = _rated(scope, period, today)
    counts = given.aggregate(
        n=Count("pk"), satisfied=_SATISFIED, easy=Count("pk", filter=Q(ease__gte=5))
    )
    n, shown = counts["n"], counts["n"] >= k
    return Ratings(
        quarters=quarters,
        n=n,
        k=k,
        satisfaction=stats.wilson(counts["satisfied"], n) if shown else None,
        ease=stats.wilson(counts["easy"], n) if shown else None,
    )


def _rated_lines(scope: Scope, period: Period, lines: list[Line], lines_of: str) -> list[Line]:
    """Each line's satisfaction, the lines being a partition of the whole whose total is shown:
    a group under k is hidden, and the next smallest with it, so no difference tells it."""
    _, given = _rated(scope, period, None)
    by = "service_id" if lines_of == "services" else "provider_team_id"
    keys = {line.key for line in lines}
    counts: dict[object, list[int]] = defaultdict(lambda: [0, 0])
    grouped = given.values_list(by).annotate(n=Count("pk"), satisfied=_SATISFIED)
    for key, n, satisfied in grouped:
        line = key if lines_of == "services" else scope.line_of.get(key)
        # Services rated but not asked anything in the period still count in the total.
        line = line if line in keys else OTHERS
        counts[line][0] += n
        counts[line][1] += satisfied
    if OTHERS in counts:
        others = "other services, rated but not asked in the period"
        lines = [*lines, Line(others, None, Rollup(), key=OTHERS)]
    hidden = stats.suppressed({key: n for key, (n, _) in counts.items()}, min_group())
    rated = []
    for line in lines:
        n, satisfied = counts.pop(line.key, (0, 0))
        if line.key is None and not n and line.rollup.is_empty:
            continue  # nothing served beside the teams, nothing rated: no line to show
        shown = n and line.key not in hidden
        rated.append(
            replace(
                line,
                rated=n,
                hidden=line.key in hidden,
                satisfaction=stats.wilson(satisfied, n) if shown else None,
            )
        )
    return rated


def _kudos(scope: Scope, period: Period) -> KudosCounts | None:
    """Kudos in the period; given counts named kudos only (anonymous ones are nobody's)."""
    within = Kudos.objects.filter(
        created_at__gte=_start(period.start), created_at__lt=_start(period.end)
    ).order_by()
    if scope.kind == "person":
        given, received = Q(giver=scope.person), Q(to_person=scope.person)
    elif scope.kind == "team":
        given = Q(giver__team_id__in=scope.team_ids)
        received = Q(to_team_id__in=scope.team_ids) | Q(to_person__team_id__in=scope.team_ids)
    elif scope.kind == "org":
        given, received = Q(giver__isnull=False), Q()
    else:
        return None
    return KudosCounts(
        **within.aggregate(given=Count("pk", filter=given), received=Count("pk", filter=received))
    )


def _latest_survey(scope: Scope, now: datetime) -> SurveyResults | None:
    """Surveys ask about one team: its latest closed one, shown as feedback shows it."""
    if scope.kind != "team":
        return None
    latest = surveys_of(team=scope.team).filter(closes_at__lte=now).order_by("-closes_at").first()
    return None if latest is None else survey_results(survey=latest, now=now)
