"""A dashboard as tables of plain values: what the page shows beside its charts, what the CSV
export streams and what `relaydesk report dashboard` prints. Every figure comes with its n;
times are business minutes as median and 90th percentile, never a mean."""

from collections.abc import Iterator
from dataclasses import dataclass

from relaydesk.core.rollups import SMALL_SAMPLE, Histogram, Rollup
from relaydesk.core.stats import Share
from relaydesk.feedback.selectors import SurveyResults
from relaydesk.insight.selectors import Dashboard, Line

ROLLUP_HEADER = [
    "created",
    "finished",
    "cancelled",
    "first response n",
    "first response median (business min)",
    "first response p90 (business min)",
    "first response on time %",
    "resolution n",
    "resolution median (business min)",
    "resolution p90 (business min)",
    "resolution on time %",
    "with needed-by n",
    "early %",
]
TABLES = ("figures", "trend", "lines")


def minutes(histogram: Histogram, share: float) -> int | str:
    value = histogram.percentile(share)
    return "" if value is None else round(value / 60)


def percent(rate: Share) -> float | str:
    return round(100 * rate.value, 1) if rate.n else ""


def rollup_cells(rollup: Rollup) -> list[object]:
    return [
        rollup.created,
        rollup.finished,
        rollup.cancelled,
        rollup.response_n,
        minutes(rollup.response, 0.5),
        minutes(rollup.response, 0.9),
        percent(rollup.response_on_time_rate()),
        rollup.resolution_n,
        minutes(rollup.resolution, 0.5),
        minutes(rollup.resolution, 0.9),
        percent(rollup.resolution_on_time_rate()),
        rollup.needed_by_n,
        percent(rollup.early_rate()),
    ]


@dataclass(frozen=True)
class Figure:
    """One headline figure, this period and the one before, with its n and a caveat."""

    name: str
    value: object
    n: int | None
    before: object
    before_n: int | None
    note: str = ""
    small: bool = False  # fewer than SMALL_SAMPLE behind it: read with care

    @property
    def full_note(self) -> str:
        return "; ".join(part for part in ("small sample" if self.small else "", self.note) if part)


def _share_figure(name: str, now: Share, before: Share) -> Figure:
    note = f"95 % interval {100 * now.low:.0f}-{100 * now.high:.0f} %" if now.n else ""
    return Figure(name, percent(now), now.n, percent(before), before.n, note, _small(now.n))


def _time_figure(name: str, now: Histogram, before: Histogram, share: float) -> Figure:
    return Figure(
        name, minutes(now, share), now.n, minutes(before, share), before.n, small=_small(now.n)
    )


def _small(*ns: int) -> bool:
    return 0 < min(ns) < SMALL_SAMPLE


def figures(board: Dashboard) -> list[Figure]:
    now, before = board.total, board.previous
    shown = [
        Figure("requests created", now.created, None, before.created, None),
        Figure("requests finished", now.finished, None, before.finished, None),
        Figure("requests cancelled", now.cancelled, None, before.cancelled, None),
        _time_figure("first response median (business min)", now.response, before.response, 0.5),
        _time_figure("first response p90 (business min)", now.response, before.response, 0.9),
        _share_figure(
            "first response on time %",
            now.response_on_time_rate(),
            before.response_on_time_rate(),
        ),
        _time_figure("resolution median (business min)", now.resolution, before.resolution, 0.5),
        _time_figure("resolution p90 (business min)", now.resolution, before.resolution, 0.9),
        _share_figure(
            "resolution on time %", now.resolution_on_time_rate(), before.resolution_on_time_rate()
        ),
        _share_figure("early % (of those with a needed-by)", now.early_rate(), before.early_rate()),
    ]
    index, previous_index = now.parity_index(), before.parity_index()
    external, colleagues = now.response_external.n, now.response_colleagues().n
    shown.append(
        Figure(
            "parity index (colleagues' median first response / external's)",
            "" if index is None else round(index, 2),
            colleagues + external,
            "" if previous_index is None else round(previous_index, 2),
            before.response.n,
            f"colleagues n = {colleagues}, external n = {external}",
            min(colleagues, external) < SMALL_SAMPLE,
        )
    )
    backlog = board.backlog
    shown += [
        Figure("open now", backlog.open, None, "", None, "counted with their age, below"),
        Figure("open now: late", backlog.late, backlog.open, "", None),
        Figure("open now: at risk", backlog.at_risk, backlog.open, "", None),
        Figure("open now: unassigned", backlog.unassigned, backlog.open, "", None),
        *(
            Figure(f"open now: {band.label} old", count, backlog.open, "", None)
            for band, count in backlog.bands
        ),
    ]
    if board.ratings is not None:
        rated = board.ratings
        hidden = f"fewer than {rated.k} ratings: hidden" if rated.satisfaction is None else ""
        for name, share in (("satisfied (4-5) %", rated.satisfaction), ("easy %", rated.ease)):
            value = "" if share is None else percent(share)
            note = hidden or f"95 % interval {100 * share.low:.0f}-{100 * share.high:.0f} %"
            shown.append(Figure(f"{name}, {rated.quarters}", value, rated.n, "", None, note))
    if board.survey is not None:
        shown += _survey_figures(board.survey)
    if board.kudos is not None:
        shown += [
            Figure("kudos given (named)", board.kudos.given, None, "", None),
            Figure("kudos received", board.kudos.received, None, "", None),
        ]
    return shown


def _survey_figures(results: SurveyResults) -> list[Figure]:
    customers, title = results.customers, f"survey {results.survey.title!r}"
    if not customers.shown:
        hidden = f"fewer than {results.k} answers: hidden"
        return [Figure(f"{title}: scores", "", customers.n, "", None, hidden)]
    shown = [
        Figure(f"{title}: {item} (mean of 1-7)", round(mean, 2), customers.n, "", None)
        for item, mean in customers.means.items()
        if mean is not None
    ]
    recommend = customers.recommend
    shown.append(
        Figure(
            f"{title}: recommend score (% 9-10 minus % 0-6)",
            round(recommend.score),
            recommend.n,
            "",
            None,
            f"margin of error ±{recommend.margin:.0f} (95 %)",
            _small(recommend.n),
        )
    )
    return shown


def _line_satisfaction(line: Line) -> object:
    if line.hidden:
        return "hidden"
    return "" if line.satisfaction is None else percent(line.satisfaction)


def table(board: Dashboard, name: str) -> tuple[list[str], Iterator[list[object]]]:
    """The header and rows of one of the dashboard's tables (TABLES)."""
    if name == "figures":
        return (
            ["figure", "value", "n", "previous period", "previous n", "note"],
            (
                [
                    f.name,
                    f.value,
                    "" if f.n is None else f.n,
                    f.before,
                    f.before_n or "",
                    f.full_note,
                ]
                for f in figures(board)
            ),
        )
    if name == "trend":
        return (
            ["month" if board.period.by_month else "week from", *ROLLUP_HEADER],
            ([bar.start.isoformat(), *rollup_cells(bar.rollup)] for bar in board.trend),
        )
    if name == "lines":
        quarters = board.ratings.quarters if board.ratings else ""
        return (
            [
                board.lines_of.rstrip("s") or "line",
                *ROLLUP_HEADER,
                f"ratings n, {quarters}",
                f"satisfied (4-5) %, {quarters}",
            ],
            (
                [line.name, *rollup_cells(line.rollup), line.rated, _line_satisfaction(line)]
                for line in board.lines
            ),
        )
    raise ValueError(f"{name!r} is not a table; choose one of {', '.join(TABLES)}")


@dataclass(frozen=True)
class BarShape:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


CHART_WIDTH, CHART_HEIGHT = 600, 160


def bars(board: Dashboard) -> list[BarShape]:
    """The trend of requests created as SVG bars, scaled to the tallest."""
    values = [(bar.start.isoformat(), bar.rollup.created) for bar in board.trend]
    if not values:
        return []
    tallest = max(value for _, value in values) or 1
    slot = CHART_WIDTH / len(values)
    return [
        BarShape(
            x=round(index * slot + slot * 0.1, 1),
            y=round(CHART_HEIGHT - CHART_HEIGHT * value / tallest, 1),
            width=round(slot * 0.8, 1),
            height=round(CHART_HEIGHT * value / tallest, 1),
            label=label,
            value=value,
        )
        for index, (label, value) in enumerate(values)
    ]
