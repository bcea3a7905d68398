import statistics
from functools import reduce

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relaydesk.core.rollups import (
    RELATIVE_ERROR,
    Histogram,
    Rollup,
    Served,
    age_band,
    bucket_of,
    merged,
    midpoint,
    rollups_of,
)

durations = st.lists(st.integers(min_value=0, max_value=10**8), min_size=1, max_size=200)


def exact(values: list[int], share: float) -> float:
    """The reference: statistics.quantiles with method="inclusive" (linear interpolation
    between closest ranks); its 100-quantiles give every whole percentile."""
    if len(values) == 1 or share in (0, 1):
        return float(sorted(values)[0 if share == 0 else -1])
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


@given(durations, st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0]))
def test_a_histogram_percentile_is_within_its_documented_bound(values, share):
    estimate = Histogram.of(values).percentile(share)
    truth = exact(values, share)
    assert abs(estimate - truth) <= RELATIVE_ERROR * truth + 1e-9


def test_the_documented_bound_is_under_two_and_a_half_percent():
    assert RELATIVE_ERROR < 0.025


def test_every_value_falls_in_a_bucket_whose_midpoint_is_near_it():
    for seconds in [1, 2, 59, 60, 3600, 28_800, 10**8]:
        assert abs(midpoint(bucket_of(seconds)) - seconds) <= RELATIVE_ERROR * seconds
    assert midpoint(bucket_of(0)) == 0


def test_median_and_p90_of_known_waits():
    waits = Histogram.of([600, 1200, 1800, 2400, 3000, 3600, 4200, 4800, 5400, 6000])
    assert waits.percentile(0.5) == pytest.approx(3300, rel=RELATIVE_ERROR)
    assert waits.percentile(0.9) == pytest.approx(5460, rel=RELATIVE_ERROR)
    assert Histogram().percentile(0.5) is None


def test_a_negative_duration_is_refused():
    with pytest.raises(ValueError, match="negative"):
        bucket_of(-1)


served = st.builds(
    Served,
    created_day=st.integers(0, 5),
    external=st.booleans(),
    responded_day=st.none() | st.integers(0, 5),
    response_target=st.none() | st.integers(1, 7200),
    response_used=st.integers(0, 10_000),
    done_day=st.none() | st.integers(0, 5),
    cancelled_day=st.none() | st.integers(0, 5),
    resolution_target=st.none() | st.integers(1, 50_000),
    resolution_used=st.integers(0, 60_000),
    had_needed_by=st.booleans(),
    early=st.booleans(),
)


@given(st.lists(served, max_size=30), st.randoms())
def test_merging_rollups_in_any_order_equals_the_rollup_of_the_union(requests, random):
    whole = merged(rollups_of(requests).values())
    parts = [rollups_of(requests[i : i + 3]) for i in range(0, len(requests), 3)]
    cells = [rollup for part in parts for rollup in part.values()]
    random.shuffle(cells)
    assert merged(cells) == whole
    assert reduce(lambda a, b: b + a, cells, Rollup()) == whole
    for cell in cells:
        assert whole - cell + cell == whole


def test_only_a_part_can_be_taken_away():
    with pytest.raises(ValueError, match="part"):
        Rollup(created=1) - Rollup(created=2)


@given(durations, durations)
def test_histograms_merge_to_the_histogram_of_the_union(a, b):
    assert Histogram.of(a) + Histogram.of(b) == Histogram.of(a + b)
    assert (Histogram.of(a) + Histogram.of(b)) - Histogram.of(b) == Histogram.of(a)


def test_on_time_and_early_rates_of_known_requests():
    day = rollups_of(
        [
            Served(0, responded_day=0, response_target=3600, response_used=1800),
            Served(0, responded_day=0, response_target=3600, response_used=3600),
            Served(0, responded_day=0, response_target=3600, response_used=3601),
            Served(0, done_day=0, resolution_target=100, resolution_used=50, had_needed_by=True),
            Served(0, done_day=0, resolution_target=100, resolution_used=150, had_needed_by=True),
            Served(0, done_day=0, had_needed_by=True, early=True),
            Served(0, cancelled_day=0),
            Served(0),  # still open: created, nothing else
        ]
    )[0]
    assert (day.created, day.finished, day.cancelled) == (8, 3, 1)
    on_time = day.response_on_time_rate()
    assert (on_time.hits, on_time.n) == (2, 3)  # a promise met exactly is met
    assert (day.resolution_on_time, day.resolution_n) == (1, 2)  # untimed work has no clock
    assert (day.early_rate().hits, day.early_rate().n) == (1, 3)
    assert day.early_rate().low == pytest.approx(0.0615, abs=1e-4)


def test_the_parity_index_is_the_ratio_of_median_first_answers():
    waits = rollups_of(
        [Served(0, responded_day=0, response_target=1, response_used=s) for s in (1000, 2000)]
        + [
            Served(0, external=True, responded_day=0, response_target=1, response_used=s)
            for s in (400, 500, 600)
        ]
    )[0]
    assert waits.parity_index() == pytest.approx(1500 / 500, rel=2 * RELATIVE_ERROR)
    assert Rollup().parity_index() is None


def test_open_requests_fall_in_age_bands():
    assert age_band(0.5).label == "under a day"
    assert age_band(3).label == "3-7 days"
    assert age_band(400).label == "4 weeks or more"


def test_periods_end_today_and_compare_with_the_one_before():
    from datetime import date

    from relaydesk.core.rollups import period_of

    thirty = period_of("30d", date(2026, 12, 7))
    assert (thirty.start, thirty.end, thirty.days) == (date(2026, 11, 8), date(2026, 12, 8), 30)
    assert thirty.previous().end == thirty.start and thirty.previous().days == 30
    assert period_of("quarter", date(2026, 12, 7)).start == date(2026, 10, 1)
    custom = period_of("custom", date(2026, 12, 7), date(2026, 1, 1), date(2026, 6, 30))
    assert custom.by_month and custom.trend_start(date(2026, 3, 17)) == date(2026, 3, 1)
    assert thirty.trend_start(date(2026, 12, 3)) == date(2026, 11, 30)  # a Monday
    with pytest.raises(ValueError, match="before it starts"):
        period_of("custom", date(2026, 12, 7), date(2026, 2, 1), date(2026, 1, 1))
    with pytest.raises(ValueError, match="not a period"):
        period_of("fortnight", date(2026, 12, 7))
