"""The team queue and my queue under each queue policy, on a built dataset (SPEC §3.4, §7).

    python bench/queue_policies.py [--rounds 200] [--workers 2]

Run it with the same RELAYDESK_DATA_DIR / DATABASE_URL as the dataset was built with. It picks
the team with the most open requests and that team's member with the most open work, then for
each policy sets the team's `queue_policy`, times both pages through `relaydesk serve` as
bench/pages.py does, and counts their SQL queries. It WRITES one field: the team's queue
policy, put back as it was at the end.
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.db.models import Count
from pages import (
    TARGET_MEDIAN_MS,
    Subject,
    percentile,
    query_count,
    serving,
    signed_in_opener,
    timed,
)

from relaydesk.core.queue_policy import QueuePolicy
from relaydesk.directory.models import Person, Team
from relaydesk.servicerequests.models import OPEN_STATUSES, Request


def heaviest_queue() -> tuple[Team, Person, int]:
    open_requests = Request.objects.filter(status__in=OPEN_STATUSES)
    busiest = open_requests.values("provider_team").annotate(n=Count("id")).order_by("-n").first()
    team = Team.objects.get(pk=busiest["provider_team"])
    member = (
        open_requests.filter(assignee__team=team)
        .values("assignee")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return team, Person.objects.get(pk=member["assignee"]), busiest["n"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200, help="timed requests per page")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    args = parser.parse_args()
    team, member, waiting = heaviest_queue()
    viewer = team.lead or member
    kept = team.queue_policy
    subjects = [
        Subject("team queue", f"/teams/{team.pk}/queue/", viewer),
        Subject("my queue", "/queue/", member),
    ]
    rows = []
    try:
        with serving(dict(os.environ), workers=args.workers) as base:
            openers = {
                subject.label: signed_in_opener(base, subject.person) for subject in subjects
            }
            for policy in QueuePolicy:
                Team.objects.filter(pk=team.pk).update(queue_policy=policy)
                for subject in subjects:
                    samples, _ = timed(openers[subject.label], base + subject.path, args.rounds)
                    median, p95 = statistics.median(samples), percentile(samples, 0.95)
                    rows.append((policy, subject, median, p95, query_count(subject)))
    finally:
        Team.objects.filter(pk=team.pk).update(queue_policy=kept)
    print(
        f"{team.name}: {waiting} open requests; {member.name} holds the most of them; "
        f"{args.rounds} timed requests a page, {args.workers} workers"
    )
    print("| policy | page | median ms | p95 ms | SQL queries | median ≤ 30 ms |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for policy, subject, median, p95, queries in rows:
        met = "yes" if median <= TARGET_MEDIAN_MS else "NO"
        print(
            f"| {policy} | {subject.label} (`{subject.path}`) | {median:.1f} | {p95:.1f} | "
            f"{queries} | {met} |"
        )


if __name__ == "__main__":
    main()
