"""The feedback statistics (SPEC §3.5, §3.6): shares with their Wilson interval, the recommend
score with its margin of error, survey dimension means, the self-vs-customer gap, and the
k-anonymity rules that decide which groups may be shown at all."""

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

Z_95 = 1.959963984540054

# SPEC §3.5: scores only for groups of at least k (never below 3; RELAYDESK_MIN_GROUP, default
# 5), comments only for groups of at least 10.
MIN_K = 3
COMMENTS_MIN = 10

SURVEY_DIMENSIONS = ("reliability", "responsiveness", "assurance", "empathy", "communication")

Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class Share:
    """How many of n answers counted as a success, with the 95 % Wilson score interval."""

    hits: int
    n: int
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.hits / self.n if self.n else 0.0


def wilson(hits: int, n: int, z: float = Z_95) -> Share:
    """The Wilson score interval of a share: unlike the normal approximation it stays inside
    0..1 and behaves on small samples, which feedback mostly is."""
    if n < 0 or not 0 <= hits <= n:
        raise ValueError(f"need 0 <= hits <= n, got {hits} of {n}")
    if n == 0:
        return Share(0, 0, 0.0, 1.0)
    p = hits / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return Share(hits, n, max(0.0, centre - half), min(1.0, centre + half))


def share(values: Iterable[int], counts: Callable[[int], bool]) -> Share:
    seen = list(values)
    return wilson(sum(1 for value in seen if counts(value)), len(seen))


def satisfaction(scores: Iterable[int]) -> Share:
    """The share of satisfied answers: 4 or 5 on the 1-5 scale."""
    return share(scores, lambda score: score >= 4)


def ease(scores: Iterable[int]) -> Share:
    """The share of "they made it easy for me" answers that agree: 5-7 on the 1-7 scale."""
    return share(scores, lambda score: score >= 5)


@dataclass(frozen=True)
class Recommend:
    """% of 9-10 minus % of 0-6 on the 0-10 scale, from -100 to 100, with its 95 % margin."""

    score: float
    margin: float
    n: int


def recommend(scores: Iterable[int]) -> Recommend:
    """Each answer counts +1 (9-10), 0 (7-8) or -1 (0-6); the score is their mean x 100 and
    the margin is z x the standard error of that mean."""
    seen = list(scores)
    if any(not 0 <= score <= 10 for score in seen):
        raise ValueError("recommend answers are 0 to 10")
    n = len(seen)
    if n == 0:
        return Recommend(0.0, 100.0, 0)
    promoters = sum(1 for score in seen if score >= 9) / n
    detractors = sum(1 for score in seen if score <= 6) / n
    net = promoters - detractors
    variance = promoters + detractors - net * net
    return Recommend(100 * net, 100 * Z_95 * math.sqrt(variance / n), n)


def mean(values: Iterable[float]) -> float | None:
    seen = list(values)
    return sum(seen) / len(seen) if seen else None


def dimension_means(
    answers: Iterable[Mapping[str, int | None]], dimensions: Sequence[str] = SURVEY_DIMENSIONS
) -> dict[str, float | None]:
    """The mean of each dimension over the answers that gave it (an item may be skipped)."""
    given = list(answers)
    return {
        name: mean(answer[name] for answer in given if answer.get(name) is not None)
        for name in dimensions
    }


def gap(
    own: Mapping[str, float | None], customers: Mapping[str, float | None]
) -> dict[str, float | None]:
    """How much higher a team rates itself than its customers rate it, dimension by dimension."""
    return {
        name: None
        if own.get(name) is None or customers[name] is None
        else own[name] - customers[name]
        for name in customers
    }


def checked_k(k: int) -> int:
    if k < MIN_K:
        raise ValueError(f"the minimum group size k may not be below {MIN_K}, got {k}")
    return k


def suppressed(counts: Mapping[Key, int], k: int) -> set[Key]:
    """The groups of one partition (with its total shown) that may not be shown: those of 1 to
    k-1 respondents (primary), and then the next-smallest, until the hidden groups are none or
    at least two holding at least k together (complementary), so the total minus what is
    shown gives no group under k away. An empty group tells nothing and is shown."""
    return _with_complements(counts, set(), checked_k(k))


Cell = tuple[Hashable, Hashable]


@dataclass(frozen=True)
class Table:
    """What a two-way table (two filters at once) may show: hidden cells, rows and columns."""

    cells: set[Cell]
    rows: set[Hashable]
    columns: set[Hashable]


def suppressed_table(counts: Mapping[Cell, int], k: int) -> Table:
    """Suppression for a (row, column) table shown with its row, column and grand totals. The
    row and column totals are suppressed as partitions of the whole; each row and column as a
    partition of its total, again until nothing changes; then any hidden cell under k that the
    shown figures still pin down gets a further complement that puts it on a cycle. Where none
    exists, every cell is hidden and only the grand total is left."""
    checked_k(k)
    rows, columns = _totals(counts, 0), _totals(counts, 1)
    hidden_rows, hidden_columns = suppressed(rows, k), suppressed(columns, k)

    # The totals of the hidden rows together are known (the grand total minus the shown rows):
    # they act as one row, and the hidden columns as one column.
    def ends(cell: Cell) -> tuple[tuple[int, Hashable], tuple[int, Hashable]]:
        row = (0, _MERGED if cell[0] in hidden_rows else cell[0])
        return row, (1, _MERGED if cell[1] in hidden_columns else cell[1])

    lines: dict[tuple[int, Hashable], list[Cell]] = {}
    for cell in counts:
        for end in ends(cell):
            lines.setdefault(end, []).append(cell)
    hidden = {cell for cell, n in counts.items() if 0 < n < k}
    while True:
        before = len(hidden)
        for line in lines.values():
            hidden |= _with_complements({cell: counts[cell] for cell in line}, hidden, k)
        pinned = [cell for cell in _pinned(hidden, ends) if counts[cell] < k]
        if pinned:
            complement = _cycle_complement(pinned[0], counts, hidden, ends)
            if complement is None:
                return Table({cell for cell, n in counts.items() if n}, set(rows), set(columns))
            hidden.add(complement)
        if len(hidden) == before:
            return Table(hidden, hidden_rows, hidden_columns)


_MERGED = object()
Ends = Callable[[Cell], tuple[tuple[int, Hashable], tuple[int, Hashable]]]


def _totals(counts: Mapping[Cell, int], axis: int) -> dict[Hashable, int]:
    totals: dict[Hashable, int] = {}
    for cell, n in counts.items():
        totals[cell[axis]] = totals.get(cell[axis], 0) + n
    return totals


def _with_complements(counts: Mapping[Key, int], hidden: set, k: int) -> set[Key]:
    hiding = {key for key, n in counts.items() if 0 < n < k or key in hidden}
    rest = sorted(
        (n, index, key)
        for index, (key, n) in enumerate(counts.items())
        if key not in hiding and n > 0
    )
    while (0 < sum(counts[key] for key in hiding) < k or len(hiding) == 1) and rest:
        hiding.add(rest.pop(0)[2])
    return hiding


def _reach(start: tuple[int, Hashable], edges: Iterable[Cell], ends: Ends) -> set:
    neighbours: dict = {}
    for cell in edges:
        a, b = ends(cell)
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    seen, todo = {start}, [start]
    while todo:
        for nxt in neighbours.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _pinned(hidden: set[Cell], ends: Ends) -> list[Cell]:
    """The hidden cells the shown figures determine: the bridges of the graph whose nodes are
    the rows and columns and whose edges are the hidden cells (a cell on a cycle can move up
    and down the cycle with every total kept)."""
    return [
        cell
        for cell in sorted(hidden, key=repr)
        if ends(cell)[1] not in _reach(ends(cell)[0], hidden - {cell}, ends)
    ]


def _cycle_complement(
    cell: Cell, counts: Mapping[Cell, int], hidden: set[Cell], ends: Ends
) -> Cell | None:
    """The smallest shown cell joining the two sides that a pinned cell alone joins."""
    side = _reach(ends(cell)[0], hidden - {cell}, ends)
    joining = [
        (n, repr(other), other)
        for other, n in counts.items()
        if other not in hidden and n > 0 and (ends(other)[0] in side) != (ends(other)[1] in side)
    ]
    return min(joining)[2] if joining else None


def follows_from_table(
    selection: Iterable[Cell], counts: Mapping[Cell, int], table: Table, k: int
) -> bool:
    """Whether the sum over a selection of cells (a free filter: some rows and some columns)
    can already be worked out from what the table shows: its shown cells, its shown row and
    column totals and, when the whole holds k or more, the grand total. Only such a selection
    may be shown, because then it tells nobody anything the table did not, and the difference
    of two such selections, or of one and the table, is again worked out from the table, which
    gives no group under k away (`suppressed_table`).

    Shown cells are known one by one, so what is left is the selected hidden cells. With the
    hidden rows merged into one line and the hidden columns into another (their totals are
    known only together, and only through the grand total), a hidden cell is an edge between
    its row line and its column line, and the sums the totals give are the sums of the edges
    at one line. A 0/1 choice x of edges is such a combination exactly when x(edge) =
    a(row line) + b(column line) for some numbers a and b, one per line, with a = b = 0 on the
    merged lines when the grand total is not shown: solved exactly along each connected part.
    """
    chosen = set(selection)
    total_shown = sum(counts.values()) >= checked_k(k)

    def ends(cell: Cell) -> tuple[tuple[int, Hashable], tuple[int, Hashable]]:
        row = (0, _MERGED if cell[0] in table.rows else cell[0])
        return row, (1, _MERGED if cell[1] in table.columns else cell[1])

    edges: dict[tuple[int, Hashable], list[tuple[tuple[int, Hashable], int]]] = {}
    for cell in table.cells:
        row, column = ends(cell)
        wanted = int(cell in chosen)
        edges.setdefault(row, []).append((column, wanted))
        edges.setdefault(column, []).append((row, wanted))
    pinned = set() if total_shown else {(0, _MERGED), (1, _MERGED)}
    potential: dict[tuple[int, Hashable], int] = {}
    for start in edges:
        if start in potential:
            continue
        # a(row) + b(column) = x: walking an edge from one line fixes the other's number.
        potential[start] = 0
        part, todo = [start], [start]
        while todo:
            line = todo.pop()
            for other, wanted in edges[line]:
                value = wanted - potential[line]
                if other not in potential:
                    potential[other] = value
                    part.append(other)
                    todo.append(other)
                elif potential[other] != value:
                    return False
        # Adding t to every row line and taking it from every column line keeps each sum: the
        # merged lines, if pinned to 0, must agree on one such t.
        shifts = {
            -potential[line] if line[0] == 0 else potential[line] for line in part if line in pinned
        }
        if len(shifts) > 1:
            return False
    return True
