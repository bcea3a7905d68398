"""Sustained request creation through the API on PostgreSQL, beside this machine's ceilings
(SPEC §7).

    DATABASE_URL=postgresql://... python bench/api_create.py [--seconds 20] [--workers 2]

Needs a built dataset (bench/README.md) and `wrk` (Debian's package `wrk`): a compiled load
generator, so that the cores go to the server and PostgreSQL, not to the clients. Starts
`relaydesk serve` with --workers processes of --threads threads (gunicorn), and in one run measures:

1. creation: POST /api/v1/requests with the personal tokens of 50 people and 300 services, for
   --seconds, counting the requests committed in that time; then checks that the due times of a
   sample of them are exactly what the business-time engine says for their creation instant;
2. the ceiling of the web stack: GET /api/v1/me with the same tokens (a trivial authenticated
   view: routing, middleware, token lookup, JSON);
3. the ceiling of PostgreSQL: pgbench committing one single-row insert per transaction from as
   many clients as the server has threads.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relaydesk.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from relaydesk.catalog.models import Service  # noqa: E402
from relaydesk.directory.models import ApiToken, Person  # noqa: E402
from relaydesk.directory.services import api_token_create  # noqa: E402
from relaydesk.events.models import OutboxEvent  # noqa: E402
from relaydesk.servicerequests.models import Request  # noqa: E402
from relaydesk.testing import serving  # noqa: E402

TARGET_PER_SECOND = 300
TITLE = "bench: API creation"

# wrk runs this in each of its threads: a POST (or a GET) per call, tokens and services in turn.
WRK_SCRIPT = """
local tokens = {%(tokens)s}
local slugs = {%(slugs)s}
local method, path = "%(method)s", "%(path)s"
local n = 0
request = function()
  n = n + 1
  local headers = {["Authorization"] = "Bearer " .. tokens[n %% #tokens + 1]}
  if method == "GET" then return wrk.format("GET", path, headers) end
  headers["Content-Type"] = "application/json"
  local slug = slugs[math.random(#slugs)]
  local body = '{"service": "' .. slug .. '", "title": "%(title)s", "priority": "normal"}'
  return wrk.format("POST", path, headers, body)
end
"""


def lua_list(values: list[str]) -> str:
    return ", ".join(f'"{value}"' for value in values)


def wrk(base: str, method: str, path: str, tokens, slugs, seconds: float, connections: int):
    """Requests per second and non-2xx answers of one wrk run."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            WRK_SCRIPT
            % {
                "tokens": lua_list(tokens),
                "slugs": lua_list(slugs),
                "method": method,
                "path": path,
                "title": TITLE,
            }
        )
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", script.name, base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(script.name).unlink()
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, int(failed.group(1)) if failed else 0


def postgresql_insert_ceiling(seconds: float, clients: int) -> float:
    """Commits per second of one single-row insert each, measured by pgbench."""
    settings = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_ceiling")
        cursor.execute("CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, at timestamptz)")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write("INSERT INTO bench_ceiling (at) VALUES (now());\n")
    environment = dict(os.environ, PGPASSWORD=settings.get("PASSWORD") or "")
    out = subprocess.run(
        ["pgbench", "-n", "-f", script.name, "-c", str(clients), "-j", "2", "-T", str(int(seconds)),
         "-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432),
         "-U", settings["USER"] or "postgres", settings["NAME"]],
        capture_output=True, text=True, check=True, env=environment,
    ).stdout  # fmt: skip
    Path(script.name).unlink()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_ceiling")
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per server process")
    parser.add_argument("--connections", type=int, default=16, help="wrk's open connections")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/api_create.py measures PostgreSQL: set DATABASE_URL")
    if shutil.which("wrk") is None:
        sys.exit("bench/api_create.py needs wrk: apt-get install wrk")
    people = list(Person.objects.filter(is_active=True).order_by("?")[:50])
    created_tokens = [api_token_create(person=p, name="bench") for p in people]
    tokens = [secret for _, secret in created_tokens]
    slugs = list(
        Service.objects.filter(is_active=True, audience="everyone", promises__priority="normal")
        .exclude(kind="face_time")
        .values_list("slug", flat=True)[:300]
    )
    before = Request.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    outbox_before = OutboxEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    load = os.getloadavg()[0]
    connection.close()
    environment = dict(os.environ, RELAYDESK_WEB_THREADS=str(args.threads))
    with serving(environment, workers=args.workers) as base:
        wrk(base, "POST", "/api/v1/requests", tokens, slugs, 2, args.connections)  # warm-up
        started = Request.objects.order_by("-pk").values_list("pk", flat=True).first()
        connection.close()
        clock = time.monotonic()
        _, failed = wrk(
            base, "POST", "/api/v1/requests", tokens, slugs, args.seconds, args.connections
        )
        elapsed = time.monotonic() - clock
        created = Request.objects.filter(pk__gt=started, title=TITLE).count()
        connection.close()
        trivial, _ = wrk(
            base, "GET", "/api/v1/me", tokens, slugs, args.seconds / 2, args.connections
        )
    database = postgresql_insert_ceiling(args.seconds / 2, args.workers * args.threads)
    new = Request.objects.filter(title=TITLE, pk__gt=before).select_related("service__calendar")
    wrong = 0
    sample = list(new.order_by("?")[:500])
    for request in sample:
        promise = request.service.promises.get(priority=request.priority)
        engine = request.service.calendar.engine()
        expected = engine.due(request.created_at, promise.resolution_minutes * 60)
        wrong += expected.timestamp() != request.resolution_due_at.timestamp()
    rate = created / elapsed
    # Leave the dataset as it was: thousands of new open requests would lengthen the queues
    # that bench/pages.py then measures.
    new.delete()
    OutboxEvent.objects.filter(pk__gt=outbox_before).delete()
    ApiToken.objects.filter(pk__in=[token.pk for token, _ in created_tokens]).delete()
    print(
        f"load {load:.2f} before; {args.workers} server processes x {args.threads} threads, "
        f"wrk with {args.connections} connections, {elapsed:.1f} s: {created:,} created "
        f"({rate:.0f}/s), {failed} not created; due times checked on {len(sample)}: {wrong} "
        f"wrong; ceilings: GET /api/v1/me {trivial:.0f}/s, PostgreSQL single-row insert "
        f"commits {database:.0f}/s; load {os.getloadavg()[0]:.2f} after; target >= "
        f"{TARGET_PER_SECOND}/s: {'met' if rate >= TARGET_PER_SECOND and not wrong else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
