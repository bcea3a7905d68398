from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from relaydesk.core.hops import (
    UNSEEN_SUBREQUEST,
    Span,
    attribute_business_time,
    holder_seen,
    holders_seen,
    subrequest_holder,
    weakest_hop,
)
from relaydesk.core.tests.test_clocks import BERLIN_OFFICE, HOUR, SHIFTS


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


MON_09 = utc(2026, 11, 23, 8, 0)  # Monday 09:00 Berlin


def at(hours: float) -> datetime:
    return MON_09 + timedelta(hours=hours)


def test_a_hand_over_splits_the_time_between_the_two_teams():
    used = attribute_business_time(
        BERLIN_OFFICE,
        hops=[Span("purchasing", at(0), at(2)), Span("finance", at(2), None)],
        subrequests=[],
        pauses=[],
        until=at(7),
    )

    assert used == {"purchasing": 2 * HOUR, "finance": 5 * HOUR}
    assert weakest_hop(used) == "finance"


def test_waiting_on_the_requester_is_nobodys_time():
    used = attribute_business_time(
        BERLIN_OFFICE,
        hops=[Span("it", at(0), None)],
        subrequests=[],
        pauses=[Span("requester", at(1), at(4))],
        until=at(6),
    )

    assert used == {"it": 3 * HOUR}


def test_an_open_sub_request_holds_the_parent_up():
    used = attribute_business_time(
        BERLIN_OFFICE,
        hops=[Span("assembly", at(0), None)],
        subrequests=[Span("logistics", at(1), at(5))],
        pauses=[],
        until=at(6),
    )

    assert used == {"assembly": 2 * HOUR, "logistics": 4 * HOUR}


def test_of_parallel_sub_requests_the_one_that_finished_last_is_charged():
    used = attribute_business_time(
        BERLIN_OFFICE,
        hops=[Span("assembly", at(0), None)],
        subrequests=[Span("logistics", at(1), at(3)), Span("paint", at(1), at(5))],
        pauses=[],
        until=at(5),
    )

    assert used == {"assembly": HOUR, "paint": 4 * HOUR}


def test_only_business_time_counts_across_a_night():
    used = attribute_business_time(
        BERLIN_OFFICE,
        hops=[Span("it", at(6), at(26)), Span("hr", at(26), None)],  # to Tuesday 11:00
        subrequests=[],
        pauses=[],
        until=at(27),
    )

    assert used == {"it": 4 * HOUR, "hr": HOUR}


spans = st.lists(st.integers(1, 40 * HOUR), min_size=1, max_size=6)


@given(st.sampled_from([BERLIN_OFFICE, SHIFTS]), spans, spans, st.integers(0, 30 * HOUR))
def test_the_shares_add_up_to_the_unpaused_business_time(calendar, hop_lengths, pause_gaps, pause):
    start = MON_09
    hops, cursor = [], start
    for number, length in enumerate(hop_lengths):
        end = cursor + timedelta(seconds=length)
        hops.append(Span(f"team {number % 3}", cursor, end))
        cursor = end
    until = cursor
    pause_start = start + timedelta(seconds=pause_gaps[0])
    pauses = [Span("requester", pause_start, pause_start + timedelta(seconds=pause))]

    used = attribute_business_time(calendar, hops=hops, subrequests=[], pauses=pauses, until=until)

    paused = (
        calendar.business_seconds_between(
            max(pause_start, start), min(pause_start + timedelta(seconds=pause), until)
        )
        if pause_start < until
        else 0
    )
    assert sum(used.values()) == calendar.business_seconds_between(start, until) - max(paused, 0)


# -- what is told to whoever may not see a sub-request ---------------------------------------------


def test_a_sub_request_not_seen_is_only_a_request_to_another_team():
    used = {"Assembly": HOUR, subrequest_holder("Purchasing", 42): 2 * HOUR, "Ada": HOUR}

    assert holders_seen(used, seen={42}) == used
    assert holders_seen(used, seen=set()) == {
        "Assembly": HOUR,
        UNSEEN_SUBREQUEST: 2 * HOUR,
        "Ada": HOUR,
    }
    assert holder_seen(subrequest_holder("Purchasing", 42), seen={7}) == UNSEEN_SUBREQUEST


@given(
    st.dictionaries(
        st.one_of(
            st.text(max_size=12),
            st.builds(subrequest_holder, st.text(max_size=12), st.integers(1, 50)),
        ),
        st.integers(0, 10 * HOUR),
    ),
    st.sets(st.integers(1, 50)),
)
def test_hiding_sub_requests_keeps_the_time_and_names_none_not_seen(used, seen):
    shown = holders_seen(used, seen)

    assert sum(shown.values()) == sum(used.values())
    for holder in shown:
        for unseen in set(range(1, 51)) - seen:
            assert not holder.endswith(f"(sub-request #{unseen})")
