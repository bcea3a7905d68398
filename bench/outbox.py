"""The outbox: what publishing costs a request creation, and how fast workers drain it.

    DATABASE_URL=postgresql://... python bench/outbox.py [--requests 200] [--creations 400]

Needs a built dataset (bench/README.md). In one run:

1. The added cost per request creation: `request_create` timed in alternating blocks with the
   handlers subscribed (the outbox rows are written) and with none subscribed (nothing is
   written), on the same data, so drift in the machine touches both alike.
2. Throughput: --requests requests are created (their events wait in the outbox), then one
   `relaydesk worker` process drains it, timed from its start until nothing is left; the same
   again with two worker processes at once. Email goes to a real SMTP server on loopback
   (aiosmtpd, accepting and discarding), so sending is part of the figure.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relaydesk.settings")

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402

from relaydesk.catalog.models import Service  # noqa: E402
from relaydesk.catalog.permissions import may_request  # noqa: E402
from relaydesk.directory.models import Person  # noqa: E402
from relaydesk.events import registry  # noqa: E402
from relaydesk.events.models import OutboxEvent  # noqa: E402
from relaydesk.loopback import free_port  # noqa: E402
from relaydesk.servicerequests.services import request_create  # noqa: E402

TITLE = "bench: outbox"
BLOCK = 25


class Sink:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received += 1
        return "250 OK"


def pairs(count: int) -> list[tuple[Person, Service]]:
    """(requester, service) pairs a colleague could really ask: team services with promises."""
    services = list(
        Service.objects.filter(
            is_active=True, audience="everyone", confidential=False, promises__priority="normal"
        )
        .exclude(kind="face_time")
        .exclude(provider_team=None)
        .select_related("calendar", "provider_team")
        .prefetch_related("promises")
        .order_by("?")[:50]
    )
    people = list(Person.objects.filter(is_active=True).order_by("?")[:200])
    found = []
    for n in range(count):
        service = services[n % len(services)]
        person = people[n % len(people)]
        if person.team_id != service.provider_team_id and may_request(person, service):
            found.append((person, service))
    return found


def create(pair: tuple[Person, Service]) -> None:
    person, service = pair
    request_create(requester=person, service=service, title=TITLE)


def creation_cost(creations: int) -> tuple[float, float]:
    """Median milliseconds per creation with and without subscribers."""
    subscribed = dict(registry.SUBSCRIPTIONS)
    with_outbox, without = [], []
    work = pairs(creations)
    for start in range(0, len(work), 2 * BLOCK):
        for timings, subs in ((with_outbox, subscribed), (without, {})):
            registry.SUBSCRIPTIONS.clear()
            registry.SUBSCRIPTIONS.update(subs)
            for pair in work[start : start + BLOCK]:
                began = time.perf_counter()
                create(pair)
                timings.append((time.perf_counter() - began) * 1000)
    registry.SUBSCRIPTIONS.clear()
    registry.SUBSCRIPTIONS.update(subscribed)
    return statistics.median(with_outbox), statistics.median(without)


def drain(workers: int, requests: int, smtp_port: int) -> tuple[int, float]:
    """Create `requests`, then time `workers` worker processes draining the outbox."""
    for pair in pairs(requests):
        create(pair)
    first = OutboxEvent.objects.filter(state="pending").order_by("id").first()
    since = first.pk if first else 0
    connection.close()
    env = os.environ | {
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "RELAYDESK_DB_CONN_MAX_AGE": "0",
    }
    began = time.monotonic()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "relaydesk", "worker", "--poll", "0.05"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        while OutboxEvent.objects.filter(~Q(state="done"), pk__gte=since).exists():
            time.sleep(0.05)
        elapsed = time.monotonic() - began
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
    handled = OutboxEvent.objects.filter(pk__gte=since, state="done").count()
    return handled, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--creations", type=int, default=400)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # each figure shows as it comes
    load = os.getloadavg()[0]
    with_outbox, without = creation_cost(args.creations)
    print(
        f"{connection.vendor}: request_create median {with_outbox:.2f} ms with the outbox, "
        f"{without:.2f} ms without: +{with_outbox - without:.2f} ms per creation"
    )
    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        for workers in (1, 2):
            handled, elapsed = drain(workers, args.requests, smtp.port)
            print(
                f"{workers} worker(s): {handled:,} events in {elapsed:.1f} s "
                f"({handled / elapsed:,.0f} events/s), {sink.received:,} emails so far"
            )
    finally:
        smtp.stop()
    print(f"load average at the start: {load:.2f}, at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
