"""Relaydesk beside django-helpdesk, an established open-source Django help desk (SPEC §7).

    .venv/bin/python bench/peer/compare.py --tickets 20000

One command does it all, with Relaydesk's own virtual environment's Python:

1. a throwaway virtual environment with django-helpdesk from PyPI (and the same Django and
   gunicorn versions as Relaydesk's), for the small site in bench/peer/helpdesk_site/;
2. Relaydesk's demo organisation with N requests (`relaydesk demo --no-serve`), and the same
   data loaded into django-helpdesk: teams become queues, people staff users with the same
   password, requests tickets with the same ids, every timeline event a follow-up
   (relaydesk_side.py exports it, helpdesk_side.py loads it with bulk inserts);
3. both served by gunicorn on loopback with the same workers and threads, DEBUG off, the same
   database engine; each person signs in through the real form, and each pair of pages is
   timed in alternation over a bounded number of sequential requests after a warm-up;
4. a markdown table of medians, 95th percentiles and ratios (peer / Relaydesk), printed and
   kept in bench/peer/RESULTS-peer.md under a heading per ticket count and database.

Built datasets are kept under --workdir and reused by the next run with the same ticket
count and database (--fresh rebuilds them). With --database-url postgresql://USER@HOST/NAME
both run on PostgreSQL, in the databases NAME_relaydesk_N and NAME_helpdesk_N.
"""

import argparse
import http.cookiejar
import importlib.metadata
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

try:
    from relaydesk.loopback import answers, free_port
except ModuleNotFoundError:
    raise SystemExit("run this with Relaydesk's Python, e.g. .venv/bin/python") from None

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PEER = "django-helpdesk==2.6.1"
THREADS = 4  # gunicorn threads per worker, as `relaydesk serve` runs them
WARM_UP = 10


@dataclass
class Site:
    """One of the two applications: how to build, serve and sign in to it."""

    name: str
    python: Path
    env: dict[str, str]
    database_url: str
    login_path: str
    log: Path


@dataclass
class Pair:
    label: str
    person: int
    peer_paths: list[str]
    relaydesk_path: str
    shows: str
    peer: list[float] = field(default_factory=list)
    relaydesk: list[float] = field(default_factory=list)
    peer_parts: list[list[float]] = field(default_factory=list)
    peer_kb: float = 0.0
    relaydesk_kb: float = 0.0


def run(command: list, env: dict[str, str] | None = None, **options) -> str:
    shown = " ".join(shlex.quote(str(part)) for part in command)
    print(f"$ {shown}", flush=True)
    done = subprocess.run(
        [str(part) for part in command], env=env, text=True, capture_output=True, **options
    )
    if done.returncode:
        raise SystemExit(f"failed ({done.returncode}): {shown}\n{done.stdout}\n{done.stderr}")
    return done.stdout


def clean_env() -> dict[str, str]:
    """The caller's environment without anything that points either app at another database."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("RELAYDESK_", "HELPDESK_PEER_"))
        and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH"}
    }


# --- building -------------------------------------------------------------------------------


def peer_python(workdir: Path, postgres: bool) -> Path:
    """The throwaway environment, made once and reused while its requirements stay the same."""
    venv = workdir / "helpdesk-venv"
    python = venv / "bin" / "python"
    wanted = [
        PEER,
        f"Django=={importlib.metadata.version('django')}",
        f"gunicorn=={importlib.metadata.version('gunicorn')}",
    ]
    if postgres:
        wanted.append(f"psycopg[binary]=={importlib.metadata.version('psycopg')}")
    stamp = venv / "requirements.txt"
    if stamp.exists() and set(wanted) <= set(stamp.read_text().split()):
        return python
    shutil.rmtree(venv, ignore_errors=True)
    run([sys.executable, "-m", "venv", venv])
    run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *wanted])
    stamp.write_text("\n".join(wanted) + "\n")
    return python


def database_urls(args: argparse.Namespace, data: Path) -> tuple[str, str]:
    if not args.database_url:
        return (
            f"sqlite:///{data / 'relaydesk' / 'relaydesk.sqlite3'}",
            f"sqlite:///{data / 'helpdesk' / 'helpdesk.sqlite3'}",
        )
    parts = urllib.parse.urlsplit(args.database_url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise SystemExit("--database-url: only postgresql://USER@HOST:PORT/NAME is supported")
    prefix = parts.path.strip("/") or "relaydesk_peer"
    return tuple(
        urllib.parse.urlunsplit(parts._replace(path=f"/{prefix}_{app}_{args.tickets}"))
        for app in ("relaydesk", "helpdesk")
    )


def sqlite_path(url: str) -> Path | None:
    parts = urllib.parse.urlsplit(url)
    return Path("/" + parts.path.lstrip("/")) if parts.scheme == "sqlite" else None


def recreate(url: str) -> None:
    """An empty database at `url`: a fresh directory for SQLite, a new PostgreSQL database."""
    path = sqlite_path(url)
    if path:
        shutil.rmtree(path.parent, ignore_errors=True)
        path.parent.mkdir(parents=True)
        return
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.strip("/")
    server = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def analyze(url: str) -> None:
    """Planner statistics, as a maintained database has them; done to both alike."""
    path = sqlite_path(url)
    if path:
        with sqlite3.connect(path) as connection:
            connection.execute("ANALYZE")
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def build(args: argparse.Namespace, data: Path, relaydesk: Site, peer: Site) -> dict:
    """Both datasets, unless this directory already holds them; returns the export summary."""
    export = data / "export"
    done = data / "built.json"
    if done.exists() and not args.fresh:
        print(f"Reusing the datasets in {data} (--fresh rebuilds them)")
        # Relaydesk may have moved on since; `relaydesk serve` refuses an unmigrated database.
        run([relaydesk.python, "-m", "relaydesk", "migrate", "--verbosity", "0"], relaydesk.env)
        return json.loads((export / "relaydesk.json").read_text())
    done.unlink(missing_ok=True)
    started = time.monotonic()
    recreate(relaydesk.database_url)
    demo = [relaydesk.python, "-m", "relaydesk", "demo", "--no-serve"]
    demo += ["--requests", args.tickets, "--seed", args.seed]
    if args.people:
        if "--people" not in run([*demo[:4], "--help"], relaydesk.env):
            raise SystemExit("this Relaydesk's `relaydesk demo` has no --people option yet")
        demo += ["--people", args.people]
    for line in run(demo, relaydesk.env).splitlines():
        if line.startswith("Built"):
            print(line)
    run([relaydesk.python, HERE / "relaydesk_side.py", "export", export], relaydesk.env)
    analyze(relaydesk.database_url)
    relaydesk_seconds = time.monotonic() - started

    started = time.monotonic()
    recreate(peer.database_url)
    run([peer.python, "-m", "django", "migrate", "--verbosity", "0"], peer.env)
    print(run([peer.python, HERE / "helpdesk_side.py", "seed", export], peer.env).strip())
    analyze(peer.database_url)
    peer_seconds = time.monotonic() - started
    done.write_text(json.dumps({"relaydesk_s": relaydesk_seconds, "peer_s": peer_seconds}))
    return json.loads((export / "relaydesk.json").read_text())


# --- serving and timing ---------------------------------------------------------------------


@contextmanager
def serving(site: Site, command: list, port: int) -> Iterator[str]:
    """Run a server command until the block ends; yield its base URL once it answers."""
    with site.log.open("w") as log:
        server = subprocess.Popen(
            [str(part) for part in command], env=site.env, stdout=log, stderr=log, cwd=HERE
        )
        try:
            if not answers(server, port, within=60):
                raise SystemExit(f"{site.name} did not start:\n{site.log.read_text()}")
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=30)


def signed_in(base: str, site: Site, username: str, password: str) -> urllib.request.OpenerDirector:
    """An opener holding the session of `username`, signed in through the real form."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    url = base + site.login_path
    page = opener.open(url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"csrfmiddlewaretoken": token, "username": username, "password": password}
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(form).encode(), headers={"Referer": url}
    )
    if site.login_path in opener.open(request).geturl():
        raise SystemExit(f"could not sign in to {site.name} as {username}")
    return opener


def fetch(opener: urllib.request.OpenerDirector, url: str) -> tuple[float, bytes]:
    started = time.perf_counter()
    with opener.open(url) as response:
        body = response.read()
        if response.status != 200 or "/login/" in response.geturl():
            raise SystemExit(f"{url} answered {response.status} at {response.geturl()}")
    return (time.perf_counter() - started) * 1000, body


def time_pair(pair: Pair, peer: tuple, relaydesk: tuple, rounds: int, budget: float) -> None:
    """Alternate the two sides request by request, so drift in the machine hits both alike."""
    (peer_base, peer_opener), (relaydesk_base, relaydesk_opener) = peer, relaydesk

    def peer_page() -> tuple[list[float], int]:
        timed = [fetch(peer_opener, peer_base + path) for path in pair.peer_paths]
        return [ms for ms, _ in timed], sum(len(body) for _, body in timed)

    def relaydesk_page() -> tuple[float, int]:
        ms, body = fetch(relaydesk_opener, relaydesk_base + pair.relaydesk_path)
        return ms, len(body)

    for _ in range(WARM_UP):
        peer_page()
        relaydesk_page()
    deadline = time.monotonic() + budget
    for index in range(rounds):
        if index >= 20 and time.monotonic() > deadline:
            break
        sides = [peer_page, relaydesk_page] if index % 2 == 0 else [relaydesk_page, peer_page]
        for side in sides:
            ms, size = side()
            if side is peer_page:
                pair.peer_parts.append(ms)
                pair.peer.append(sum(ms))
                pair.peer_kb = size / 1024
            else:
                pair.relaydesk.append(ms)
                pair.relaydesk_kb = size / 1024


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


# --- reporting ------------------------------------------------------------------------------


def versions(peer: Site, relaydesk_url: str) -> dict[str, str]:
    probe = (
        "import django, gunicorn, importlib.metadata as m; "
        "print(m.version('django-helpdesk'), django.get_version(), gunicorn.__version__)"
    )
    helpdesk, peer_django, peer_gunicorn = run([peer.python, "-c", probe], peer.env).split()
    commit = subprocess.run(
        ["git", "-C", ROOT, "describe", "--always", "--dirty"], capture_output=True, text=True
    ).stdout.strip()
    if relaydesk_url.startswith("sqlite"):
        engine = f"SQLite {sqlite3.sqlite_version} (WAL)"
    else:
        import psycopg

        with psycopg.connect(relaydesk_url) as connection:
            engine = "PostgreSQL " + connection.execute("show server_version").fetchone()[0]
    return {
        "django-helpdesk": helpdesk,
        "relaydesk": f"{importlib.metadata.version('relaydesk')} ({commit})",
        "django": f"{importlib.metadata.version('django')} / {peer_django}",
        "gunicorn": f"{importlib.metadata.version('gunicorn')} / {peer_gunicorn}",
        "engine": engine,
    }


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or platform.machine()
    found = re.search(r"model name\s*:\s*(.+)", text)
    return found.group(1).strip() if found else platform.machine()


def report(args, summary, pairs, queries, found, load, built) -> tuple[str, str]:
    engine = found["engine"].split()[0]
    heading = f"{args.tickets:,} tickets, {engine}"
    subjects = summary["subjects"]
    lines = [
        f"## {heading}",
        "",
        f"Command, from the repository root: `{found['command']}`",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Machine: {os.cpu_count()} cores "
        f"({cpu_model()}, {platform.machine()}), Python {platform.python_version()}; load "
        f"average {load[0]:.1f} before timing and {load[1]:.1f} after.",
        f"- Versions: django-helpdesk {found['django-helpdesk']}; Relaydesk "
        f"{found['relaydesk']}; Django {found['django']} and gunicorn {found['gunicorn']} "
        f"(Relaydesk / peer); {found['engine']}.",
        f"- Data: Relaydesk's demo organisation ({len(summary['people'])} people, "
        f"{len(summary['teams'])} teams) with {summary['requests']:,} requests and "
        f"{summary['events']:,} timeline events, seed {args.seed}; the same loaded into "
        f"django-helpdesk as {summary['requests']:,} tickets and {summary['events']:,} "
        "follow-ups. " + built,
        f"- Servers: gunicorn, {args.workers} workers x {THREADS} threads each, DEBUG off, "
        "loopback. Each pair is timed in alternation, after "
        f"{WARM_UP} warm-up requests, over {args.rounds} sequential requests (at least 20, "
        f"fewer when a pair passes {args.budget:.0f} s); times are client-side, whole response.",
        "",
        "| page pair | django-helpdesk median ms | p95 ms | Relaydesk median ms | p95 ms "
        "| ratio of medians | ratio of p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for pair in pairs:
        peer_median, rd_median = statistics.median(pair.peer), statistics.median(pair.relaydesk)
        peer_p95, rd_p95 = p95(pair.peer), p95(pair.relaydesk)
        lines.append(
            f"| {pair.label} | {peer_median:.1f} | {peer_p95:.1f} | {rd_median:.1f} | "
            f"{rd_p95:.1f} | {peer_median / rd_median:.1f} | {peer_p95 / rd_p95:.1f} |"
        )
    lines += [
        "",
        "| page pair | what both show | requests timed | KB (peer / Relaydesk) "
        "| SQL queries (peer / Relaydesk) |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for pair, (peer_queries, rd_queries) in zip(pairs, queries, strict=True):
        lines.append(
            f"| {pair.label} | {pair.shows} | {len(pair.relaydesk)} | "
            f"{pair.peer_kb:.0f} / {pair.relaydesk_kb:.0f} | {peer_queries} / {rd_queries} |"
        )
    html_ms, json_ms = (statistics.median(part) for part in zip(*pairs[0].peer_parts, strict=True))
    lines += [
        "",
        f"django-helpdesk's ticket list is a page whose table DataTables fills from a JSON "
        f"request, so both requests are timed as one (medians {html_ms:.1f} ms page + "
        f"{json_ms:.1f} ms JSON). The people: #{subjects['queue']['person']} (busiest open "
        f"queue), #{subjects['request']['person']} (assignee of request "
        f"#{subjects['request']['id']}), #{subjects['team']['person']} (lead of "
        f"{subjects['team']['name']}).",
        "",
    ]
    return heading, "\n".join(lines)


INTRO = """\
# Relaydesk beside django-helpdesk

Written by `bench/peer/compare.py`, which builds both on the same data, serves both the same
way and times equivalent pages in alternation (its docstring has the method). A ratio is
django-helpdesk's time over Relaydesk's: above 1, Relaydesk is faster.

What keeps it fair: the same people, teams, requests and timelines in both (ids included);
the same Django and gunicorn versions, workers, threads and database engine and options;
DEBUG off; sessions in the database and persistent connections in both; each page opened by
the same person through a session made by the real sign-in form; the peer's queue
permissions switched on so a lead's dashboard covers their team's queue rather than every
queue, as Relaydesk's team queue does.

Where the pages still differ: the peer's ticket list is two requests (page, then its
DataTables JSON), timed as one, with 25 rows a page against Relaydesk's 50; its dashboard also
counts ticket ages and average days to close over the whole queue, which Relaydesk's team
queue does not; its ticket page carries the reply and edit forms (a list of every user for
the owner field) where Relaydesk's request page has its own action forms. Static files are
not fetched by either. Timeline events that have no helpdesk counterpart (clock warnings,
first response, pauses) are loaded as plain follow-ups so both pages show as many entries.

Measure on an idle machine. Other work on the cores adds waiting to both sides alike, which
pulls every ratio towards 1 and moves the fast side's figures most; runs with other test
suites on the same two cores are marked by their load average.
"""


def keep(out: Path, heading: str, section: str) -> None:
    """Write `section` into `out`, in place of an earlier section with the same heading."""
    head, *sections = (out.read_text() if out.exists() else INTRO).split("\n## ")
    titles = [s.split("\n", 1)[0].strip() for s in sections]
    body = section.removeprefix("## ").rstrip("\n") + "\n"
    if heading in titles:
        sections[titles.index(heading)] = body
    else:
        sections.append(body)
    out.write_text("\n## ".join([head.rstrip("\n") + "\n", *sections]))


def pairs_for(subjects: dict) -> list[Pair]:
    """The equivalent pages, opened by the same person on both sides."""
    return [
        Pair(
            "ticket list (my open tickets) / my queue",
            subjects["queue"]["person"],
            [f"/tickets/?assigned_to={subjects['queue']['person']}&status=1&status=2"],
            "/queue/",
            f"the {subjects['queue']['open']} open requests assigned to the busiest person "
            "(first page: 25 in the peer, 50 in Relaydesk)",
        ),
        Pair(
            "ticket page / request page",
            subjects["request"]["person"],
            [f"/tickets/{subjects['request']['id']}/"],
            f"/requests/{subjects['request']['id']}/",
            f"request #{subjects['request']['id']} with {subjects['request']['events']} "
            "timeline events / follow-ups, as its assignee",
        ),
        Pair(
            "dashboard / team queue",
            subjects["team"]["person"],
            ["/dashboard/"],
            f"/teams/{subjects['team']['id']}/queue/",
            f"{subjects['team']['name']} ({subjects['team']['open']} open of "
            f"{subjects['team']['all']:,} requests), as its lead",
        ),
    ]


def query_counts(pairs: list[Pair], relaydesk: Site, peer: Site) -> list[tuple[int, int]]:
    """SQL queries per page on each side, from the same pages rendered in-process."""
    peer_pages = json.dumps([[pair.person, *pair.peer_paths] for pair in pairs])
    relaydesk_pages = json.dumps([[pair.person, pair.relaydesk_path] for pair in pairs])
    peer_counts = run([peer.python, HERE / "helpdesk_side.py", "queries", peer_pages], peer.env)
    relaydesk_counts = run(
        [relaydesk.python, HERE / "relaydesk_side.py", "queries", relaydesk_pages], relaydesk.env
    )
    return list(zip(json.loads(peer_counts), json.loads(relaydesk_counts), strict=True))


def table_request(base: str, opener, pair: Pair, subjects: dict) -> str:
    """The JSON request the peer's ticket list makes for its table, checked to list the same
    number of open tickets as Relaydesk's queue: the two hold the same data."""
    _, page = fetch(opener, base + pair.peer_paths[0])
    table = re.search(rb'"url": "(/datatables_ticket_list/[^"]+)"', page).group(1).decode()
    path = table + "?draw=1&start=0&length=25&search%5Bvalue%5D="
    _, rows = fetch(opener, base + path)
    listed = json.loads(rows)["recordsFiltered"]
    if listed != subjects["queue"]["open"]:
        raise SystemExit(f"the peer lists {listed} open tickets, Relaydesk a different number")
    return path


# --- the command ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=20_000, help="requests / tickets")
    parser.add_argument("--people", type=int, help="passed to `relaydesk demo` if it has it")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=100, help="timed requests per page")
    parser.add_argument("--budget", type=float, default=150, help="seconds per pair, at most")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, both apps")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/relaydesk-peer"))
    parser.add_argument("--database-url", help="postgresql://USER@HOST:PORT/NAME (default SQLite)")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS-peer.md")
    parser.add_argument("--fresh", action="store_true", help="rebuild both datasets")
    args = parser.parse_args()

    engine = "postgresql" if args.database_url else "sqlite"
    data = args.workdir.resolve() / f"{engine}-{args.tickets}"
    data.mkdir(parents=True, exist_ok=True)
    relaydesk_url, peer_url = database_urls(args, data)
    base_env = clean_env()
    relaydesk = Site(
        "Relaydesk",
        Path(sys.executable),
        base_env | {"RELAYDESK_DATA_DIR": str(data / "relaydesk"), "DATABASE_URL": relaydesk_url},
        relaydesk_url,
        "/accounts/login/",
        data / "relaydesk-server.log",
    )
    peer = Site(
        "django-helpdesk",
        peer_python(args.workdir.resolve(), engine == "postgresql"),
        base_env
        | {
            "HELPDESK_PEER_DIR": str(data / "helpdesk"),
            "HELPDESK_PEER_DATABASE_URL": peer_url,
            "HELPDESK_PEER_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_SETTINGS_MODULE": "helpdesk_site.settings",
            "PYTHONPATH": str(HERE),
        },
        peer_url,
        "/login/",
        data / "helpdesk-server.log",
    )
    summary = build(args, data, relaydesk, peer)
    built = json.loads((data / "built.json").read_text())
    built_note = (
        f"Built in {built['relaydesk_s']:.0f} s (Relaydesk demo and export) and "
        f"{built['peer_s']:.0f} s (peer migrate and load)."
    )
    subjects, password = summary["subjects"], summary["password"]
    emails = {pk: email for pk, email, *_ in summary["people"]}
    pairs = pairs_for(subjects)
    relaydesk_port, peer_port = free_port(), free_port()
    while peer_port == relaydesk_port:
        peer_port = free_port()
    relaydesk_command = [relaydesk.python, "-m", "relaydesk", "serve", "--host", "127.0.0.1"]
    relaydesk_command += ["--port", relaydesk_port, "--workers", args.workers]
    peer_command = [peer.python, "-m", "gunicorn", "helpdesk_site.wsgi"]
    peer_command += ["--bind", f"127.0.0.1:{peer_port}", "--workers", args.workers]
    peer_command += ["--worker-class", "gthread", "--threads", THREADS, "--timeout", "30"]
    peer_command += ["--no-control-socket"]
    with (
        serving(relaydesk, relaydesk_command, relaydesk_port) as relaydesk_base,
        serving(peer, peer_command, peer_port) as peer_base,
    ):
        load_before = os.getloadavg()[0]
        for pair in pairs:
            email = emails[pair.person]
            peer_opener = signed_in(peer_base, peer, email, password)
            relaydesk_opener = signed_in(relaydesk_base, relaydesk, email, password)
            if pair.peer_paths[0].startswith("/tickets/?"):
                pair.peer_paths.append(table_request(peer_base, peer_opener, pair, subjects))
            print(f"Timing {pair.label} ...", flush=True)
            time_pair(
                pair,
                (peer_base, peer_opener),
                (relaydesk_base, relaydesk_opener),
                args.rounds,
                args.budget,
            )
        load_after = os.getloadavg()[0]
    page_queries = query_counts(pairs, relaydesk, peer)
    found = versions(peer, relaydesk_url)
    command = " ".join(shlex.quote(part) for part in ["python", __file__, *sys.argv[1:]])
    found["command"] = re.sub(r"(://[^:/@]+:)[^@]+@", r"\1***@", command).replace(f"{ROOT}/", "")
    heading, section = report(
        args, summary, pairs, page_queries, found, (load_before, load_after), built_note
    )
    print("\n" + section)
    keep(args.out, heading, section)
    print(f"Kept in {args.out}")


if __name__ == "__main__":
    main()
