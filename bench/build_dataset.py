"""Building SPEC §7's "large" dataset: wall time, memory and size (target: 10 min, 2 GB).

    python bench/build_dataset.py [--people 10000] [--requests 1000000] [--seed 1]

Builds into whatever RELAYDESK_DATA_DIR / DATABASE_URL point at, which must be empty (a fresh
data directory, or a new PostgreSQL database). Runs `relaydesk demo --no-serve` under
`/usr/bin/time -v` when it is there, samples the summed resident memory of the command and
its worker processes every half second, and prints the figures as a line for RESULTS.md.
`/usr/bin/time`'s peak is that of the largest single process; the sum is the honest total.
"""

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RELAYDESK = [sys.executable, "-m", "relaydesk"]


def tree_rss_kib(pid: int) -> int:
    """Resident memory of `pid` and all its descendants, in KiB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        rss[int(entry.name)] = int(found.group(1)) if found else 0
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(children.get(current, []))
    return total


def database_size() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url) as connection:
            query = "SELECT pg_size_pretty(pg_database_size(current_database()))"
            return connection.execute(query).fetchone()[0]
    data = Path(os.environ.get("RELAYDESK_DATA_DIR", ROOT / "data"))
    size = sum(f.stat().st_size for f in data.glob("relaydesk.sqlite3*"))
    return f"{size / 2**20:,.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    command = [
        *RELAYDESK,
        "demo",
        "--no-serve",
        *("--people", str(args.people), "--requests", str(args.requests), "--seed", str(args.seed)),
    ]
    timed = Path("/usr/bin/time").exists()
    if timed:
        command = ["/usr/bin/time", "-v", *command]
    load_before = os.getloadavg()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_rss_kib(process.pid))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    lines = []
    for line in process.stdout:
        print(line, end="", flush=True)
        lines.append(line)
    process.wait()
    sampler.join()
    wall = time.perf_counter() - started
    if process.returncode:
        sys.exit(f"the build failed (exit status {process.returncode})")
    output = "".join(lines)
    largest = re.search(r"Maximum resident set size \(kbytes\): (\d+)", output)
    cpu = re.search(r"User time \(seconds\): ([\d.]+)\s+System time \(seconds\): ([\d.]+)", output)
    print(
        f"\n| {os.environ.get('DATABASE_URL', 'sqlite').split(':')[0]} "
        f"| {args.people:,} people, {args.requests:,} requests, seed {args.seed} "
        f"| {wall / 60:.1f} min "
        f"| {peak / 1024:,.0f} MB summed over its processes (sampled)"
        + (f", {int(largest.group(1)) / 1024:,.0f} MB the largest" if largest else "")
        + (f" | {float(cpu.group(1)) + float(cpu.group(2)):,.0f} s CPU" if cpu else "")
        + f" | {database_size()} "
        f"| load {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after |"
    )


if __name__ == "__main__":
    main()
