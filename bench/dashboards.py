"""Dashboard latencies and SQL query counts on a built dataset (SPEC §7: a team's dashboard
over one year in ≤ 300 ms, the organisation's in ≤ 1 s), and an organisation-wide CSV
export's time and the server's peak memory.

    python bench/dashboards.py [--rounds 20] [--workers 2] [--rebuild]

Run it with the same RELAYDESK_DATA_DIR / DATABASE_URL as the dataset was built with (see
bench/README.md); a demo build leaves the rollups filled. It reuses bench/pages.py's server,
sign-in, timing and query counting. --rebuild first times `relaydesk rollups rebuild`.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.db import connection
from django.db.models import Count
from pages import (
    Subject,
    percentile,
    query_count,
    server_peak_rss_mb,
    signed_in_opener,
    timed,
)

from relaydesk.directory.models import Person, Team
from relaydesk.insight.services import rollups_rebuild
from relaydesk.servicerequests.models import Request
from relaydesk.testing import serving

TARGETS_MS = {"team": 300, "department": 1000, "organisation": 1000, "service": 300}
YEAR = "?period=365d"


def subjects() -> list[tuple[str, Subject]]:
    """The busiest team, the department with the most teams below it, the busiest service,
    the organisation: each over one year, opened by an admin."""
    admin = Person.objects.filter(is_admin=True, is_active=True).first()
    team = Team.objects.annotate(n=Count("queue")).order_by("-n").first()
    department = Team.objects.annotate(n=Count("children")).order_by("-n").first()
    service_id = (
        Request.objects.values("service").annotate(n=Count("id")).order_by("-n").first()["service"]
    )
    service = Request.objects.filter(service_id=service_id).first().service
    return [
        ("team", Subject("team dashboard", f"/insight/teams/{team.pk}/{YEAR}", admin)),
        (
            "department",
            Subject("department dashboard", f"/insight/teams/{department.pk}/{YEAR}", admin),
        ),
        (
            "service",
            Subject("service dashboard", f"/insight/services/{service.slug}/{YEAR}", admin),
        ),
        ("organisation", Subject("organisation dashboard", f"/insight/{YEAR}", admin)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="timed requests per page")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--rebuild", action="store_true", help="time a full rollup rebuild first")
    args = parser.parse_args()
    if args.rebuild:
        started = time.perf_counter()
        kept = rollups_rebuild()
        print(f"Rollups rebuilt: {kept:,} service cells in {time.perf_counter() - started:.1f} s")
    chosen = subjects()
    rows = []
    with serving(dict(os.environ), workers=args.workers) as base:
        for kind, subject in chosen:
            opener = signed_in_opener(base, subject.person)
            samples, _ = timed(opener, base + subject.path, args.rounds)
            rows.append((kind, subject, samples, query_count(subject)))
        export = f"{base}/insight/?period=365d&export=trend"
        opener = signed_in_opener(base, chosen[-1][1].person)
        started = time.perf_counter()
        exported = opener.open(export).read()
        export_ms = (time.perf_counter() - started) * 1000
        memory = server_peak_rss_mb(base)
    print(
        f"Dataset: {Person.objects.count():,} people, {Request.objects.count():,} requests, "
        f"{connection.vendor}; {args.rounds} timed requests a page, {args.workers} workers; "
        f"{platform.python_version()} on {os.cpu_count()} cores"
    )
    print("| dashboard, one year | median ms | p95 ms | SQL queries | target | meets target |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for kind, subject, samples, queries in rows:
        median = statistics.median(samples)
        p95 = percentile(samples, 0.95) if len(samples) > 1 else median
        met = median <= TARGETS_MS[kind]
        print(
            f"| {subject.label} (`{subject.path}`) | {median:.1f} | {p95:.1f} | {queries} | "
            f"≤ {TARGETS_MS[kind]} ms | {'yes' if met else 'NO'} |"
        )
    print(
        f"Organisation-wide CSV export (`{export}`): {export_ms:.0f} ms, "
        f"{len(exported) / 1024:.0f} KB; server peak memory {memory:.0f} MB (master and workers)"
    )


if __name__ == "__main__":
    main()
