"""Benchmark Calendar.due() against businesstimedelta: `python bench/bench_due.py [N]`."""

from __future__ import annotations

import gc
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

try:
    import relaydesk  # noqa: F401
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from relaydesk.core.calendar_spec import calendar_from_mapping

SEED = 20261123
TARGET = 200_000
LIBRARY_SAMPLE = 2_000
SPEC = {
    "timezone": "Europe/Berlin",
    "hours": {
        **{day: ["08:30-12:30", "13:30-17:30"] for day in ("mon", "tue", "wed", "thu")},
        "fri": ["08:30-14:00"],
    },
    "holidays": {"country": "DE", "subdivision": "BY"},
    "closures": [
        {"date": "2026-12-24"},
        {"date": "2026-12-31"},
        {"date": "2027-12-24"},
        {"date": "2027-12-31"},
        {"start": "2027-06-01T09:00", "end": "2027-06-01T11:30"},
        {"date": "2028-12-27"},
        {"date": "2028-12-28"},
        {"date": "2028-12-29"},
    ],
}


def cases(count: int) -> list[tuple[datetime, int]]:
    """Seeded (start, business seconds): starts over 2026-2028, 1 minute to 3 weeks of work."""
    rng = random.Random(SEED)
    tz = ZoneInfo("Europe/Berlin")
    lo = int(datetime(2026, 1, 1, tzinfo=tz).timestamp())
    hi = int(datetime(2029, 1, 1, tzinfo=tz).timestamp())
    return [
        (datetime.fromtimestamp(rng.randrange(lo, hi), tz), 60 * rng.randint(1, 3 * 39 * 60))
        for _ in range(count)
    ]


def best_rate(run: Callable[[], None], calls: int, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return calls / best


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    calendar = calendar_from_mapping(SPEC)
    pairs = cases(count)
    due = calendar.due
    for start, seconds in pairs:  # warm the per-year cache
        due(start, seconds)

    def ours() -> None:
        for start, seconds in pairs:
            due(start, seconds)

    ours_rate = best_rate(ours, count)

    import pytz

    from relaydesk.core.tests.test_against_reference_library import (
        divergences,
        library_due,
        library_rules,
    )

    assert not divergences(calendar), divergences(calendar)
    rules = library_rules(calendar)
    sample = pairs[:LIBRARY_SAMPLE]
    berlin = pytz.timezone("Europe/Berlin")
    library_pairs = [(start.astimezone(berlin), seconds) for start, seconds in sample]

    library_results: list[int] = []

    def theirs() -> None:
        library_results[:] = [
            library_due(rules, start, seconds) for start, seconds in library_pairs
        ]

    theirs_rate = best_rate(theirs, len(sample), repeats=1)
    mismatches = [
        (start, seconds)
        for (start, seconds), expected in zip(sample, library_results, strict=True)
        if int(due(start, seconds).timestamp()) != expected
    ]

    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    print(f"calendar: Europe/Berlin, split days, DE-BY holidays, {len(SPEC['closures'])} closures")
    print(f"cases: {count:,} seeded (start in 2026-2028, 1 min to 3 weeks of business time)")
    print(f"relaydesk  due(): {ours_rate:12,.0f} calls/s (best of 3, warm cache)")
    print(f"businesstimedelta: {theirs_rate:12,.0f} calls/s ({len(sample):,} cases)")
    print(f"ratio: {ours_rate / theirs_rate:,.0f}x")
    print(f"agreement on the sample: {len(sample) - len(mismatches):,}/{len(sample):,}")
    print(f"target >= {TARGET:,}/s: {'met' if ours_rate >= TARGET else 'MISSED'}")
    print(f"timestamp: {datetime.now(UTC).isoformat(timespec='seconds')}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
