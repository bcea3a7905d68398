"""Two people acting on one request at the same instant: exactly one wins (SPEC §6).

Real threads with their own database connections, released together by a barrier, against
the real database (SQLite's IMMEDIATE transactions or PostgreSQL's row locks).
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.db.models import Count

from relaydesk.directory.models import Person
from relaydesk.errors import Conflict
from relaydesk.servicerequests.models import Event
from relaydesk.servicerequests.services import (
    clocks_check,
    request_assign,
    request_create,
    request_transition,
)
from relaydesk.servicerequests.tests.conftest import MONDAY_9, berlin

pytestmark = pytest.mark.django_db(transaction=True)


def race(*actions: Callable[[], object]) -> list[object]:
    """Run the actions at once, each in its own thread; return each result or exception."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = action()
        except Exception as exc:  # the race's loser is what the test looks at
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def second_provider(org, password_hash):
    return Person.objects.create(
        email="nina@example.com", name="Nina", team=org.assembly, password=password_hash
    )


@pytest.fixture
def request_(org, catalog):
    return request_create(requester=org.outsider, service=catalog.wheels, title="x", now=MONDAY_9)


def outcomes(results: list[object]) -> list[str]:
    return sorted(type(r).__name__ if isinstance(r, Exception) else "won" for r in results)


@pytest.mark.parametrize("attempt", range(3))
def test_two_providers_acknowledging_at_once_one_wins_one_conflicts(
    org, request_, second_provider, attempt
):
    results = race(
        lambda: request_transition(
            actor=org.member, request_id=request_.pk, to="acknowledged", message="Mine"
        ),
        lambda: request_transition(
            actor=second_provider, request_id=request_.pk, to="acknowledged", message="Mine"
        ),
    )

    assert outcomes(results) == ["Conflict", "won"]
    assert request_.events.filter(kind="status").count() == 1
    assert request_.events.filter(kind="responded").count() == 1
    assert request_.events.filter(kind="assigned").count() == 1


def test_two_providers_taking_the_same_request_one_gets_it(org, request_, second_provider):
    results = race(
        lambda: request_assign(actor=org.member, request_id=request_.pk, assignee=org.member),
        lambda: request_assign(
            actor=second_provider, request_id=request_.pk, assignee=second_provider
        ),
    )

    assert outcomes(results) == ["Conflict", "won"]
    request_.refresh_from_db()
    winner = next(r for r in results if not isinstance(r, Exception))
    assert request_.assignee == winner.assignee
    assert request_.events.filter(kind="assigned").count() == 1


def test_two_providers_closing_at_once_with_the_same_version_one_wins(
    org, request_, second_provider
):
    seen = request_.version
    results = race(
        lambda: request_transition(
            actor=org.member, request_id=request_.pk, to="done", expected_version=seen
        ),
        lambda: request_transition(
            actor=second_provider, request_id=request_.pk, to="in_progress", expected_version=seen
        ),
    )

    assert outcomes(results) == ["Conflict", "won"]
    loser = next(r for r in results if isinstance(r, Exception))
    assert isinstance(loser, Conflict)
    assert request_.events.filter(kind="status").count() == 1


def test_checkers_running_at_once_record_each_breach_once(org, request_):
    late = berlin(2026, 11, 24, 12, 0)

    results = race(*(lambda: clocks_check(now=late) for _ in range(3)))

    assert sum(results) == 4  # response warning and breach, resolution warning and breach
    twins = (
        Event.objects.filter(kind__in=["warning", "breach"])
        .values("data__clock", "kind")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not twins.exists()
