"""How long the anonymity rules take on a large team's figures: the suppression of a table of
services by closed quarters (the team feedback page's table), pure Python, no database.

    .venv/bin/python bench/feedback_stats.py [--services 40] [--quarters 12] [--seed 1]
"""

import argparse
import random
import statistics
import time

from relaydesk.core.stats import satisfaction, suppressed_table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=40)
    parser.add_argument("--quarters", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    # Most cells are busy, one in five small: the case that makes suppression work hardest.
    counts = {
        (s, q): rng.choice([0, 1, 2, 3, 4]) if rng.random() < 0.2 else rng.randint(5, 400)
        for s in range(args.services)
        for q in range(args.quarters)
    }
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        table = suppressed_table(counts, 5)
        timings.append(time.perf_counter() - started)
    scores = [rng.randint(1, 5) for _ in range(100_000)]
    started = time.perf_counter()
    satisfaction(scores)
    share_ms = (time.perf_counter() - started) * 1000
    median_ms = statistics.median(timings) * 1000
    print(
        f"{args.services}x{args.quarters} table: median {median_ms:.1f} ms, "
        f"max {max(timings) * 1000:.1f} ms over {args.runs} runs; "
        f"{len(table.cells)} of {len(counts)} cells hidden; "
        f"share of 100,000 ratings with its interval: {share_ms:.1f} ms"
    )


if __name__ == "__main__":
    main()
