"""A request's lifecycle as plain values: each write's next state and events (SPEC §3.2)."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relaydesk.core import lifecycle, request_life
from relaydesk.core.hops import Span
from relaydesk.core.lifecycle import Side
from relaydesk.core.request_life import Holder, Outcome, RequestLife, Terms
from relaydesk.core.tests.test_clocks import BERLIN_OFFICE, HOUR, utc

REQUESTER, PROVIDER, LEAD = 1, 2, 3
ASSEMBLY, PURCHASING = 10, 20
MONDAY_9 = utc(2026, 11, 23, 8, 0)  # 09:00 in Berlin
PROVIDES = frozenset({Side.PROVIDER})
ASKS = frozenset({Side.REQUESTER})


def at(hours: float) -> datetime:
    return MONDAY_9 + timedelta(hours=hours)


TERMS = Terms(
    calendar=BERLIN_OFFICE,
    warning_percent=75,
    time_by_holder=lambda until: {"Assembly": 42},
    lead_of={ASSEMBLY: LEAD}.get,
)


def created(**fields) -> Outcome:
    return request_life.create(
        requester_id=REQUESTER,
        priority="normal",
        at=MONDAY_9,
        targets=(HOUR, 8 * HOUR),  # 1 h to answer, 8 h to finish
        provider_team_id=ASSEMBLY,
        provider_person_id=None,
        **fields,
    )


def move(life: RequestLife, to: str, hours: float, actor=PROVIDER, sides=PROVIDES, **kw):
    return request_life.change_status(
        life,
        TERMS,
        actor_id=actor,
        actor_name=f"Person {actor}",
        sides=sides,
        to=to,
        at=at(hours),
        **kw,
    )


def kinds(outcome: Outcome) -> list[str]:
    return [event.kind for event in outcome.events]


def test_creating_starts_both_clocks_and_the_first_hop():
    born = created(unblocks=(7,))

    assert kinds(born) == ["created", "linked"]
    assert born.events[1].data == {"unblocks": 7}
    assert born.life.response.running_since == MONDAY_9
    assert born.life.resolution.target == 8 * HOUR
    assert born.hop_started == Span(Holder(ASSEMBLY, None), MONDAY_9, None)
    assert born.life.last_event_seq == 2


def test_a_status_change_comes_first_then_the_first_response():
    moved = move(created().life, lifecycle.ACKNOWLEDGED, 0.5, message="On it, by noon.")

    assert kinds(moved) == ["status", "responded", "assigned"]  # acting on it took it
    assert moved.life.assignee_id == PROVIDER
    assert moved.events[2].data["why"] == "by acting on it"
    assert moved.events[1].data == {"business_seconds": 1800, "within_promise": True}
    assert not moved.life.response.running


@pytest.mark.parametrize("to", [lifecycle.ACKNOWLEDGED, lifecycle.IN_PROGRESS])
def test_a_bare_click_is_no_answer_and_the_response_clock_runs_on(to):
    clicked = move(created().life, to, 0.5)
    written = request_life.comment(
        clicked.life,
        TERMS,
        actor_id=PROVIDER,
        actor_name="Max",
        sides=PROVIDES,
        body="Tuesday?",
        at=at(0.75),
    )

    assert kinds(clicked) == ["status", "assigned"]
    assert clicked.life.response.running and clicked.life.responded_at is None
    assert kinds(written) == ["comment", "responded"]
    assert written.events[1].data == {"business_seconds": 2700, "within_promise": True}


def test_an_internal_note_or_a_cancellation_takes_nothing_and_a_held_request_stays_held():
    life = created().life
    note = request_life.comment(
        life,
        TERMS,
        actor_id=PROVIDER,
        actor_name="Max",
        sides=PROVIDES,
        body="?",
        at=at(0.1),
        internal=True,
    )
    cancelled = move(life, lifecycle.CANCELLED, 0.2, message="Duplicate")
    held = move(life.copied(), lifecycle.DONE, 0.3, actor=LEAD)
    mine = move(held.life, lifecycle.IN_PROGRESS, 0.4, message="Reopened")  # reopening it

    assert note.life.assignee_id is None and cancelled.life.assignee_id is None
    assert held.life.assignee_id == LEAD
    assert "assigned" not in kinds(mine) and mine.life.assignee_id == LEAD


@pytest.mark.parametrize(
    ("to", "message", "answers"),
    [
        (lifecycle.ACKNOWLEDGED, "", False),
        (lifecycle.ACKNOWLEDGED, "  ", False),
        (lifecycle.ACKNOWLEDGED, "Seen, tomorrow", True),
        (lifecycle.IN_PROGRESS, "", False),
        (lifecycle.WAITING, "Which van?", True),
        (lifecycle.DONE, "", True),  # the work itself answers
        (lifecycle.CANCELLED, "Duplicate of #4", False),
    ],
)
def test_what_counts_as_the_first_answer(to, message, answers):
    assert request_life.answers_requester(to, message) is answers


def test_waiting_pauses_and_the_answer_resumes_with_the_paused_time():
    waiting = move(created().life, lifecycle.WAITING, 1, message="Which van?").life
    answered = request_life.comment(
        waiting,
        TERMS,
        actor_id=REQUESTER,
        actor_name="Olga",
        sides=ASKS,
        body="The blue one",
        at=at(3),
    )

    assert kinds(answered) == ["comment", "status", "resumed"]
    assert answered.events[2].data == {"paused_business_seconds": 2 * HOUR}
    assert answered.life.resolution.used == HOUR
    assert answered.life.resolution.running_since == at(3)


def test_a_late_answer_records_its_breach_after_the_response():
    moved = move(created().life, lifecycle.IN_PROGRESS, 2, message="Started")

    assert kinds(moved) == ["status", "responded", "breach", "assigned"]
    assert moved.events[2].data == {
        "clock": "response",
        "due_at": "2026-11-23T09:00:00+00:00",
        "escalated_to": LEAD,
    }


def test_done_after_its_due_time_breaches_with_the_time_by_hop_and_done_early_keeps_slack():
    done = move(created(needed_by=at(30)).life, lifecycle.DONE, 26)  # Tuesday 11:00

    assert kinds(done) == ["status", "responded", "breach", "breach", "early", "assigned"]
    assert done.events[3].data["by_hop"] == {"Assembly": 42}
    assert done.life.slack_seconds == 4 * HOUR and done.life.early
    assert done.hop_ended_at == at(26)


def test_reopening_starts_a_new_hop_and_a_new_run_of_the_resolution_clock():
    done = move(created().life, lifecycle.DONE, 26).life

    reopened = move(done, lifecycle.IN_PROGRESS, 27, actor=REQUESTER, sides=ASKS)

    assert reopened.life.done_at is None and reopened.life.early is None
    assert "resolution" not in reopened.life.breached
    assert reopened.life.resolution.running_since == at(27)
    assert reopened.hop_started == Span(Holder(ASSEMBLY, None), at(27), None)


def test_a_transfer_ends_the_hop_and_puts_the_request_back_in_the_queue():
    taken = request_life.assign(
        created().life, person_id=PROVIDER, person_name="Pia", actor_id=LEAD, at=at(1), why=""
    ).life

    moved = request_life.transfer(
        taken,
        actor_id=PROVIDER,
        team_id=PURCHASING,
        team_name="Purchasing",
        from_name="Assembly",
        at=at(2),
    )

    assert kinds(moved) == ["transferred", "assigned"]
    assert moved.events[1].data == {"to": None, "to_name": None, "from": PROVIDER, "why": ANY_WHY}
    assert (moved.hop_ended_at, moved.hop_started.holder) == (at(2), Holder(PURCHASING, None))
    assert moved.life.provider_team_id == PURCHASING and moved.life.assignee_id is None


ANY_WHY = "moved to another team"


def test_assigning_to_whoever_has_it_records_nothing():
    life = created().life

    assert (
        request_life.assign(
            life, person_id=None, person_name=None, actor_id=LEAD, at=at(1), why=""
        ).events
        == []
    )


def test_the_rules_of_the_lifecycle_table_hold():
    with pytest.raises(lifecycle.NotYourMove):
        move(created().life, lifecycle.DONE, 1, actor=REQUESTER, sides=ASKS)


def test_a_write_never_changes_the_state_it_was_given():
    life = created().life
    before = repr(life)

    move(life, lifecycle.WAITING, 1, message="?")

    assert repr(life) == before


def test_the_checker_warns_then_breaches_once():
    life = created().life
    warned = request_life.warn(life, TERMS, clock="resolution", at=at(6))

    assert warned.events[0].data == {"clock": "resolution", "due_at": "2026-11-23T16:00:00+00:00"}
    assert warned.life.warned == {"resolution"}


def test_re_timing_keeps_the_used_time_and_says_which_due_times_moved():
    life = move(created().life, lifecycle.ACKNOWLEDGED, 0.5, message="Seen").life
    due_before = {"response": None, "resolution": utc(2026, 11, 23, 16, 0)}

    retimed = request_life.retime(
        life,
        TERMS,
        targets=(HOUR, 4 * HOUR),
        calendar_before=BERLIN_OFFICE,
        at=at(1),
        due_before=due_before,
    )

    assert retimed.life.resolution.used == HOUR
    assert retimed.events[0].data == {
        "resolution": {"from": "2026-11-23T16:00:00+00:00", "to": "2026-11-23T12:00:00+00:00"}
    }
    assert (
        request_life.retime(
            retimed.life,
            TERMS,
            targets=(HOUR, 4 * HOUR),
            calendar_before=BERLIN_OFFICE,
            at=at(1),
            due_before={"resolution": utc(2026, 11, 23, 12, 0)},
        ).events
        == []
    )


# -- whatever happens, in whatever order ----------------------------------------------------------

_MOVES = st.lists(
    st.tuples(
        st.sampled_from(
            [*lifecycle.ALL_STATUSES, "comment", "answer", "warn", "breach", "assign", "transfer"]
        ),
        st.integers(1, 20 * HOUR),  # seconds after the previous write
    ),
    max_size=25,
)


def _live(moves) -> list[tuple[RequestLife, Outcome]]:
    life, when, lived = created(needed_by=at(40)).life, MONDAY_9, []
    for move_, gap in moves:
        when += timedelta(seconds=gap)
        outcome = _apply(life, move_, when)
        if outcome is not None:
            lived.append((life, outcome))
            life = outcome.life
    return lived


def _apply(life: RequestLife, move_: str, when: datetime) -> Outcome | None:
    if move_ in lifecycle.ALL_STATUSES:
        sides = lifecycle.TRANSITIONS[life.status].get(move_)
        if not sides:
            return None
        return request_life.change_status(
            life,
            TERMS,
            actor_id=PROVIDER,
            actor_name="Max",
            sides=frozenset(sides),
            to=move_,
            at=when,
        )
    if move_ in ("comment", "answer"):
        sides = PROVIDES if move_ == "comment" else ASKS
        return request_life.comment(
            life, TERMS, actor_id=PROVIDER, actor_name="Max", sides=sides, body="…", at=when
        )
    if move_ in ("warn", "breach"):
        clock = life.resolution
        if life.status not in lifecycle.OPEN or not clock.running:
            return None
        check = request_life.warn if move_ == "warn" else request_life.breach
        return check(life, TERMS, clock="resolution", at=when)
    if move_ == "assign":
        return request_life.assign(
            life, person_id=PROVIDER, person_name="Pia", actor_id=LEAD, at=when, why=""
        )
    if life.status not in lifecycle.OPEN:
        return None
    team = PURCHASING if life.provider_team_id == ASSEMBLY else ASSEMBLY
    return request_life.transfer(
        life, actor_id=PROVIDER, team_id=team, team_name="", from_name="", at=when
    )


@settings(max_examples=150, deadline=None)
@given(_MOVES)
def test_events_are_numbered_without_gaps_and_a_status_event_leads_its_effects(moves):
    seq = 1  # the created event
    for before, outcome in _live(moves):
        assert [event.seq for event in outcome.events] == list(
            range(seq + 1, seq + 1 + len(outcome.events))
        )
        seq = outcome.life.last_event_seq
        moved = outcome.life.status != before.status
        statuses = [i for i, event in enumerate(outcome.events) if event.kind == "status"]
        assert bool(statuses) == moved
        for i, event in enumerate(outcome.events):
            if event.kind in ("paused", "resumed", "early"):
                assert statuses and statuses[0] < i, outcome.events
        assert len({event.at for event in outcome.events}) <= 1  # one write, one instant


@settings(max_examples=150, deadline=None)
@given(_MOVES)
def test_used_time_never_decreases_and_the_clock_runs_exactly_while_it_should(moves):
    for before, outcome in _live(moves):
        life = outcome.life
        for name in request_life.CLOCKS:
            assert life.clock(name).used >= before.clock(name).used
        assert life.resolution.running == request_life.resolution_runs(life.status)
        assert (life.paused_since is not None) == (life.status == lifecycle.WAITING)
