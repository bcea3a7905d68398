"""Sustained request creation through the API, with several server processes (SPEC §7).

    DATABASE_URL=postgresql://... python bench/api_create.py [--seconds 20] [--workers 4]

Needs a built dataset (bench/README.md). Starts `relaydesk serve` with --workers processes,
posts requests from --clients client processes on loopback for a bounded time, reports the
sustained rate of 201s, then checks that the due times of a sample of the created requests
are exactly what the business-time engine says for their creation instant and promise.
"""

import argparse
import json
import multiprocessing
import os
import random
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relaydesk.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from relaydesk.catalog.models import Service  # noqa: E402
from relaydesk.directory.models import Person  # noqa: E402
from relaydesk.directory.services import api_token_create  # noqa: E402
from relaydesk.servicerequests.models import Request  # noqa: E402
from relaydesk.testing import serving  # noqa: E402

TARGET_PER_SECOND = 300
TITLE = "bench: API creation"


def client(base: str, tokens: list[str], slugs: list[str], seconds: float, seed: int, out):
    rng = random.Random(seed)
    created = errors = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = json.dumps({"service": rng.choice(slugs), "title": TITLE, "priority": "normal"})
        request = urllib.request.Request(
            f"{base}/api/v1/requests",
            data=body.encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {rng.choice(tokens)}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request) as response:
                created += response.status == 201
        except urllib.error.HTTPError:
            errors += 1
    out.put((created, errors))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4, help="server processes")
    parser.add_argument("--clients", type=int, default=8, help="client processes")
    args = parser.parse_args()
    people = list(Person.objects.filter(is_active=True).order_by("?")[:50])
    tokens = [api_token_create(person=p, name="bench")[1] for p in people]
    slugs = list(
        Service.objects.filter(is_active=True, audience="everyone", promises__priority="normal")
        .exclude(kind="face_time")
        .values_list("slug", flat=True)[:300]
    )
    before = (
        Request.objects.filter(title=TITLE).values_list("pk", flat=True).order_by("-pk").first()
        or 0
    )
    connection.close()
    with serving(dict(os.environ), workers=args.workers) as base:
        results: multiprocessing.Queue = multiprocessing.Queue()
        started = time.monotonic()
        clients = [
            multiprocessing.Process(
                target=client, args=(base, tokens, slugs, args.seconds, n, results)
            )
            for n in range(args.clients)
        ]
        for process in clients:
            process.start()
        totals = [results.get() for _ in clients]
        elapsed = time.monotonic() - started
        for process in clients:
            process.join()
    created = sum(c for c, _ in totals)
    errors = sum(e for _, e in totals)
    new = Request.objects.filter(title=TITLE, pk__gt=before).select_related("service__calendar")
    wrong = 0
    sample = list(new.order_by("?")[:500])
    for request in sample:
        promise = request.service.promises.get(priority=request.priority)
        engine = request.service.calendar.engine()
        expected = engine.due(request.created_at, promise.resolution_minutes * 60)
        wrong += expected.timestamp() != request.resolution_due_at.timestamp()
    rate = created / elapsed
    print(
        f"{connection.vendor}, {args.workers} server processes, {args.clients} clients, "
        f"{elapsed:.1f} s: {created:,} created ({rate:.0f}/s), {errors} errors; due times "
        f"checked on {len(sample)}: {wrong} wrong; target >= {TARGET_PER_SECOND}/s: "
        f"{'met' if rate >= TARGET_PER_SECOND and not wrong else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
