"""Feedback's fragments on other areas' pages: the kudos feed on home, the kudos counts on
person and team pages, and rating, clarity and thanks on a request page."""

from django import template

from relaydesk.core.lifecycle import Side
from relaydesk.directory.models import Person, Team
from relaydesk.feedback import selectors
from relaydesk.feedback.forms import ClarityForm
from relaydesk.servicerequests.models import Request, Status

register = template.Library()


@register.inclusion_tag("feedback/_home_feed.html")
def kudos_feed(person: Person) -> dict:
    return {"feed": selectors.kudos_feed(person=person, size=5)}


@register.inclusion_tag("feedback/_counts.html", takes_context=True)
def kudos_counts(context: template.Context, subject: Person | Team) -> dict:
    if isinstance(subject, Team):
        counts = selectors.kudos_counts_of_team(team=subject)
        thank = f"team-{subject.pk}"
        viewer = context.get("user")
        feedback = viewer is not None and selectors.may_see_team_feedback(viewer, subject)
    else:
        counts = selectors.kudos_counts_of_person(person=subject)
        thank = f"person-{subject.pk}"
        feedback = False
    return {"counts": counts, "thank": thank, "subject": subject, "feedback": feedback}


@register.inclusion_tag("feedback/_on_request.html", takes_context=True)
def request_feedback(context: template.Context, shown: Request) -> dict:
    sides = getattr(shown, "viewer_sides", frozenset())
    may_rate = shown.status == Status.DONE and Side.REQUESTER in sides
    may_mark = Side.PROVIDER in sides
    state = selectors.request_feedback(request=shown, rating=may_rate, clarity=may_mark)
    return {
        "shown": shown,
        "state": state,
        "may_rate": may_rate,
        "may_mark": may_mark,
        "clarity_form": ClarityForm(
            initial={"score": state.clarity.score, "reason": state.clarity.reason}
            if state.clarity
            else None
        ),
        "csrf_token": context.get("csrf_token"),
    }
