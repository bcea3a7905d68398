"""Who comes last? through the API."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from relaydesk.api_schemas import DatabaseId, responses
from relaydesk.directory.models import Team
from relaydesk.fairness import selectors
from relaydesk.reports import DEFAULT_DAYS, MAX_DAYS
from relaydesk.servicerequests.selectors import may_see_team_queue

router = Router(tags=["fairness"])


class WindowParams(Schema):
    days: int = Field(DEFAULT_DAYS, ge=1, le=MAX_DAYS, description="The window, in days.")


class WaitFiguresOut(Schema):
    n: int = Field(description="Requests with a wait to count.")
    median: float | None = Field(description="Business seconds; null without data.")
    p90: float | None = Field(description="Business seconds, the 90th percentile.")
    still_open: int = Field(description="Requests not answered (or not done) yet.")


class GroupOut(Schema):
    name: str
    first_response: WaitFiguresOut
    resolution: WaitFiguresOut


class ParityOut(Schema):
    days: int
    parity_index: float | None = Field(
        description="Median wait for a first answer of colleagues' requests over that of "
        "requests tied to an external party; null without answers on both sides."
    )
    sentence: str
    by_class: list[GroupOut]
    by_team: list[GroupOut]


@router.get("/teams/{team_id}/who-comes-last", response=responses(200, ParityOut, 403, 404, 422))
def who_comes_last(request: HttpRequest, team_id: DatabaseId, params: Query[WindowParams]):
    """How long the team's requesters waited, colleagues beside external work: for its
    members, its leads and admins."""
    team = get_object_or_404(Team, pk=team_id)
    if not may_see_team_queue(request.auth, team):
        raise PermissionDenied(f"Only {team}'s members, its leads and admins see this report.")
    report = selectors.who_comes_last(team=team, days=params.days)
    return {"days": params.days, **report.__dict__}
