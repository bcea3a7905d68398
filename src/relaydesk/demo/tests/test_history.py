"""The history at any size: planned day by day, the same whichever process simulates a day,
and written by the fast writer exactly as the ORM would have stored it."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from random import Random

import pytest
from django.db import connection, transaction

from relaydesk.demo.activity import (
    day_arrivals,
    load_world,
    plan_history,
    simulate_day,
    simulate_request,
)
from relaydesk.demo.history import build_activity
from relaydesk.demo.rows import Writer, encode
from relaydesk.demo.story import build_story
from relaydesk.demo.tests.test_activity import MONDAY_9, NOW, OFFICE, _digest, _world
from relaydesk.servicerequests.models import Event, Hop, Request

# -- the plan, without a database ----------------------------------------------------------------


def test_the_plan_shares_every_request_out_over_utc_days():
    world = _world()
    plan = plan_history(
        world, requests=5000, seed=1, start=NOW - timedelta(days=182), now=NOW, first_id=40
    )

    assert plan.days == 183 and plan.requests == 5000  # from 11:00 to 11:00, 182 days later
    assert plan.day_bounds(0) == (NOW - timedelta(days=182), datetime(2025, 10, 16, tzinfo=UTC))
    assert plan.day_bounds(182) == (datetime(2026, 4, 15, tzinfo=UTC), NOW)
    assert plan.first_id_of(0) == 40
    assert plan.first_id_of(1) == 40 + plan.counts[0]
    assert plan.first_id_of(183) == 40 + 5000


def test_requests_arrive_on_weekdays_mostly_and_a_little_more_each_month():
    world = _world()
    plan = plan_history(world, requests=20_000, seed=1, start=NOW - timedelta(days=364), now=NOW)
    arrivals = [at for day in range(plan.days) for at, _ in day_arrivals(world, plan, day)]
    by_weekday = Counter(at.astimezone(OFFICE.tz).weekday() for at in arrivals)
    first, last = plan.start + timedelta(days=91), plan.now - timedelta(days=91)

    assert len(arrivals) == 20_000
    assert min(by_weekday[d] for d in range(5)) > 10 * max(by_weekday[5], by_weekday[6])
    assert sum(OFFICE.is_open(at) for at in arrivals) > 0.9 * len(arrivals)
    assert sum(at > last for at in arrivals) > 1.1 * sum(at < first for at in arrivals)


def test_a_day_is_the_same_simulated_alone_and_numbered_from_the_plan():
    world = _world()
    plan = plan_history(world, requests=300, seed=4, start=MONDAY_9, now=MONDAY_9 + timedelta(14))
    day = max(range(plan.days), key=plan.counts.__getitem__)

    first, again = simulate_day(world, plan, day), simulate_day(world, plan, day)

    assert first == again
    assert len(first) == plan.counts[day]
    assert [r.fields["id"] for r in first] == list(
        range(plan.first_id_of(day), plan.first_id_of(day + 1))
    )
    a, b = plan.day_bounds(day)
    assert all(a <= r.fields["created_at"] < b for r in first if r.fields["parent_id"] is None)


# -- with the database ----------------------------------------------------------------------------


def test_worker_processes_build_the_same_history_as_one_process(db):
    build_story()

    def built(workers: int) -> str:
        result = build_activity(requests=400, seed=3, now=NOW, workers=workers)
        requests = Request.objects.filter(pk__gte=result.first_id)
        digest = _digest(requests)
        requests.delete()
        return digest

    assert built(workers=2) == built(workers=0)


TRICKY = "Tab\there, a back\\slash, a new\nline, a \r return, “quotes” and São Paulo \\N"


def test_the_fast_writer_stores_what_the_orm_would(db):
    """Every column read back through the ORM, fast-written and ORM-written side by side."""
    build_story()
    world = load_world(1)
    service = next(s for s in world.services if s.kind == "face_time")  # slots and all
    (record, *_) = simulate_request(
        world, service, Random(8), request_id=9001, created_at=NOW - timedelta(days=9), now=NOW
    )
    record.fields.update(title=TRICKY[:200], details=TRICKY)
    record.events[-1].data["note"] = TRICKY
    with transaction.atomic():
        Writer(connection).write(encode([record], connection.vendor))
    twin = Request.objects.create(**(record.fields | {"id": 9002}))
    for e in record.events:
        Event.objects.create(
            request=twin, seq=e.seq, kind=e.kind, actor_id=e.actor_id, at=e.at, data=e.data
        )
    for h in record.hops:
        Hop.objects.create(
            request=twin,
            team_id=h.team_id,
            person_id=h.person_id,
            started_at=h.started_at,
            ended_at=h.ended_at,
        )

    fast, orm = Request.objects.get(pk=9001), Request.objects.get(pk=9002)
    columns = [f.attname for f in Request._meta.concrete_fields if f.attname != "id"]
    assert {c: getattr(fast, c) for c in columns} == {c: getattr(orm, c) for c in columns}
    assert fast.title == TRICKY[:200] and fast.proposed_slots
    assert _timeline(fast) == _timeline(orm)
    assert fast.events.last().data["note"] == TRICKY
    # Ordered and filtered by the database as the app does: queues sort by queue_due_at.
    both = Request.objects.filter(pk__in=[9001, 9002])
    assert both.filter(queue_due_at=orm.queue_due_at).count() == 2
    assert both.filter(created_at__lt=orm.created_at + timedelta(seconds=1)).count() == 2


def _timeline(request: Request) -> list[tuple]:
    events = [(e.seq, e.kind, e.actor_id, e.at, e.data) for e in request.events.order_by("seq")]
    hops = [(h.team_id, h.person_id, h.started_at, h.ended_at) for h in request.hops.all()]
    return [*events, *hops]


@pytest.mark.parametrize("instant", [datetime(2026, 3, 29, 1, 30, 5, 250_000, tzinfo=UTC)])
def test_the_fast_writer_keeps_microseconds_when_there_are_any(db, instant):
    build_story()
    world = load_world(1)
    (record, *_) = simulate_request(
        world, world.services[0], Random(2), request_id=77, created_at=instant, now=NOW
    )
    with transaction.atomic():
        Writer(connection).write(encode([record], connection.vendor))

    assert Request.objects.get(pk=77).created_at == instant
