"""The demo's fairness story (SPEC §3.3, §3.4): one team works external first — the history
made it answer colleagues more slowly than external work, so its "who comes last?" report
shows the habit —, one of its people is away with a colleague covering, and another is over
their work-in-progress limit. Every organisation the demo builds tells it."""

from datetime import datetime, timedelta

from django.db.models import Count, Q

from relaydesk.core.queue_policy import QueuePolicy
from relaydesk.directory.models import Absence, Person, Team
from relaydesk.servicerequests.models import OPEN_STATUSES

AWAY_BEFORE, AWAY_AFTER = timedelta(days=1), timedelta(days=4)


def build_fairness(*, team_id: int | None, now: datetime) -> dict[str, str]:
    """Tell it about the team the history gave the external-first habit (`team_id`); what it
    set up, in words, for the build's closing lines (empty when no team fits)."""
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        return {}
    members = list(
        Person.objects.filter(team=team, is_active=True)
        .annotate(holding=Count("assigned", filter=Q(assigned__status__in=OPEN_STATUSES)))
        .order_by("-holding", "email")
    )
    if len(members) < 3:
        return {}
    loaded, away, backup = members[0], members[-1], members[-2]
    Team.objects.filter(pk=team.pk).update(queue_policy=QueuePolicy.EXTERNAL_FIRST)
    Person.objects.filter(pk=loaded.pk).update(wip_limit=max(loaded.holding - 1, 1))
    Absence.objects.create(
        person=away,
        starts_at=now - AWAY_BEFORE,
        ends_at=now + AWAY_AFTER,
        backup=backup,
        note="Training course",
    )
    return {
        "external first": team.name,
        "over the work limit": loaded.name,
        "away": f"{away.name}, covered by {backup.name}",
    }
