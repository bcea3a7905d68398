"""The worker keeps the rollups from request events; they always equal a full rebuild."""

from datetime import UTC, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relaydesk.core.rollups import Rollup
from relaydesk.errors import Conflict, InvalidInput
from relaydesk.events.worker import Worker
from relaydesk.insight.models import DailyServiceRollup, ScopeDailyRollup
from relaydesk.insight.services import aggregate, rollups_rebuild
from relaydesk.servicerequests.models import Request
from relaydesk.servicerequests.services import (
    request_comment,
    request_create,
    request_transfer,
    request_transition,
)
from relaydesk.servicerequests.tests.conftest import MONDAY_9

MOVES = ["acknowledged", "in_progress", "done", "cancelled"]
actions = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.booleans(), st.booleans()),
        st.tuples(st.just("move"), st.integers(0, 5), st.sampled_from(MOVES)),
        st.tuples(st.just("transfer"), st.integers(0, 5), st.just(None)),
        st.tuples(st.just("comment"), st.integers(0, 5), st.just(None)),
    ),
    min_size=1,
    max_size=12,
)


def table() -> tuple[dict, dict]:
    return (
        {
            (row.service_id, row.team_id, row.day): row.rollup()
            for row in DailyServiceRollup.objects.all()
        },
        {(row.scope, row.day): row.rollup() for row in ScopeDailyRollup.objects.all()},
    )


def play(org, catalog, steps) -> None:
    made = []
    for step, (what, first, second) in enumerate(steps):
        # Seven hours a step: requests are answered and finished on other days than created.
        now = MONDAY_9 + timedelta(hours=7 * step)
        try:
            if what == "create":
                made.append(
                    request_create(
                        requester=org.outsider if first else org.member,
                        service=catalog.wheels if first else catalog.approvals,
                        title="Wheels" if first else "Approve",
                        needed_by=now + timedelta(days=1),
                        party=org.dealer if second else None,
                        now=now,
                    )
                )
            elif made:
                request = made[first % len(made)]
                request.refresh_from_db()
                if what == "move":
                    request_transition(actor=org.admin, request_id=request.pk, to=second, now=now)
                elif what == "comment":  # a provider's word to the requester answers them
                    request_comment(actor=org.admin, request_id=request.pk, body="On it.", now=now)
                else:
                    other = (
                        org.purchasing if request.provider_team == org.assembly else org.assembly
                    )
                    request_transfer(actor=org.admin, request_id=request.pk, team=other, now=now)
        except (Conflict, InvalidInput, PermissionDenied):
            pass  # an illegal move changes nothing, as for a user


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=actions)
def test_rollups_kept_from_events_equal_a_full_rebuild(org, catalog, steps):
    play(org, catalog, steps)
    Worker().run_until_idle()
    maintained = table()

    rollups_rebuild()

    assert maintained == table()
    assert maintained[1] or not maintained[0]  # departments and the organisation kept too


def test_a_reopened_request_leaves_the_day_it_was_first_done(org, catalog):
    request = request_create(
        requester=org.outsider, service=catalog.wheels, title="Wheels", now=MONDAY_9
    )
    request_transition(actor=org.admin, request_id=request.pk, to="done", now=MONDAY_9)
    Worker().run_until_idle()
    assert [row.finished for row in DailyServiceRollup.objects.all()] == [1]

    later = MONDAY_9 + timedelta(days=2)
    request_transition(actor=org.admin, request_id=request.pk, to="in_progress", now=later)
    Worker().run_until_idle()

    rows = DailyServiceRollup.objects.all()
    assert sum(row.finished for row in rows) == 0
    assert sum(row.created for row in rows) == 1


def test_a_rebuild_counts_what_happened_on_each_day(org, catalog):
    request = request_create(
        requester=org.outsider,
        service=catalog.wheels,
        title="Wheels",
        needed_by=MONDAY_9 + timedelta(days=3),
        now=MONDAY_9,
    )
    # Answered after 30 business minutes, done the next day after 8.5 business hours.
    request_transition(
        actor=org.admin,
        request_id=request.pk,
        to="in_progress",
        message="On it.",
        now=MONDAY_9 + timedelta(minutes=30),
    )
    request_transition(
        actor=org.admin, request_id=request.pk, to="done", now=MONDAY_9 + timedelta(hours=24.5)
    )

    call_command("rollups_rebuild", verbosity=0)

    monday, tuesday = (MONDAY_9.astimezone(UTC).date() + timedelta(days=d) for d in (0, 1))
    cells = {row.day: row.rollup() for row in DailyServiceRollup.objects.all()}
    assert set(cells) == {monday, tuesday}
    assert (cells[monday].created, cells[monday].response_n, cells[monday].response_on_time) == (
        1,
        1,
        1,
    )
    assert cells[monday].response.percentile(0.5) == pytest.approx(1800, rel=0.025)
    done = cells[tuesday]
    assert (done.finished, done.resolution_n, done.resolution_on_time) == (1, 1, 0)
    assert done.resolution.percentile(0.5) == pytest.approx(8.5 * 3600, rel=0.025)
    assert (done.needed_by_n, done.early) == (1, 1)


def test_an_unanswered_request_counts_as_created_and_nothing_else(org, catalog):
    request_create(requester=org.outsider, service=catalog.wheels, title="Wheels", now=MONDAY_9)

    cells = aggregate(Request.objects.all())

    assert list(cells.values()) == [Rollup(created=1)]
    assert [day for _, _, day in cells] == [MONDAY_9.astimezone(UTC).date()]
