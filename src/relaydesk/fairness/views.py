"""The "who comes last?" page of a team."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from relaydesk.directory.models import Team
from relaydesk.errors import InvalidInput
from relaydesk.fairness import selectors
from relaydesk.reports import DEFAULT_DAYS, window_days
from relaydesk.servicerequests.selectors import may_see_team_queue


def who_comes_last(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    if not may_see_team_queue(request.user, team):
        raise PermissionDenied("only the team's members, its leads and admins see this report")
    try:
        days = window_days(request.GET.get("days"))
    except InvalidInput as invalid:
        raise BadRequest("days: " + " ".join(invalid.errors["days"])) from None
    report = selectors.who_comes_last(team=team, days=days)
    context = {"team": team, "days": days, "report": report, "default_days": DEFAULT_DAYS}
    return render(request, "fairness/who_comes_last.html", context)
