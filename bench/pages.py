"""Page latencies, SQL query counts and page weight on a built dataset (SPEC §7).

    python bench/pages.py [--rounds 200] [--workers 2]

Run it with the same RELAYDESK_DATA_DIR / DATABASE_URL as the dataset was built with (see
bench/README.md). It picks the heaviest realistic subjects from the data (the person with the
longest queue, the request with the longest timeline, ...), starts `relaydesk serve` on a free
loopback port, signs in through the real form, and times each page over a bounded number of
sequential requests after a warm-up. Query counts come from the same pages rendered in-process.
"""

import argparse
import http.cookiejar
import os
import platform
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relaydesk.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from relaydesk.catalog.models import Service  # noqa: E402
from relaydesk.demo.story import DEMO_PASSWORD  # noqa: E402
from relaydesk.directory.models import Person, Team  # noqa: E402
from relaydesk.feedback.models import Survey  # noqa: E402
from relaydesk.feedback.selectors import team_feedback  # noqa: E402
from relaydesk.servicerequests.models import OPEN_STATUSES, Request  # noqa: E402
from relaydesk.testing import serving  # noqa: E402

TARGET_MEDIAN_MS, TARGET_P95_MS, TARGET_WEIGHT_KB = 30, 100, 150


@dataclass(frozen=True)
class Subject:
    label: str
    path: str
    person: Person


def subjects() -> list[Subject]:
    """The heaviest ordinary cases in the data: what a busy person opens all day."""
    busiest = (
        Request.objects.filter(status__in=OPEN_STATUSES, assignee__isnull=False)
        .values("assignee")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    provider = Person.objects.get(pk=busiest["assignee"])
    asker = Person.objects.get(
        pk=Request.objects.values("requester")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["requester"]
    )
    longest = Request.objects.order_by("-last_event_seq").first()
    team = Team.objects.annotate(n=Count("queue")).order_by("-n").first()
    lead = team.lead or provider
    return [
        Subject("my queue", "/queue/", provider),
        Subject("request page", f"/requests/{longest.pk}/", longest.requester),
        Subject("my requests", "/requests/mine/", asker),
        Subject("team page", f"/teams/{team.pk}/", lead),
        Subject("team queue", f"/teams/{team.pk}/queue/", lead),
        Subject("search", "/services/?q=approval", provider),
        Subject("home", "/", provider),
        *feedback_subjects(),
        *form_subjects(),
    ]


def form_subjects() -> list[Subject]:
    """The service form with its pickers (every team and party listed) for an admin, and the
    suggestions its typed pickers ask for as one types."""
    admin = Person.objects.filter(is_admin=True, is_active=True).first()
    fed = Service.objects.annotate(n=Count("fed_by")).order_by("-n").first()
    return [
        Subject("service form", f"/services/{fed.slug}/edit/", admin),
        Subject("suggest services", "/suggest/services/?q=tyre", admin),
        Subject("suggest people", "/suggest/people/?q=an", admin),
    ]


def feedback_subjects() -> list[Subject]:
    """The feedback pages of the team rated most: its table, a free filter, its survey."""
    rated = Team.objects.annotate(n=Count("ratings")).order_by("-n").first()
    lead = rated.lead or Person.objects.filter(team=rated).first()
    quarters = team_feedback(team=rated).quarters
    subjects = [
        Subject("team feedback", f"/teams/{rated.pk}/feedback/", lead),
        Subject(
            "team feedback, filtered",
            f"/teams/{rated.pk}/feedback/?first={quarters[1]}&last={quarters[-2]}",
            lead,
        ),
        Subject("kudos", "/feedback/kudos/", lead),
        Subject("unsung", "/feedback/unsung/", lead),
    ]
    survey = Survey.objects.order_by("-closes_at").first()
    if survey is not None:
        surveyed_lead = survey.team.lead or lead
        subjects.append(Subject("survey results", f"/surveys/{survey.pk}/", surveyed_lead))
    return subjects


def signed_in_opener(base: str, person: Person) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    login = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
    form = {"csrfmiddlewaretoken": token, "username": person.email, "password": DEMO_PASSWORD}
    request = urllib.request.Request(
        f"{base}/accounts/login/",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Referer": f"{base}/accounts/login/"},
    )
    if "/accounts/login/" in opener.open(request).geturl():
        raise SystemExit(f"could not sign in as {person.email} (is this a demo dataset?)")
    return opener


def timed(opener, url: str, rounds: int) -> tuple[list[float], bytes]:
    body = b""
    for _ in range(5):  # warm-up: connections, caches, the first year of a calendar
        body = opener.open(url).read()
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        body = opener.open(url).read()
        samples.append((time.perf_counter() - started) * 1000)
    return samples, body


def weight_kb(opener, base: str, html: bytes) -> float:
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    return (len(html) + sum(len(opener.open(base + a.decode()).read()) for a in assets)) / 1024


def query_count(subject: Subject) -> int:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(subject.person)
    client.get(subject.path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(subject.path)
    assert response.status_code == 200, (subject.path, response.status_code)
    return len(queries)


def server_peak_rss_mb(base: str) -> float:
    """The peak resident memory of the server on `base`'s port: its master and workers summed."""
    port = base.rsplit(":", 1)[1]
    processes = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
            command = (status.parent / "cmdline").read_bytes().split(b"\0")
        except OSError:  # the process ended while we looked
            continue
        processes[status.parent.name] = (fields, command)
    master = next(
        pid
        for pid, (_, command) in processes.items()
        if b"serve" in command and port.encode() in command
    )
    tree = [f for pid, (f, _) in processes.items() if pid == master or f["PPid"].strip() == master]
    return sum(int(f["VmHWM"].split()[0]) for f in tree) / 1024


def percentile(samples: list[float], share: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[int(share * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200, help="timed requests per page")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    args = parser.parse_args()
    chosen = subjects()
    env = dict(os.environ)
    rows = []
    with serving(env, workers=args.workers) as base:
        for subject in chosen:
            opener = signed_in_opener(base, subject.person)
            samples, html = timed(opener, base + subject.path, args.rounds)
            rows.append(
                (
                    subject,
                    statistics.median(samples),
                    percentile(samples, 0.95),
                    weight_kb(opener, base, html),
                    query_count(subject),
                )
            )
        memory = server_peak_rss_mb(base)
    print(
        f"Dataset: {Person.objects.count():,} people, {Request.objects.count():,} requests, "
        f"{connection.vendor}; {args.rounds} timed requests a page, {args.workers} workers; "
        f"{platform.python_version()} on {os.cpu_count()} cores; server peak memory "
        f"{memory:.0f} MB (master and workers)"
    )
    print("| page | median ms | p95 ms | HTML+CSS+JS KB | SQL queries | meets target |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for subject, median, p95, kb, queries in rows:
        met = median <= TARGET_MEDIAN_MS and p95 <= TARGET_P95_MS and kb <= TARGET_WEIGHT_KB
        print(
            f"| {subject.label} (`{subject.path}`) | {median:.1f} | {p95:.1f} | {kb:.0f} | "
            f"{queries} | {'yes' if met else 'NO'} |"
        )


if __name__ == "__main__":
    main()
