from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relaydesk.core.assignment import Candidate, Policy, choose_assignee, covering_person

MONDAY = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def person(person_id, *, load=0, last=None, available=True):
    return Candidate(
        person_id=person_id, open_load=load, last_assigned_at=last, available=available
    )


# --- manual ---------------------------------------------------------------------------------


def test_manual_leaves_the_request_in_the_team_queue():
    assert choose_assignee(Policy.MANUAL, [person(1), person(2)]) is None


# --- round-robin ----------------------------------------------------------------------------


def test_round_robin_starts_with_the_lowest_id_when_nobody_had_a_turn():
    assert choose_assignee(Policy.ROUND_ROBIN, [person(7), person(3), person(5)]) == 3


def test_round_robin_gives_the_next_person_after_the_previous_assignee():
    team = [person(3), person(5), person(7)]
    assert choose_assignee(Policy.ROUND_ROBIN, team, after_person_id=3) == 5
    assert choose_assignee(Policy.ROUND_ROBIN, team, after_person_id=5) == 7


def test_round_robin_wraps_around_after_the_last_person():
    team = [person(3), person(5), person(7)]
    assert choose_assignee(Policy.ROUND_ROBIN, team, after_person_id=7) == 3


def test_round_robin_skips_absent_people():
    team = [person(3), person(5, available=False), person(7)]
    assert choose_assignee(Policy.ROUND_ROBIN, team, after_person_id=3) == 7


def test_round_robin_carries_on_when_the_previous_assignee_left_the_team():
    team = [person(3), person(7)]
    assert choose_assignee(Policy.ROUND_ROBIN, team, after_person_id=5) == 7


def test_round_robin_ignores_load():
    team = [person(3, load=0), person(5, load=40)]
    assert choose_assignee(Policy.ROUND_ROBIN, team, after_person_id=3) == 5


# --- least-loaded ---------------------------------------------------------------------------


def test_least_loaded_picks_the_person_with_fewest_open_requests():
    team = [person(1, load=4), person(2, load=1), person(3, load=2)]
    assert choose_assignee(Policy.LEAST_LOADED, team) == 2


def test_least_loaded_skips_an_absent_person_even_with_no_load():
    team = [person(1, load=0, available=False), person(2, load=3)]
    assert choose_assignee(Policy.LEAST_LOADED, team) == 2


def test_least_loaded_tie_goes_to_who_was_assigned_longest_ago():
    team = [
        person(1, load=2, last=MONDAY.replace(hour=11)),
        person(2, load=2, last=MONDAY.replace(hour=10)),
    ]
    assert choose_assignee(Policy.LEAST_LOADED, team) == 2


def test_least_loaded_tie_goes_first_to_someone_never_assigned():
    team = [person(1, load=2, last=MONDAY), person(9, load=2, last=None)]
    assert choose_assignee(Policy.LEAST_LOADED, team) == 9


def test_least_loaded_last_tie_goes_to_the_lowest_id():
    team = [person(8, load=2, last=MONDAY), person(4, load=2, last=MONDAY)]
    assert choose_assignee(Policy.LEAST_LOADED, team) == 4


# --- every policy ---------------------------------------------------------------------------


@pytest.mark.parametrize("policy", list(Policy))
def test_nobody_is_chosen_when_everyone_is_away(policy):
    team = [person(1, available=False), person(2, available=False)]
    assert choose_assignee(policy, team) is None


@pytest.mark.parametrize("policy", list(Policy))
def test_nobody_is_chosen_from_an_empty_team(policy):
    assert choose_assignee(policy, []) is None


def test_a_person_listed_twice_is_refused():
    with pytest.raises(ValueError, match="each person may be a candidate once"):
        choose_assignee(Policy.LEAST_LOADED, [person(1, load=5), person(1, load=0)])


def test_policies_are_stored_by_their_plain_names():
    assert [policy.value for policy in Policy] == ["manual", "round_robin", "least_loaded"]
    assert choose_assignee("least_loaded", [person(1)]) == 1


# --- properties -----------------------------------------------------------------------------

moments = st.one_of(
    st.none(),
    st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2026, 1, 1), timezones=st.just(UTC)
    ),
)
candidates = st.builds(
    Candidate,
    person_id=st.integers(min_value=1, max_value=50),
    open_load=st.integers(min_value=0, max_value=6),
    last_assigned_at=moments,
    available=st.booleans(),
)
teams = st.lists(candidates, max_size=12, unique_by=lambda candidate: candidate.person_id)
automatic = st.sampled_from([Policy.ROUND_ROBIN, Policy.LEAST_LOADED])
previous = st.one_of(st.none(), st.integers(min_value=0, max_value=51))


@given(automatic, teams, previous)
def test_the_chosen_person_is_an_available_candidate(policy, team, after):
    chosen = choose_assignee(policy, team, after_person_id=after)
    available_ids = {candidate.person_id for candidate in team if candidate.available}
    if available_ids:
        assert chosen in available_ids
    else:
        assert chosen is None


@given(automatic, teams, previous, st.randoms(use_true_random=False))
def test_the_choice_does_not_depend_on_the_order_candidates_arrive_in(policy, team, after, rnd):
    shuffled = list(team)
    rnd.shuffle(shuffled)
    assert choose_assignee(policy, shuffled, after_person_id=after) == choose_assignee(
        policy, team, after_person_id=after
    )


@given(teams, previous)
def test_round_robin_gives_each_available_person_one_of_every_k_requests(team, after):
    available_ids = sorted(candidate.person_id for candidate in team if candidate.available)
    turns = []
    for _ in range(len(available_ids)):
        after = choose_assignee(Policy.ROUND_ROBIN, team, after_person_id=after)
        turns.append(after)
    assert sorted(turns) == available_ids


@given(teams)
def test_least_loaded_never_picks_someone_busier_than_an_available_colleague(team):
    chosen = choose_assignee(Policy.LEAST_LOADED, team)
    if chosen is None:
        return
    load_of = {candidate.person_id: candidate.open_load for candidate in team}
    assert all(load_of[chosen] <= candidate.open_load for candidate in team if candidate.available)


# --- covering for an absent provider --------------------------------------------------------


def test_a_present_provider_covers_their_own_work():
    assert covering_person(1, {2: 3}) == 1


def test_the_backup_covers_for_an_absent_provider():
    assert covering_person(1, {1: 2}) == 2


def test_the_backups_backup_covers_when_the_backup_is_away_too():
    assert covering_person(1, {1: 2, 2: 3}) == 3


def test_nobody_covers_when_an_absent_person_named_no_backup():
    assert covering_person(1, {1: 2, 2: None}) is None


def test_nobody_covers_when_backups_cover_for_each_other():
    assert covering_person(1, {1: 2, 2: 1}) is None


def test_nobody_covers_when_the_chain_leads_back_into_itself():
    assert covering_person(1, {1: 2, 2: 3, 3: 2}) is None


def test_a_chain_longer_than_max_hops_goes_to_the_team_queue():
    absences = {1: 2, 2: 3, 3: 4}
    assert covering_person(1, absences, max_hops=3) == 4
    assert covering_person(1, absences, max_hops=2) is None


def test_a_person_naming_themselves_as_backup_does_not_cover():
    assert covering_person(1, {1: 1}) is None


people_ids = st.integers(min_value=1, max_value=8)
absence_maps = st.dictionaries(people_ids, st.one_of(st.none(), people_ids), max_size=8)


@given(people_ids, absence_maps, st.integers(min_value=0, max_value=10))
def test_whoever_covers_is_never_absent_and_the_search_always_ends(start, absences, max_hops):
    # Terminating at all is part of the property: loops in the generated maps are common.
    covering = covering_person(start, absences, max_hops=max_hops)
    assert covering is None or covering not in absences


@given(people_ids, absence_maps)
def test_whoever_covers_is_reached_by_following_backups(start, absences):
    covering = covering_person(start, absences, max_hops=len(absences))
    chain = [start]
    while chain[-1] in absences and absences[chain[-1]] not in (None, *chain):
        chain.append(absences[chain[-1]])
    # With as many hops as absent people, only a dead end or a loop leaves nobody covering.
    assert covering == (chain[-1] if chain[-1] not in absences else None)
