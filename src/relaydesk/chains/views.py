from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from relaydesk.chains import picture, selectors
from relaydesk.chains.permissions import may_see_map, may_see_risk
from relaydesk.directory.models import Person, Team
from relaydesk.errors import InvalidInput
from relaydesk.reports import window_days


def mine(request: HttpRequest) -> HttpResponse:
    return redirect("chains:person", request.user.pk)


def person_map(request: HttpRequest, pk: int) -> HttpResponse:
    return _map(request, get_object_or_404(Person, pk=pk))


def team_map(request: HttpRequest, pk: int) -> HttpResponse:
    return _map(request, get_object_or_404(Team, pk=pk))


def _map(request: HttpRequest, subject: Person | Team) -> HttpResponse:
    if not may_see_map(request.user, subject):
        raise PermissionDenied("Only they, the leads of their team and admins see this map.")
    days = _days(request)
    shown = selectors.customer_map(subject=subject, days=days)
    try:
        svg = picture.map_svg(shown, picture.map_edges(shown, selectors.customer_graph(days=days)))
    except picture.PictureUnavailable:
        svg = None
    today = timezone.localdate()
    context = {
        "subject": subject,
        "map": shown,
        "svg": svg,
        "week": (today, today + timedelta(days=6)),
        "may_see_risk": may_see_risk(request.user),
    }
    return render(request, "chains/map.html", context)


def impact(request: HttpRequest) -> HttpResponse:
    """The impact of a person's absence from one day to another (both days included)."""
    try:
        person = get_object_or_404(Person, pk=int(request.GET.get("person", "")))
    except ValueError:
        raise BadRequest("person: give the id of a person, e.g. ?person=12") from None
    if not may_see_map(request.user, person):
        raise PermissionDenied("Only they, the leads of their team and admins see this.")
    start, end = _day(request, "from"), _day(request, "to")
    try:
        report = selectors.absence_impact(
            person=person,
            start=datetime.combine(start, time.min, UTC),
            end=datetime.combine(end, time.max, UTC),
        )
    except InvalidInput as invalid:
        raise BadRequest(str(invalid)) from None
    context = {"person": person, "start": start, "end": end, "report": report}
    return render(request, "chains/impact.html", context)


def risk(request: HttpRequest) -> HttpResponse:
    if not may_see_risk(request.user):
        raise PermissionDenied("Key-person risk is for team leads and admins.")
    report = selectors.key_person_risk(viewer=request.user, days=_days(request))
    return render(request, "chains/risk.html", {"report": report})


def _days(request: HttpRequest) -> int:
    try:
        return window_days(request.GET.get("days"))
    except InvalidInput as invalid:
        raise BadRequest(str(invalid)) from None


def _day(request: HttpRequest, name: str) -> date:
    value = request.GET.get(name, "")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{name}: give a date as YYYY-MM-DD, not {value[:40]!r}") from None
