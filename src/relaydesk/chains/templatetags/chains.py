from django import template

from relaydesk.chains.permissions import may_see_map
from relaydesk.chains.selectors import request_impact
from relaydesk.directory.models import Person, Team
from relaydesk.servicerequests.models import Request

register = template.Library()


@register.filter
def percent(rate: float | None) -> str:
    return "unknown" if rate is None else f"{rate:.0%}"


@register.filter
def may_see_map_of(viewer: Person, subject: Person | Team) -> bool:
    return may_see_map(viewer, subject)


@register.inclusion_tag("chains/_impact.html")
def late_request_impact(request: Request) -> dict:
    """On a late open request's page: what it holds up downstream (SPEC §3.3)."""
    late = request.is_open and (request.response_breached or request.resolution_breached)
    return {"report": request_impact(request=request) if late else None}
