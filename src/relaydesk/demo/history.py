"""The demo's request history at any size: SPEC §7's "large" dataset in minutes.

Each day of the history is simulated from the seed and the day alone, so days are simulated
in worker processes while this process writes them in order, one transaction per day. A
build's progress (`DemoBuild`) is saved in the same transaction as the day it counts: a build
stopped at any point holds whole days only, and running it again resumes after the last one.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from relaydesk.demo.activity import HistoryPlan, World, load_world, plan_history, simulate_day
from relaydesk.demo.fairness import build_fairness
from relaydesk.demo.feedback import build_feedback
from relaydesk.demo.models import DemoBuild
from relaydesk.demo.rows import EVENTS, HOPS, LINKS, Rows, Writer, encode
from relaydesk.insight.services import rollups_rebuild
from relaydesk.servicerequests.models import Request

Out = Callable[[str], None]

# From this many requests on a history is "large": it is simulated in worker processes and
# loaded with the tables' secondary indexes set aside. Below, neither pays for itself.
LARGE = 20_000


@dataclass
class ActivityBuilt:
    """What a build wrote, and how long it took."""

    requests: int = 0
    events: int = 0
    hops: int = 0
    links: int = 0
    first_id: int = 0  # the first request's id; the others follow on
    days: int = 0
    seconds: float = 0.0


def build_activity(
    *,
    requests: int = 3000,
    seed: int = 1,
    now: datetime | None = None,
    days: int = 182,
    workers: int | None = None,
    out: Out | None = None,
) -> ActivityBuilt:
    """Add `requests` requests made over the `days` before `now` to the organisation, in one
    go (the demo command builds through `DemoBuild`, which resumes)."""
    now = _whole_second(now or timezone.now())
    world = load_world(seed)
    first_id = (Request.objects.aggregate(last=Max("id"))["last"] or 0) + 1
    plan = plan_history(
        world,
        requests=requests if world.services else 0,
        seed=seed,
        start=now - timedelta(days=days),
        now=now,
        first_id=first_id,
    )
    return write_history(world, plan, workers=workers, out=out)


def _whole_second(instant: datetime) -> datetime:
    return instant.astimezone(UTC).replace(microsecond=0)


# -- a build that resumes -----------------------------------------------------------------------


class BuildMismatch(Exception):
    """The database does not hold what its DemoBuild says: it cannot be resumed."""


def demo_build_start(
    *, organisation: str, people: int, requests: int, seed: int, days: int, now: datetime | None
) -> DemoBuild:
    """Record the build about to be made; call it in the transaction that builds the
    organisation, so that either both are there or neither."""
    now = _whole_second(now or timezone.now())
    return DemoBuild.objects.create(
        organisation=organisation,
        people=people,
        requests=requests,
        seed=seed,
        history_start=now - timedelta(days=days),
        history_end=now,
        first_request_id=(Request.objects.aggregate(last=Max("id"))["last"] or 0) + 1,
        started_at=timezone.now(),
    )


def demo_build_history(
    *, build: DemoBuild, workers: int | None = None, out: Out | None = None
) -> ActivityBuilt:
    """Write the history `build` still lacks, day by day, then mark it finished.

    A large build first sets the history tables' secondary indexes and foreign keys aside,
    in the transaction that records them on the build, and puts them back in the one that
    finishes it: the database never holds a finished build without them.
    """
    world = load_world(build.seed)
    plan = plan_history(
        world,
        requests=build.requests if world.services else 0,
        seed=build.seed,
        start=build.history_start,
        now=build.history_end,
        first_id=build.first_request_id,
    )
    _check_resumable(build, plan)
    writer = Writer(connection)
    if plan.requests - build.requests_done >= LARGE and not build.set_aside:
        with transaction.atomic():
            build.set_aside = writer.set_aside()
            build.save(update_fields=["set_aside"])

    def saved(day: int, rows: Rows) -> None:
        DemoBuild.objects.filter(pk=build.pk).update(
            days_done=day + 1, requests_done=F("requests_done") + rows.count(Request._meta.db_table)
        )

    built = write_history(
        world,
        plan,
        first_day=build.days_done,
        on_day=saved,
        workers=workers,
        analyse=False,
        out=out,
    )
    started = time.perf_counter()
    if build.set_aside and out:
        out(f"Putting back the {len(build.set_aside)} indexes and constraints set aside ...")
    with transaction.atomic():
        writer.restore(build.set_aside)
        # Feedback on the finished history, in the transaction that finishes the build.
        feedback = build_feedback(seed=build.seed, now=build.history_end)
        fairness = build_fairness(team_id=world.external_first_team, now=build.history_end)
        rollups = rollups_rebuild()  # the dashboards read rollups of the history just written
        DemoBuild.objects.filter(pk=build.pk).update(set_aside=[], finished_at=timezone.now())
    if out:
        out("Feedback: " + ", ".join(f"{n:,} {what}" for what, n in feedback.items()) + ".")
        out(f"Dashboards: {rollups:,} rollups (service, team, day).")
        if fairness:
            out("Fairness: " + "; ".join(f"{what}: {who}" for what, who in fairness.items()) + ".")
    if built.days or build.set_aside:
        writer.analyse()
    if build.set_aside and out:
        out(f"  done, statistics refreshed, in {time.perf_counter() - started:.1f} s.")
    build.refresh_from_db()
    return built


def _check_resumable(build: DemoBuild, plan: HistoryPlan) -> None:
    expected = plan.first_id_of(build.days_done) - build.first_request_id
    last = Request.objects.aggregate(last=Max("id"))["last"]
    holds = 0 if last is None else last - build.first_request_id + 1
    if expected != build.requests_done or holds != build.requests_done:
        raise BuildMismatch(
            f"the database holds {max(holds, 0):,} requests of the demo history where its build "
            f"record expects {build.requests_done:,} (and the plan {expected:,}), so it cannot be "
            "resumed; build the demo again into an empty database"
        )


# -- writing the days in order ------------------------------------------------------------------


def write_history(
    world: World,
    plan: HistoryPlan,
    *,
    first_day: int = 0,
    on_day: Callable[[int, Rows], None] | None = None,
    workers: int | None = None,
    analyse: bool = True,
    out: Out | None = None,
) -> ActivityBuilt:
    """Simulate and write the plan's days from `first_day` on, one transaction per day.

    `on_day(day, rows)` runs inside each day's transaction, after its rows are written.
    """
    started = time.perf_counter()
    built = ActivityBuilt(first_id=plan.first_id)
    days = [day for day in range(first_day, plan.days) if plan.counts[day]]
    total = sum(plan.counts[day] for day in days)
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if total >= LARGE else 0
    progress = _Progress(total, plan, started, out)
    writer = Writer(connection).open()
    try:
        for day, rows in _simulated(world, plan, days, connection.vendor, workers):
            with transaction.atomic():
                writer.write(rows)
                if on_day is not None:
                    on_day(day, rows)
            built.days += 1
            built.requests += rows.count(Request._meta.db_table)
            built.events += rows.count(EVENTS.name)
            built.hops += rows.count(HOPS.name)
            built.links += rows.count(LINKS.name)
            progress.show(built.requests, day)
        if built.days and analyse:
            writer.analyse()
    finally:
        writer.close()
    built.seconds = time.perf_counter() - started
    if out:
        out(
            f"Built {built.requests:,} requests with {built.events:,} events, {built.hops:,} "
            f"hops and {built.links:,} links in {built.seconds:.1f} s."
        )
    return built


class _Progress:
    """A line every few seconds: how far, how fast, how long still."""

    EVERY = 5.0

    def __init__(self, total: int, plan: HistoryPlan, started: float, out: Out | None) -> None:
        self.total, self.plan, self.started, self.out = total, plan, started, out
        self.shown = started

    def show(self, done: int, day: int) -> None:
        now = time.perf_counter()
        if self.out is None or (now - self.shown < self.EVERY and done < self.total):
            return
        self.shown = now
        elapsed = now - self.started
        left = elapsed / done * (self.total - done) if done else 0.0
        date = self.plan.day_bounds(day)[0].date().isoformat()
        self.out(
            f"  requests: {done:,} of {self.total:,} ({done / max(self.total, 1):.0%}), "
            f"up to {date}; {elapsed:.0f} s at {done / max(elapsed, 1e-9):,.0f} a second, "
            f"about {left:.0f} s left"
        )


# -- simulating days, here or in worker processes -----------------------------------------------

# What the workers simulate; set before they start, so that forked workers inherit it.
_WORK: tuple[World, HistoryPlan, str] | None = None


def _simulate(day: int) -> tuple[int, Rows]:
    assert _WORK is not None
    world, plan, vendor = _WORK
    return day, encode(simulate_day(world, plan, day), vendor)


def _follow_parent(parent: int) -> None:
    """Stop this worker when the build that started it is gone (killed, say), rather than
    wait for work forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _simulated(
    world: World, plan: HistoryPlan, days: Sequence[int], vendor: str, workers: int
) -> Iterator[tuple[int, Rows]]:
    """(day, rows) for each day, in order; days ahead are simulated meanwhile by `workers`
    processes (none: one by one, here). At most a few days wait in memory."""
    global _WORK
    _WORK = (world, plan, vendor)
    try:
        # Workers are forked (where the system can) so that they inherit the facts.
        if workers < 1 or len(days) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            for day in days:
                yield _simulate(day)
            return
        # Forked workers share the organisation's facts instead of each loading them; keep
        # the collector from touching (and so copying) them.
        gc.collect()
        gc.freeze()
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_follow_parent,
            initargs=(os.getpid(),),
        )
        try:
            waiting: deque[Future[tuple[int, Rows]]] = deque()
            todo = iter(days)
            for day in todo:
                waiting.append(pool.submit(_simulate, day))
                if len(waiting) >= 2 * workers:
                    break
            while waiting:
                result = waiting.popleft().result()
                for day in todo:
                    waiting.append(pool.submit(_simulate, day))
                    break
                yield result
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            gc.unfreeze()
    finally:
        _WORK = None
