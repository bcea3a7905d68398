import statistics

from hypothesis import given
from hypothesis import strategies as st

from relaydesk.core.parity import Figures, Wait, figures, parity_report, percentile

HOUR = 3600


def wait(first, done=None, *, external=False, team="Sales"):
    return Wait(external=external, requesting_team=team, first_response=first, resolution=done)


def test_percentiles_interpolate_between_the_closest_ranks():
    assert percentile([], 0.5) is None
    assert percentile([7], 0.9) == 7
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile(list(range(1, 11)), 0.9) == 9.1


@given(st.lists(st.integers(min_value=0, max_value=10**7), min_size=1))
def test_the_median_is_the_statistics_modules(values):
    assert percentile(values, 0.5) == statistics.median(values)


def test_requests_still_open_are_counted_apart_not_dropped():
    assert figures([HOUR, None, 3 * HOUR, None]) == Figures(
        n=2, median=2 * HOUR, p90=2.8 * HOUR, still_open=2
    )


def test_the_report_on_known_data():
    waits = [
        *(wait(h * HOUR, 2 * h * HOUR) for h in (2, 4, 6, 8, 10, 12, 14, 16, 18, 20)),
        *(wait(h * HOUR, None, team="Paint") for h in (1, 3)),
        *(wait(h * HOUR, h * HOUR, external=True, team="Sales") for h in range(1, 12)),
        wait(None, external=True),
    ]

    report = parity_report(waits)

    colleagues, external = report.by_class
    assert colleagues.name == "colleagues"
    assert colleagues.first_response == Figures(12, 9 * HOUR, 17.8 * HOUR, 0)
    assert colleagues.resolution.n == 10
    assert colleagues.resolution.still_open == 2
    assert external.first_response == Figures(11, 6 * HOUR, 10 * HOUR, 1)
    assert report.parity_index == 1.5
    assert report.sentence == (
        "Requests from colleagues wait 1.5 times as long for a first answer as requests for "
        "external parties."
    )
    assert [group.name for group in report.by_team] == ["Paint", "Sales"]
    assert report.by_team[0].first_response.median == 2 * HOUR


def test_the_sentence_says_so_when_external_parties_wait_longer_or_as_long():
    slower_outside = [wait(HOUR), wait(2 * HOUR, external=True)]
    even = [wait(HOUR), wait(HOUR, external=True)]

    assert parity_report(slower_outside).sentence.startswith(
        "Requests for external parties wait 2.0 times as long"
    )
    assert parity_report(even).sentence.startswith("Colleagues and external parties wait about")
    assert "Small samples (n = 1 and 1): read with care." in parity_report(even).sentence


def test_without_answers_on_both_sides_there_is_no_index():
    report = parity_report([wait(HOUR), wait(None, external=True)])

    assert report.parity_index is None
    assert report.sentence == (
        "Not enough answered requests on both sides to compare "
        "(colleagues: n = 1, tied to an external party: n = 0)."
    )


def test_a_requester_in_no_team_is_grouped_as_such():
    assert parity_report([wait(HOUR, team=None)]).by_team[0].name == "(no team)"
