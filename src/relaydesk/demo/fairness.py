"""The demo's fairness story (SPEC §3.3, §3.4): the busiest team works external first, one of
its people is away with a colleague covering, and another is over their work-in-progress
limit. Chosen from the finished history, so every organisation the demo builds tells it."""

from datetime import datetime, timedelta

from django.db.models import Count, Q

from relaydesk.core.queue_policy import QueuePolicy
from relaydesk.directory.models import Absence, Person, Team
from relaydesk.servicerequests.models import OPEN_STATUSES

AWAY_BEFORE, AWAY_AFTER = timedelta(days=1), timedelta(days=4)


def build_fairness(*, now: datetime) -> dict[str, str]:
    """What it set up, in words, for the build's closing lines (empty when no team fits)."""
    busiest = (
        Team.objects.filter(lead__isnull=False)
        .annotate(open=Count("queue", filter=Q(queue__status__in=OPEN_STATUSES)))
        .order_by("-open", "name")
        .first()
    )
    if busiest is None:
        return {}
    members = list(
        Person.objects.filter(team=busiest, is_active=True)
        .exclude(pk=busiest.lead_id)
        .annotate(holding=Count("assigned", filter=Q(assigned__status__in=OPEN_STATUSES)))
        .order_by("-holding", "email")
    )
    if len(members) < 3:
        return {}
    loaded, away, backup = members[0], members[-1], members[-2]
    Team.objects.filter(pk=busiest.pk).update(queue_policy=QueuePolicy.EXTERNAL_FIRST)
    Person.objects.filter(pk=loaded.pk).update(wip_limit=max(loaded.holding - 1, 1))
    Absence.objects.create(
        person=away,
        starts_at=now - AWAY_BEFORE,
        ends_at=now + AWAY_AFTER,
        backup=backup,
        note="Training course",
    )
    return {
        "external first": busiest.name,
        "over the work limit": loaded.name,
        "away": f"{away.name}, covered by {backup.name}",
    }
