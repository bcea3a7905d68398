"""Insight's fragments where people already look: a team's health on its page and on its
lead's home, the organisation's on an admin's home (SPEC §3.6)."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone

from relaydesk.core.rollups import Period
from relaydesk.directory.models import Team
from relaydesk.directory.selectors import teams_led_directly
from relaydesk.insight import selectors

register = template.Library()


def _health(scope: selectors.Scope, now: datetime) -> dict:
    today = now.date()
    month = Period(today.replace(day=1), today + timedelta(days=1), "month")
    return {
        "scope": scope,
        "backlog": selectors.backlog(scope=scope, now=now),
        "month": selectors.period_total(scope=scope, period=month),
    }


@register.inclusion_tag("insight/_health.html", takes_context=True)
def team_health(context: template.Context, team: Team) -> dict:
    viewer = context.get("user")
    # Whether the viewer may see it needs no walk down the team tree: ask first.
    if viewer is None or not selectors.may_see(viewer, selectors.Scope("team", "", team=team)):
        return {"healths": []}
    return {"healths": [_health(selectors.team_scope(team), timezone.now())]}


@register.inclusion_tag("insight/_health.html", takes_context=True)
def health_at_a_glance(context: template.Context) -> dict:
    """For an admin the organisation, for a lead each team they lead; nothing for others."""
    viewer = context.get("user")
    if viewer is None or not viewer.is_authenticated:
        return {"healths": []}
    now = timezone.now()
    scopes = [selectors.org_scope()] if viewer.is_admin else []
    scopes += [
        selectors.team_scope(team)
        for team in Team.objects.filter(pk__in=teams_led_directly(viewer)).order_by("name")
    ]
    return {"healths": [_health(scope, now) for scope in scopes]}
