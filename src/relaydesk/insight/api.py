"""The dashboards through the API: the same figures as the pages, each with its n."""

from datetime import date
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from relaydesk.api_schemas import BoundedDate, DatabaseId, responses
from relaydesk.catalog.api import Slug
from relaydesk.catalog.models import Service
from relaydesk.core.rollups import Histogram, Rollup, period_of
from relaydesk.core.stats import Share
from relaydesk.directory.models import Person, Team
from relaydesk.errors import InvalidInput
from relaydesk.insight import selectors
from relaydesk.insight.selectors import Dashboard, Scope

router = Router(tags=["insight"])


class PeriodParams(Schema):
    period: Literal["7d", "30d", "90d", "365d", "quarter", "custom"] = Field(
        "30d", description="The last days up to today, this quarter so far, or custom."
    )
    start: BoundedDate | None = Field(None, description="A custom period's first day.")
    end: BoundedDate | None = Field(None, description="A custom period's last day.")


class SubjectParams(Schema):
    team_id: DatabaseId | None = Field(None, description="A team, everything below it included.")
    service: Slug | None = Field(None, description="A service, by its slug.")
    person_id: DatabaseId | None = Field(None, description="What a person held, as assignee.")


class DashboardShareOut(Schema):
    hits: int
    n: int
    value: float | None = Field(description="hits / n; null when n is 0.")
    low: float = Field(description="The 95 % Wilson interval's lower end.")
    high: float


class DashboardTimesOut(Schema):
    n: int
    median_seconds: float | None = Field(
        description="Business seconds, from a histogram within 2.5 % of the exact value."
    )
    p90_seconds: float | None
    on_time: DashboardShareOut


class DashboardFiguresOut(Schema):
    created: int
    finished: int
    cancelled: int
    first_response: DashboardTimesOut
    resolution: DashboardTimesOut
    early: DashboardShareOut = Field(description="Of finished requests with a needed-by date.")
    parity_index: float | None = Field(
        description="Colleagues' median first-response wait over that of requests tied to an "
        "external party; null without both."
    )


class DashboardBarOut(Schema):
    start: date = Field(description="The week's Monday, or the month's first day.")
    figures: DashboardFiguresOut


class DashboardLineOut(Schema):
    name: str
    figures: DashboardFiguresOut
    ratings_n: int
    satisfaction: DashboardShareOut | None = Field(
        description="Null when hidden or without ratings."
    )
    hidden: bool = Field(description="Too few ratings, or hidden so no difference tells them.")


class DashboardAgeOut(Schema):
    band: str
    n: int


class DashboardBacklogOut(Schema):
    open: int
    late: int
    at_risk: int
    unassigned: int
    ages: list[DashboardAgeOut]


class DashboardRatingsOut(Schema):
    quarters: str
    n: int
    k: int
    satisfaction: DashboardShareOut | None = Field(description="Share of 4-5; null under k.")
    ease: DashboardShareOut | None


class DashboardKudosOut(Schema):
    given: int
    received: int


class DashboardOut(Schema):
    kind: str
    name: str
    first_day: date
    last_day: date
    figures: DashboardFiguresOut
    previous_period: DashboardFiguresOut
    trend: list[DashboardBarOut]
    lines: list[DashboardLineOut]
    backlog: DashboardBacklogOut
    ratings: DashboardRatingsOut | None
    kudos: DashboardKudosOut | None


def _share(share: Share | None) -> dict | None:
    if share is None:
        return None
    value = share.value if share.n else None
    return {"hits": share.hits, "n": share.n, "value": value, "low": share.low, "high": share.high}


def _times(histogram: Histogram, on_time: Share) -> dict:
    return {
        "n": histogram.n,
        "median_seconds": histogram.percentile(0.5),
        "p90_seconds": histogram.percentile(0.9),
        "on_time": _share(on_time),
    }


def _figures(rollup: Rollup) -> dict:
    return {
        "created": rollup.created,
        "finished": rollup.finished,
        "cancelled": rollup.cancelled,
        "first_response": _times(rollup.response, rollup.response_on_time_rate()),
        "resolution": _times(rollup.resolution, rollup.resolution_on_time_rate()),
        "early": _share(rollup.early_rate()),
        "parity_index": rollup.parity_index(),
    }


def _answer(request: HttpRequest, scope: Scope, params: PeriodParams) -> dict:
    if not selectors.may_see(request.auth, scope):
        raise PermissionDenied("this dashboard is for its leads, its own people and admins")
    try:
        period = period_of(params.period, timezone.now().date(), params.start, params.end)
    except ValueError as invalid:
        raise InvalidInput({"period": [str(invalid)]}) from None
    board: Dashboard = selectors.dashboard(scope=scope, period=period)
    backlog, rated = board.backlog, board.ratings
    return {
        "kind": scope.kind,
        "name": scope.title,
        "first_day": period.start,
        "last_day": period.last,
        "figures": _figures(board.total),
        "previous_period": _figures(board.previous),
        "trend": [{"start": bar.start, "figures": _figures(bar.rollup)} for bar in board.trend],
        "lines": [
            {
                "name": line.name,
                "figures": _figures(line.rollup),
                "ratings_n": line.rated,
                "satisfaction": _share(line.satisfaction),
                "hidden": line.hidden,
            }
            for line in board.lines
        ],
        "backlog": {
            "open": backlog.open,
            "late": backlog.late,
            "at_risk": backlog.at_risk,
            "unassigned": backlog.unassigned,
            "ages": [{"band": band.label, "n": n} for band, n in backlog.bands],
        },
        "ratings": None
        if rated is None
        else {
            "quarters": rated.quarters,
            "n": rated.n,
            "k": rated.k,
            "satisfaction": _share(rated.satisfaction),
            "ease": _share(rated.ease),
        },
        "kudos": None if board.kudos is None else board.kudos.__dict__,
    }


@router.get("/insight", response=responses(200, DashboardOut, 403, 404, 422))
def dashboard(request: HttpRequest, params: Query[PeriodParams], of: Query[SubjectParams]):
    """A dashboard over a period: of a team with everything below it (for its members, leads
    and admins), of a service (its providers, their leads, admins), of what a person held
    (them, their leads, admins), or, naming none, of the organisation (admins)."""
    named = [name for name, value in of.dict().items() if value is not None]
    if len(named) > 1:
        raise InvalidInput({name: ["name one of team_id, service, person_id"] for name in named})
    if of.team_id is not None:
        scope = selectors.team_scope(get_object_or_404(Team, pk=of.team_id))
    elif of.service is not None:
        scope = selectors.service_scope(get_object_or_404(Service, slug=of.service))
    elif of.person_id is not None:
        scope = selectors.person_scope(get_object_or_404(Person, pk=of.person_id))
    else:
        scope = selectors.org_scope()
    return _answer(request, scope, params)
