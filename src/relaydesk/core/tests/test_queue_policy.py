from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relaydesk.core.businesstime import Calendar
from relaydesk.core.queue_policy import QueuePolicy, Waiting, ranked, reason

NOW = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)  # a Tuesday
HOUR = timedelta(hours=1)
# A service open round the clock, where business time is wall time; and office hours.
ALWAYS = Calendar("UTC", {day: [(0, 86_400)] for day in range(7)})
OFFICE = Calendar("UTC", {day: [(9 * 3600, 17 * 3600)] for day in range(5)})


def waiting(request_id, *, arrived, promise, party=None, **fields):
    """A request that arrived `arrived` before NOW with a promise of `promise`."""
    return Waiting(
        request_id=request_id,
        arrived_at=NOW - arrived,
        due_at=None if promise is None else NOW - arrived + promise,
        party=party,
        **fields,
    )


def ids(policy, queue, now=NOW):
    return [request.request_id for request in ranked(policy, queue, now=now)]


def reasons(policy, queue, now=NOW, calendar=ALWAYS):
    order = ranked(policy, queue, now=now)
    return {
        request.request_id: reason(policy, order, position, now=now, calendar=calendar)
        for position, request in enumerate(order)
    }


# A colleague's request due in 3 h, one for Harbour Motors due in 5 h, a colleague's one that
# has used 80 % of a long promise (due in 4 h), and a customer's one just in, due in 8 h.
MIXED = [
    waiting(1, arrived=HOUR, promise=4 * HOUR),
    waiting(2, arrived=HOUR, promise=6 * HOUR, party="Harbour Motors"),
    waiting(3, arrived=16 * HOUR, promise=20 * HOUR),
    waiting(4, arrived=timedelta(0), promise=8 * HOUR, party="Dune Fleet"),
]


def test_earliest_due_first_orders_by_due_time_whoever_asked():
    assert ids(QueuePolicy.EARLIEST_DUE, MIXED) == [1, 3, 2, 4]


def test_external_first_puts_external_requests_first_except_colleagues_past_half_their_promise():
    # 3 has used 80 % of its promise: it joins the external ones by its due time; 1 waits.
    assert ids(QueuePolicy.EXTERNAL_FIRST, MIXED) == [3, 2, 4, 1]


def test_parity_interleaves_by_the_share_of_the_promise_used():
    # 3: 80 %, 1: 25 %, 2: 16 %, 4: 0 %.
    assert ids(QueuePolicy.PARITY, MIXED) == [3, 1, 2, 4]


def test_parity_puts_overdue_requests_first_most_overdue_first():
    queue = [
        waiting(1, arrived=10 * HOUR, promise=100 * HOUR),  # 10 %
        waiting(2, arrived=3 * HOUR, promise=2 * HOUR),  # overdue by 1 h
        waiting(3, arrived=5 * HOUR, promise=2 * HOUR, party="Harbour Motors"),  # by 3 h
    ]
    assert ids(QueuePolicy.PARITY, queue) == [3, 2, 1]


def test_a_request_without_a_running_clock_is_treated_as_due_three_days_after_it_arrived():
    queue = [
        waiting(1, arrived=timedelta(days=4), promise=None),
        waiting(2, arrived=HOUR, promise=2 * HOUR),
    ]
    assert ids(QueuePolicy.EARLIEST_DUE, queue) == [1, 2]
    assert reasons(QueuePolicy.EARLIEST_DUE, queue)[1] == (
        "no clock running, so treated as overdue by 1 working day"
    )


def test_how_long_overdue_is_said_in_working_days_of_the_services_calendar():
    # Due at 12:00 twelve working days ago: eighteen days on the wall calendar.
    due = datetime(2026, 2, 13, 12, 0, tzinfo=UTC)
    queue = [Waiting(1, arrived_at=due - 8 * HOUR, due_at=due)]

    said = reasons(QueuePolicy.EARLIEST_DUE, queue, calendar=OFFICE)[1]

    assert said == "overdue by 12 working days"


def test_time_left_is_said_in_business_hours_rounded_up():
    # Tuesday 12:00, due Wednesday 10:00 on office hours: 5 h today and 1 h tomorrow.
    queue = [Waiting(1, arrived_at=NOW, due_at=NOW + 22 * HOUR)]

    assert reasons(QueuePolicy.EARLIEST_DUE, queue, calendar=OFFICE)[1] == "due in 6 h"


@pytest.mark.parametrize("policy", list(QueuePolicy))
def test_requests_waiting_on_their_requester_come_last(policy):
    queue = [
        waiting(1, arrived=30 * HOUR, promise=2 * HOUR, waiting_on_requester=True),
        waiting(2, arrived=timedelta(0), promise=8 * HOUR),
    ]
    assert ids(policy, queue) == [2, 1]
    assert reasons(policy, queue)[1] == "waits on the requester: last until they answer"


@pytest.mark.parametrize("policy", list(QueuePolicy))
def test_ties_go_to_the_request_blocking_more_then_reaching_more_parties_then_waiting_longest(
    policy,
):
    # All due in the same minute, with the same share used.
    due = NOW + 2 * HOUR
    queue = [
        Waiting(1, arrived_at=NOW - HOUR, due_at=due),
        Waiting(2, arrived_at=NOW - HOUR, due_at=due + timedelta(seconds=20), blocks=1),
        Waiting(3, arrived_at=NOW - HOUR, due_at=due, blocks=1, parties_reached=("Dune",)),
        Waiting(4, arrived_at=NOW - HOUR - timedelta(seconds=1), due_at=due),
    ]
    assert ids(policy, queue) == [3, 2, 4, 1]


def test_the_reasons_say_why_each_request_is_where_it_is():
    due = NOW + 40 * timedelta(minutes=1)
    queue = [
        Waiting(1, arrived_at=NOW - HOUR, due_at=due, blocks=3, parties_reached=("Harbour",)),
        Waiting(2, arrived_at=NOW - 2 * HOUR, due_at=due),
        Waiting(3, arrived_at=NOW - HOUR, due_at=due),
        Waiting(4, arrived_at=NOW - 3 * HOUR, due_at=NOW - 2 * HOUR, party="Dune Fleet"),
    ]

    assert reasons(QueuePolicy.EARLIEST_DUE, queue) == {
        4: "overdue by 2 h",
        1: "due in 40 min; blocks 3 requests for Harbour",
        2: "due in 40 min; waited longest",
        3: "due in 40 min",
    }
    assert reasons(QueuePolicy.EXTERNAL_FIRST, queue)[4] == (
        "for Dune Fleet, external first; overdue by 2 h"
    )
    assert reasons(QueuePolicy.EXTERNAL_FIRST, queue)[3] == (
        "used over half its promise, so it joined the external requests; due in 40 min"
    )
    assert reasons(QueuePolicy.PARITY, queue)[3] == "used 60% of its promise; due in 40 min"
    assert reasons(QueuePolicy.PARITY, queue)[4] == ("overdue by 2 h: overdue requests come first")


def test_a_fresh_colleagues_request_says_it_waits_for_the_external_ones():
    queue = [waiting(1, arrived=timedelta(0), promise=8 * HOUR)]
    assert reasons(QueuePolicy.EXTERNAL_FIRST, queue)[1] == (
        "a colleague's request, after the external ones until half its promise is used; due in 8 h"
    )


# -- aging bounds the wait ---------------------------------------------------------------------

MINUTES = st.integers(min_value=0, max_value=60 * 24 * 20)
arrivals = st.lists(
    st.tuples(
        MINUTES,  # arrival, minutes after the start
        st.one_of(st.none(), st.integers(min_value=1, max_value=60 * 24 * 10)),  # promise
        st.booleans(),  # tied to an external party
        st.integers(min_value=0, max_value=3),  # requests it blocks
    ),
    min_size=1,
    max_size=40,
)
START = datetime(2026, 1, 5, tzinfo=UTC)


def _requests(drawn):
    return [
        Waiting(
            request_id=n,
            arrived_at=START + timedelta(minutes=arrived),
            due_at=None if promise is None else START + timedelta(minutes=arrived + promise),
            party="Harbour Motors" if external else None,
            blocks=blocks,
        )
        for n, (arrived, promise, external, blocks) in enumerate(drawn)
    ]


@pytest.mark.parametrize("policy", list(QueuePolicy))
@settings(max_examples=150, deadline=None)
@given(drawn=arrivals, later=MINUTES)
def test_nothing_arriving_after_a_request_fell_due_passes_it(policy, drawn, later):
    requests = _requests(drawn)
    now = max(request.arrived_at for request in requests) + timedelta(minutes=later)
    position = {r.request_id: n for n, r in enumerate(ranked(policy, requests, now=now))}
    for early in requests:
        for late in requests:
            if late.arrived_at >= early.virtual_due:
                assert position[early.request_id] < position[late.request_id]


@pytest.mark.parametrize("policy", list(QueuePolicy))
@settings(max_examples=100, deadline=None)
@given(drawn=arrivals, served_each_hour=st.integers(min_value=1, max_value=3))
def test_no_request_starves_whatever_the_arrivals(policy, drawn, served_each_hour):
    """One provider takes the top of the queue every hour (or few times an hour). A request
    is served before any request that arrived after it fell due, and is served at all."""
    requests = _requests(drawn)
    pending, served = [], []
    clock = START
    while len(served) < len(requests):
        pending.extend(r for r in requests if clock - HOUR < r.arrived_at <= clock)
        for _ in range(served_each_hour):
            if pending:
                chosen = ranked(policy, pending, now=clock)[0]
                pending.remove(chosen)
                served.append(chosen)
        clock += HOUR
    for n, request in enumerate(served):
        for earlier_due in requests:
            if earlier_due.virtual_due <= request.arrived_at:
                assert earlier_due in served[:n]
