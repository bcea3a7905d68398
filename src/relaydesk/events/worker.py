"""The background worker: claims outbox events, runs their handlers, runs the periodic jobs.

Any number of workers may run at once on PostgreSQL: a claim locks the rows it reads with
`FOR UPDATE SKIP LOCKED`, so two workers never take the same event, and pushes them one lease
ahead, so the events of a worker that dies (SIGKILL, power cut) come round again once its lease
runs out. On SQLite the claim is one short write transaction, and one worker is the norm.

Guarantees: an atomic handler's writes commit together with striking it off the event, and only
while the claim is still this worker's, so they happen exactly once. A non-atomic handler (one
that talks to a mail server or a webhook receiver) runs with no transaction open and is struck
off right after; a crash between the two runs it again (at-least-once).
"""

from __future__ import annotations

import logging
import signal
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction
from django.utils import timezone

from relaydesk.events.models import OutboxEvent, PeriodicJob
from relaydesk.events.registry import PERIODIC, SUBSCRIPTIONS

logger = logging.getLogger(__name__)

# An error kept on an event is for an admin to read, not a log to fill the database.
ERROR_LENGTH = 2000


class LeaseLost(Exception):
    """Another worker took the event over: this one's lease ran out while it worked."""


@dataclass(frozen=True)
class Tuning:
    batch: int = 50
    lease: timedelta = timedelta(minutes=5)
    retry_base: timedelta = timedelta(seconds=30)  # the first retry waits this long
    retry_cap: timedelta = timedelta(hours=1)  # no retry waits longer
    max_attempts: int = 10  # then the event is parked, with its error, for an admin

    @classmethod
    def from_settings(cls) -> Tuning:
        return cls(
            batch=settings.OUTBOX_BATCH,
            lease=timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
            retry_base=timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS),
            retry_cap=timedelta(seconds=settings.OUTBOX_RETRY_CAP_SECONDS),
            max_attempts=settings.OUTBOX_MAX_ATTEMPTS,
        )

    def backoff(self, attempts: int) -> timedelta:
        """How long to wait after the `attempts`-th failure: doubling, capped."""
        return min(self.retry_base * 2 ** min(attempts - 1, 30), self.retry_cap)


class Worker:
    def __init__(
        self, tuning: Tuning | None = None, *, clock: Callable[[], datetime] = timezone.now
    ):
        self.tuning = tuning or Tuning.from_settings()
        self.clock = clock
        self.stopping = False

    # -- the outbox --------------------------------------------------------------------------

    def run_once(self) -> int:
        """Claim one batch of due events and run their handlers; how many were claimed."""
        claimed = self.claim()
        renew_at = self.clock() + self.tuning.lease / 2
        for index, event in enumerate(claimed):
            if self.stopping:
                break  # its lease runs out and another round (or worker) takes it
            if self.clock() >= renew_at:
                # A slow batch (a mail server taking its time) keeps what it has not reached
                # yet, so that no other worker takes it over while this one is still alive.
                self._renew(claimed[index:])
                renew_at = self.clock() + self.tuning.lease / 2
            self.process(event)
        return len(claimed)

    def run_until_idle(self, *, rounds: int = 1000) -> int:
        """Run until no event is due (those published by handlers included); for tests and
        one-off runs. Returns how many events were claimed in all."""
        total = 0
        for _ in range(rounds):
            claimed = self.run_once()
            if not claimed:
                return total
            total += claimed
        raise RuntimeError(f"events still due after {rounds} rounds: is a handler looping?")

    def claim(self) -> list[OutboxEvent]:
        now = self.clock()
        token = uuid.uuid4().hex
        with transaction.atomic():
            ids = list(
                OutboxEvent.objects.select_for_update(skip_locked=True)
                .filter(state=OutboxEvent.State.PENDING, available_at__lte=now)
                .order_by("available_at", "id")
                .values_list("id", flat=True)[: self.tuning.batch]
            )
            if not ids:
                return []
            OutboxEvent.objects.filter(id__in=ids).update(
                lease_token=token, available_at=now + self.tuning.lease
            )
        return list(OutboxEvent.objects.filter(id__in=ids, lease_token=token).order_by("id"))

    def _renew(self, events: list[OutboxEvent]) -> None:
        OutboxEvent.objects.filter(
            pk__in=[event.pk for event in events], lease_token=events[0].lease_token
        ).update(available_at=self.clock() + self.tuning.lease)

    def process(self, event: OutboxEvent) -> None:
        for name in list(event.pending):
            subscription = SUBSCRIPTIONS.get(name)
            try:
                if subscription is None:
                    raise LookupError(f"no handler {name} is registered (renamed or removed?)")
                if subscription.atomic:
                    with transaction.atomic():
                        subscription.handler(event)
                        self._strike(event, name)
                else:
                    subscription.handler(event)
                    with transaction.atomic():
                        self._strike(event, name)
            except LeaseLost:
                logger.warning("outbox event %s was taken over by another worker", event.pk)
                return
            except Exception as exc:
                self._fail(event, name, exc)
                return

    def _strike(self, event: OutboxEvent, name: str) -> None:
        """Record that `name` ran, if the event is still ours."""
        remaining = [other for other in event.pending if other != name]
        changes: dict = {"pending": remaining}
        if not remaining:
            changes |= {"state": OutboxEvent.State.DONE, "done_at": self.clock(), "lease_token": ""}
        updated = OutboxEvent.objects.filter(pk=event.pk, lease_token=event.lease_token).update(
            **changes
        )
        if not updated:
            raise LeaseLost
        event.pending = remaining

    def _fail(self, event: OutboxEvent, name: str, exc: Exception) -> None:
        attempts = event.attempts + 1
        error = f"{name}: {type(exc).__name__}: {exc}"[:ERROR_LENGTH]
        parked = attempts >= self.tuning.max_attempts
        logger.warning(
            "outbox event %s (%s) failed, attempt %s%s: %s",
            event.pk,
            event.kind,
            attempts,
            ", parked" if parked else "",
            error,
        )
        changes = {"attempts": attempts, "last_error": error, "lease_token": ""}
        if parked:
            changes["state"] = OutboxEvent.State.PARKED
        else:
            changes["available_at"] = self.clock() + self.tuning.backoff(attempts)
        OutboxEvent.objects.filter(pk=event.pk, lease_token=event.lease_token).update(**changes)

    # -- the periodic jobs -------------------------------------------------------------------

    def run_periodic(self) -> list[str]:
        """Run the periodic jobs that are due; each by one worker only. Returns their names."""
        now = self.clock()
        PeriodicJob.objects.bulk_create(
            [PeriodicJob(name=name, next_run_at=now) for name in PERIODIC], ignore_conflicts=True
        )
        ran = []
        for job in PeriodicJob.objects.filter(name__in=list(PERIODIC), next_run_at__lte=now):
            periodic = PERIODIC[job.name]
            # Whoever moves next_run_at on from the value it read runs the job; the others
            # find it moved and leave it.
            taken = PeriodicJob.objects.filter(name=job.name, next_run_at=job.next_run_at).update(
                next_run_at=now + periodic.every, last_run_at=now
            )
            if not taken:
                continue
            try:
                periodic.job()
            except Exception as exc:
                logger.exception("periodic job %s failed", job.name)
                error = f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]
            else:
                error = ""
            PeriodicJob.objects.filter(name=job.name).update(last_error=error)
            ran.append(job.name)
        return ran

    # -- the long-running process ------------------------------------------------------------

    def stop_on_signals(self) -> None:
        """Let SIGTERM and SIGINT end run_forever once the event in hand is done."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._stop)

    def run_forever(self, *, poll: float = 1.0) -> None:
        """Work until stopped; a database that goes away is waited for."""
        while not self.stopping:
            try:
                self.run_periodic()
                claimed = self.run_once()
            except DatabaseError as exc:
                # The database went away or refused: drop the connection and try again later.
                logger.warning("worker: database unavailable (%s); retrying", exc)
                close_old_connections()
                from django.db import connection

                connection.close()
                claimed = 0
            if not claimed:
                self._sleep(poll)

    def _stop(self, signum: int, frame: object) -> None:
        self.stopping = True

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.1, seconds))
