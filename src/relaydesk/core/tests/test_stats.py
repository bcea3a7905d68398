from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relaydesk.core.stats import (
    checked_k,
    dimension_means,
    ease,
    follows_from_table,
    gap,
    recommend,
    satisfaction,
    suppressed,
    suppressed_table,
    wilson,
)


def test_the_share_of_4_and_5_has_its_wilson_interval():
    shown = satisfaction([5, 5, 4, 4, 4, 5, 4, 5, 2, 3])
    assert (shown.hits, shown.n, shown.value) == (8, 10, 0.8)
    assert shown.low == pytest.approx(0.4902, abs=1e-4)
    assert shown.high == pytest.approx(0.9433, abs=1e-4)


def test_the_wilson_interval_stays_inside_0_and_1_at_the_edges():
    none = wilson(0, 10)
    assert (none.low, round(none.high, 4)) == (0.0, 0.2775)
    every = wilson(10, 10)
    assert (round(every.low, 4), every.high) == (0.7225, pytest.approx(1.0))


def test_no_answers_give_the_widest_interval():
    assert (wilson(0, 0).low, wilson(0, 0).high) == (0.0, 1.0)


def test_impossible_counts_are_refused():
    with pytest.raises(ValueError, match="0 <= hits <= n"):
        wilson(11, 10)


def test_easy_is_5_to_7_of_the_7_point_scale():
    assert ease([7, 6, 5, 4, 1]).hits == 3


def test_the_recommend_score_is_promoters_minus_detractors_with_its_margin():
    shown = recommend([10, 10, 9, 9, 9, 8, 7, 7, 3, 6])
    assert shown.score == pytest.approx(30.0)
    # variance of +1/0/-1 answers: 0.5 + 0.2 - 0.3² = 0.61; margin 1.96 * sqrt(0.61 / 10) * 100
    assert shown.margin == pytest.approx(48.41, abs=0.01)
    assert shown.n == 10


def test_all_promoters_score_100_with_no_spread():
    shown = recommend([9, 10, 10])
    assert (shown.score, shown.margin) == (100.0, 0.0)


def test_recommend_answers_outside_0_to_10_are_refused():
    with pytest.raises(ValueError, match="0 to 10"):
        recommend([11])


def test_dimension_means_skip_items_left_blank():
    means = dimension_means(
        [
            {"reliability": 6, "responsiveness": 4, "assurance": None},
            {"reliability": 4, "responsiveness": 5, "assurance": 7},
        ]
    )
    assert means["reliability"] == 5.0
    assert means["responsiveness"] == 4.5
    assert means["assurance"] == 7.0
    assert means["empathy"] is None


def test_the_gap_is_how_much_higher_a_team_rates_itself():
    own = {"reliability": 6.5, "empathy": 6.0, "assurance": None}
    customers = {"reliability": 5.0, "empathy": 6.5, "assurance": 5.5}
    assert gap(own, customers) == {"reliability": 1.5, "empathy": -0.5, "assurance": None}


def test_k_may_not_go_below_3():
    assert checked_k(3) == 3
    with pytest.raises(ValueError, match="below 3"):
        checked_k(2)


def test_a_small_group_hides_the_next_smallest_too():
    assert suppressed({"Paint": 3, "Body": 6, "Trim": 20}, 5) == {"Paint", "Body"}


def test_groups_of_k_or_more_are_all_shown():
    assert suppressed({"Paint": 5, "Body": 6, "Trim": 20}, 5) == set()


def test_two_small_groups_together_under_k_hide_a_third():
    assert suppressed({"a": 1, "b": 2, "c": 20, "d": 7}, 5) == {"a", "b", "d"}


def test_empty_groups_are_shown_and_never_a_complement():
    assert suppressed({"a": 0, "b": 3, "c": 6}, 5) == {"b", "c"}


def test_a_two_by_two_table_with_one_small_cell_hides_all_four():
    table = suppressed_table({("x", "p"): 3, ("x", "q"): 10, ("y", "p"): 8, ("y", "q"): 9}, 5)
    assert table.cells == {("x", "p"), ("x", "q"), ("y", "p"), ("y", "q")}


class _Published:
    """What a suppressed table lets an attacker work out, by exact linear algebra over the
    hidden cells: the oracle the suppression and the free filters are checked against. The
    equations are the shown row and column totals and, when the whole holds k or more, the
    grand total, each less its shown cells."""

    def __init__(self, counts, table, k):
        self.index = {cell: i for i, cell in enumerate(sorted(table.cells, key=repr))}
        equations = []
        for axis, hidden_totals in ((0, table.rows), (1, table.columns)):
            for line in {cell[axis] for cell in counts} - hidden_totals:
                equations.append(self.vector(c for c in counts if c[axis] == line))
        if sum(counts.values()) >= k:
            equations.append(self.vector(counts))
        self.reduced: list[list[Fraction]] = []
        for row in equations:
            row = self.reduce(row)
            if any(row):
                self.reduced.append(row)

    def vector(self, cells) -> list[Fraction]:
        row = [Fraction(0)] * len(self.index)
        for cell in cells:
            if cell in self.index:
                row[self.index[cell]] = Fraction(1)
        return row

    def reduce(self, row: list[Fraction]) -> list[Fraction]:
        for pivot_row in self.reduced:
            pivot = next(i for i, v in enumerate(pivot_row) if v)
            if row[pivot]:
                factor = row[pivot] / pivot_row[pivot]
                row = [a - factor * b for a, b in zip(row, pivot_row, strict=True)]
        return row

    def knows(self, cells) -> bool:
        """Whether the sum over these cells follows from what is shown."""
        return not any(self.reduce(self.vector(cells)))


def _determined(counts, table, k) -> set:
    published = _Published(counts, table, k)
    return {cell for cell in table.cells if published.knows([cell])}


tables = st.integers(1, 4).flatmap(
    lambda rows: st.integers(1, 4).flatmap(
        lambda columns: st.lists(
            st.integers(0, 14), min_size=rows * columns, max_size=rows * columns
        ).map(lambda ns: {(r, c): ns[r * columns + c] for r in range(rows) for c in range(columns)})
    )
)


@given(st.dictionaries(st.text(max_size=3), st.integers(0, 30), max_size=8), st.integers(3, 8))
def test_no_group_under_k_is_shown_or_left_alone_to_be_worked_out(counts, k):
    hidden = suppressed(counts, k)
    assert {key for key, n in counts.items() if 0 < n < k} <= hidden
    # The total minus what is shown is the hidden groups' sum: none, or at least k in two,
    # unless the whole is under k, when the total is not shown either.
    if sum(counts.values()) < k:
        return
    assert not hidden or (sum(counts[key] for key in hidden) >= k and len(hidden) >= 2)


@settings(max_examples=400)
@given(tables, st.integers(3, 6))
def test_no_cell_under_k_is_shown_or_derivable_from_a_two_way_table(counts, k):
    table = suppressed_table(counts, k)
    assert {cell for cell, n in counts.items() if 0 < n < k} <= table.cells
    row_totals: dict = {}
    column_totals: dict = {}
    for (row, column), n in counts.items():
        row_totals[row] = row_totals.get(row, 0) + n
        column_totals[column] = column_totals.get(column, 0) + n
    assert all(n == 0 or n >= k for row, n in row_totals.items() if row not in table.rows)
    assert all(n == 0 or n >= k for c, n in column_totals.items() if c not in table.columns)
    leaked = {cell for cell in _determined(counts, table, k) if 0 < counts[cell] < k}
    assert not leaked


@settings(max_examples=400)
@given(tables, st.integers(3, 6), st.data())
def test_a_free_filter_is_shown_only_when_the_table_already_tells_it(counts, k, data):
    table = suppressed_table(counts, k)
    rows = sorted({row for row, _ in counts})
    columns = sorted({column for _, column in counts})
    chosen_rows = data.draw(st.sets(st.sampled_from(rows), min_size=1))
    chosen_columns = data.draw(st.sets(st.sampled_from(columns), min_size=1))
    selection = [cell for cell in counts if cell[0] in chosen_rows and cell[1] in chosen_columns]
    answered = follows_from_table(selection, counts, table, k)
    assert answered == _Published(counts, table, k).knows(selection)
    if answered:
        # Two answered filters differ by an answered selection: no group under k by difference.
        assert sum(counts[cell] for cell in selection) in (0, *range(k, 10_000))


@settings(max_examples=300)
@given(tables, st.integers(3, 6), st.data())
def test_any_selection_of_cells_is_judged_as_the_linear_algebra_judges_it(counts, k, data):
    table = suppressed_table(counts, k)
    selection = data.draw(st.sets(st.sampled_from(sorted(counts))))
    assert follows_from_table(selection, counts, table, k) == _Published(counts, table, k).knows(
        selection
    )


def test_a_filter_that_would_isolate_hidden_cells_is_not_shown_but_a_whole_row_is():
    counts = {("x", "p"): 3, ("x", "q"): 10, ("y", "p"): 8, ("y", "q"): 9}
    table = suppressed_table(counts, 5)
    assert not follows_from_table([("x", "p")], counts, table, 5)
    assert not follows_from_table([("x", "p"), ("y", "q")], counts, table, 5)
    assert follows_from_table([("x", "p"), ("x", "q")], counts, table, 5)  # the row's total
    assert follows_from_table([("x", "p"), ("y", "p")], counts, table, 5)  # the column's


def test_a_filter_of_shown_cells_only_is_always_shown():
    counts = {
        ("x", "p"): 3, ("x", "q"): 10, ("x", "r"): 12,
        ("y", "p"): 8, ("y", "q"): 9, ("y", "r"): 11,
        ("z", "p"): 7, ("z", "q"): 12, ("z", "r"): 6,
    }  # fmt: skip
    table = suppressed_table(counts, 5)
    assert ("x", "r") not in table.cells and ("z", "q") not in table.cells
    assert follows_from_table([("x", "r"), ("z", "q")], counts, table, 5)
    assert not follows_from_table([("x", "r"), ("x", "q")], counts, table, 5)
