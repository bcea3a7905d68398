"""'Who do I ask?' latency on a built dataset: plain, sentence and typo questions (issue 13:
every search under 50 ms on the large dataset's 2,000 services).

    python bench/search.py [--rounds 100]

Run it with the same RELAYDESK_DATA_DIR / DATABASE_URL as the dataset was built with. The
questions come from the indexed words themselves, so they fit any dataset: the commonest word,
a rare one, a sentence around them, the rare one with two letters swapped (corrected), a word
found nowhere (a correction looked for and not found) and a stray injection. Each is timed
in-process (search_services(), what the search costs) and as the page through `relaydesk
serve` (gunicorn on a free loopback port, signed in through the real form), with its SQL
queries.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relaydesk.settings")

import django  # noqa: E402

django.setup()

import urllib.parse  # noqa: E402

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.db.models.functions import Length  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pages import percentile, signed_in_opener, timed  # noqa: E402

from relaydesk.catalog.models import SearchWord, Service  # noqa: E402
from relaydesk.catalog.search import search_services  # noqa: E402
from relaydesk.directory.models import Person  # noqa: E402
from relaydesk.testing import serving  # noqa: E402

TARGET_MS = 50


def questions() -> list[tuple[str, str]]:
    """(label, question) pairs built from the index's own words."""
    by_use = (
        SearchWord.objects.filter(field__in=["name", "keywords"])
        .annotate(length=Length("word"))
        .filter(length__gte=6)
        .values("word")
        .annotate(n=Count("service", distinct=True))
        .order_by("-n", "word")
    )
    ranked = [row["word"] for row in by_use]
    if not ranked:
        raise SystemExit("no indexed services: build a dataset first (bench/README.md)")
    common, rare = ranked[0], ranked[-1]
    swapped = rare[0] + rare[2] + rare[1] + rare[3:]
    return [
        ("plain, common word", common),
        ("plain, rare word", rare),
        ("sentence", f"I need help with the {common} for our {rare} please"),
        ("typo, corrected", swapped),
        ("typo, nothing close", "qzxwvkj"),
        ("stray injection", "%' OR 1=1 --"),
    ]


def in_process(question: str, rounds: int) -> tuple[list[float], int, str]:
    for _ in range(5):
        search_services(query=question)
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        result = search_services(query=question)
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        search_services(query=question)
    first = result.services[0].name if result.services else "nothing"
    said = f" (showing results for “{result.corrected_query}”)" if result.corrected_query else ""
    return samples, len(queries), f"{first}{said}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=100, help="timed searches a question")
    args = parser.parse_args()
    asked = questions()
    person = Person.objects.filter(is_active=True).order_by("pk").first()
    rows = []
    with serving(dict(os.environ), workers=1) as base:
        opener = signed_in_opener(base, person)
        for label, question in asked:
            samples, queries, first = in_process(question, args.rounds)
            url = f"{base}/services/?{urllib.parse.urlencode({'q': question})}"
            page, _ = timed(opener, url, args.rounds)
            rows.append((label, question, samples, page, queries, first))
    print(
        f"Dataset: {Service.objects.filter(is_active=True).count():,} active services, "
        f"{SearchWord.objects.count():,} indexed words, {connection.vendor}; {args.rounds} "
        f"timed searches a question; {platform.python_version()} on {os.cpu_count()} cores"
    )
    print(
        "| question | search median ms | search p95 ms | page median ms | page p95 ms "
        "| SQL queries | first result | under target |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    for label, question, samples, page, queries, first in rows:
        met = percentile(page, 0.95) <= TARGET_MS
        print(
            f"| {label}: `{question}` | {statistics.median(samples):.1f} | "
            f"{percentile(samples, 0.95):.1f} | {statistics.median(page):.1f} | "
            f"{percentile(page, 0.95):.1f} | {queries} | {first} | {'yes' if met else 'NO'} |"
        )


if __name__ == "__main__":
    main()
