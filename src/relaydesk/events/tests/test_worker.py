"""The worker runs each handler of each event once, retries failures with back-off, parks
what keeps failing, and lets another worker take over events whose lease ran out.

The tests commit (transactional_db), as the web process and the worker do."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import transaction

from relaydesk.directory.models import Team
from relaydesk.events.models import OutboxEvent, PeriodicJob
from relaydesk.events.outbox import Published, publish, publish_many
from relaydesk.events.registry import PERIODIC, SUBSCRIPTIONS, periodic, subscribe
from relaydesk.events.services import parked_retry
from relaydesk.events.worker import Tuning, Worker
from relaydesk.testing import MovableClock


def waits(event: OutboxEvent, clock: MovableClock) -> timedelta:
    """How long, to the second, until the event may be taken again."""
    event.refresh_from_db()
    return timedelta(seconds=round((event.available_at - clock()).total_seconds()))


@pytest.fixture
def worker(clock: MovableClock) -> Worker:
    return Worker(Tuning(retry_base=timedelta(seconds=10), max_attempts=3), clock=clock)


@pytest.fixture
def handlers() -> dict[str, list]:
    """Test handlers for the kinds `test.*`; what each one saw."""
    seen: dict[str, list] = {"teams": [], "flaky": [], "outside": []}
    failures = {"left": 0}

    @subscribe("test.team_named")
    def make_team(event: OutboxEvent) -> None:
        Team.objects.create(name=event.payload["name"])
        seen["teams"].append(event.payload["name"])

    @subscribe("test.team_named")
    def flaky(event: OutboxEvent) -> None:
        seen["flaky"].append(event.payload["name"])
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionRefusedError("the other end said no")

    @subscribe("test.outside", atomic=False)
    def outside(event: OutboxEvent) -> None:
        # Talks to the world: no transaction may be open while it does.
        assert not transaction.get_connection().in_atomic_block
        seen["outside"].append(event.payload["n"])

    seen["failures"] = failures  # type: ignore[assignment]
    return seen


@pytest.fixture(autouse=True)
def _test_handlers_unregistered() -> Iterator[None]:
    yield
    for name in [name for name, sub in SUBSCRIPTIONS.items() if sub.kind.startswith("test.")]:
        del SUBSCRIPTIONS[name]


def test_an_event_nobody_subscribes_to_is_not_written(transactional_db):
    publish("test.unheard", {"x": 1})
    assert not OutboxEvent.objects.exists()


def test_a_key_published_twice_records_one_event(transactional_db, handlers):
    publish_many([Published("test.outside", {"n": 1}, key="k1")])
    publish_many([Published("test.outside", {"n": 2}, key="k1")])
    assert OutboxEvent.objects.count() == 1


def test_an_event_rolled_back_with_its_cause_is_never_handled(transactional_db, handlers, worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        publish("test.team_named", {"name": "Ghosts"})
        raise RuntimeError("the change failed")
    assert worker.run_until_idle() == 0
    assert not Team.objects.filter(name="Ghosts").exists()


def test_each_handler_runs_once_and_the_event_is_done(transactional_db, handlers, worker):
    publish("test.team_named", {"name": "Paint shop"})
    publish("test.outside", {"n": 7})
    assert worker.run_until_idle() == 2
    assert handlers["teams"] == ["Paint shop"]
    assert handlers["outside"] == [7]
    assert set(OutboxEvent.objects.values_list("state", flat=True)) == {"done"}
    assert worker.run_until_idle() == 0
    assert Team.objects.filter(name="Paint shop").count() == 1


def test_a_failing_handler_is_retried_after_a_doubling_wait_and_others_do_not_rerun(
    transactional_db, handlers, worker, clock
):
    handlers["failures"]["left"] = 2
    publish("test.team_named", {"name": "Logistics"})
    worker.run_until_idle()
    event = OutboxEvent.objects.get()
    assert (event.state, event.attempts) == ("pending", 1)
    assert "ConnectionRefusedError: the other end said no" in event.last_error
    assert waits(event, clock) == timedelta(seconds=10)
    assert worker.run_until_idle() == 0  # not yet
    clock.advance(timedelta(seconds=10))
    worker.run_until_idle()
    assert waits(event, clock) == timedelta(seconds=20)  # twice as long
    clock.advance(timedelta(seconds=20))
    worker.run_until_idle()
    event.refresh_from_db()
    assert event.state == "done"
    # The team was made once, on the first try; only the flaky handler ran again.
    assert handlers["teams"] == ["Logistics"]
    assert handlers["flaky"] == ["Logistics"] * 3
    assert Team.objects.filter(name="Logistics").count() == 1


def test_an_event_that_keeps_failing_is_parked_with_its_error_and_can_be_retried(
    transactional_db, handlers, worker, clock
):
    handlers["failures"]["left"] = 3
    publish("test.team_named", {"name": "Body shop"})
    for _ in range(3):
        worker.run_until_idle()
        clock.advance(timedelta(hours=1))
    event = OutboxEvent.objects.get()
    assert (event.state, event.attempts) == ("parked", 3)
    assert "the other end said no" in event.last_error
    assert worker.run_until_idle() == 0  # parked stays parked
    assert parked_retry(actor=None) == 1
    worker.run_until_idle()
    event.refresh_from_db()
    assert event.state == "done"


def test_a_worker_that_dies_lets_its_events_go_when_the_lease_runs_out(
    transactional_db, handlers, worker, clock
):
    publish("test.outside", {"n": 1})
    assert len(worker.claim()) == 1  # ... and the worker dies here, before running it
    other = Worker(Tuning(lease=timedelta(minutes=5)), clock=clock)
    assert other.run_until_idle() == 0  # still leased
    clock.advance(timedelta(minutes=5))
    assert other.run_until_idle() == 1
    assert handlers["outside"] == [1]


def test_a_worker_whose_lease_was_taken_over_records_nothing(
    transactional_db, handlers, worker, clock
):
    publish("test.team_named", {"name": "Quality"})
    stale = worker.claim()[0]
    clock.advance(timedelta(minutes=6))
    Worker(clock=clock).run_until_idle()  # the event is taken over and done
    worker.process(stale)  # the first worker wakes up: its writes roll back
    assert Team.objects.filter(name="Quality").count() == 1
    assert OutboxEvent.objects.get().state == "done"


def test_a_slow_batch_keeps_its_lease_on_the_events_it_has_not_reached(transactional_db, clock):
    other = Worker(clock=clock)
    taken_by_other = []

    @subscribe("test.slow")
    def slow(event: OutboxEvent) -> None:
        clock.advance(timedelta(minutes=3))  # a mail server taking its time
        taken_by_other.append(len(other.claim()))

    for n in range(3):
        publish("test.slow", {"n": n})
    Worker(Tuning(lease=timedelta(minutes=5)), clock=clock).run_once()

    assert taken_by_other == [0, 0, 0]
    assert set(OutboxEvent.objects.values_list("state", flat=True)) == {"done"}


def test_a_periodic_job_runs_once_per_period_whatever_the_number_of_workers(
    transactional_db, clock
):
    runs = []
    periodic("test.tick", every=timedelta(minutes=1))(lambda: runs.append(clock()))
    try:
        first, second = Worker(clock=clock), Worker(clock=clock)
        assert "test.tick" in first.run_periodic()
        assert "test.tick" not in second.run_periodic()
        clock.advance(timedelta(seconds=59))
        first.run_periodic()
        second.run_periodic()
        clock.advance(timedelta(seconds=1))
        second.run_periodic()
        first.run_periodic()
        assert len(runs) == 2
        assert runs[1] - runs[0] >= timedelta(minutes=1)
        job = PeriodicJob.objects.get(name="test.tick")
        assert job.next_run_at - job.last_run_at == timedelta(minutes=1)
    finally:
        del PERIODIC["test.tick"]


def test_a_failing_periodic_job_keeps_its_error_and_runs_again_next_period(transactional_db, clock):
    def broken() -> None:
        raise ValueError("no database today")

    periodic("test.broken", every=timedelta(minutes=1))(broken)
    try:
        Worker(clock=clock).run_periodic()
        job = PeriodicJob.objects.get(name="test.broken")
        assert "ValueError: no database today" in job.last_error
        assert job.next_run_at - job.last_run_at == timedelta(minutes=1)
    finally:
        del PERIODIC["test.broken"]
