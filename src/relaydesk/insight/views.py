"""Dashboard pages and their CSV exports."""

import csv
from collections.abc import Iterator
from datetime import date

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from relaydesk.catalog.models import Service
from relaydesk.core.rollups import PERIODS, Period, period_of
from relaydesk.directory.models import Person, Team
from relaydesk.insight import presenters, selectors
from relaydesk.insight.selectors import Scope


def org(request: HttpRequest) -> HttpResponse:
    return _dashboard(request, selectors.org_scope())


def team(request: HttpRequest, pk: int) -> HttpResponse:
    return _dashboard(request, selectors.team_scope(get_object_or_404(Team, pk=pk)))


def service(request: HttpRequest, slug: str) -> HttpResponse:
    return _dashboard(request, selectors.service_scope(get_object_or_404(Service, slug=slug)))


def person(request: HttpRequest, pk: int) -> HttpResponse:
    return _dashboard(request, selectors.person_scope(get_object_or_404(Person, pk=pk)))


def _day(request: HttpRequest, name: str) -> date | None:
    value = request.GET.get(name) or None
    try:
        return None if value is None else date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{name}: give a day as YYYY-MM-DD, not {value[:40]!r}") from None


def _period(request: HttpRequest) -> Period:
    start, end = _day(request, "start"), _day(request, "end")
    try:
        return period_of(request.GET.get("period"), timezone.now().date(), start, end)
    except ValueError as invalid:
        raise BadRequest(f"period: {invalid}") from None


def _dashboard(request: HttpRequest, scope: Scope) -> HttpResponse:
    if not selectors.may_see(request.user, scope):
        raise PermissionDenied("this dashboard is for its leads, its own people and admins")
    period = _period(request)
    board = selectors.dashboard(scope=scope, period=period)
    export = request.GET.get("export")
    if export:
        if export not in presenters.TABLES:
            raise BadRequest(f"export: choose one of {', '.join(presenters.TABLES)}")
        return _csv(board, export)
    tables = {name: presenters.table(board, name) for name in presenters.TABLES}
    context = {
        "board": board,
        "period": period,
        "periods": [*PERIODS, "quarter"],
        "figures": presenters.figures(board),
        "trend_header": tables["trend"][0],
        "trend_rows": list(tables["trend"][1]),
        "line_header": tables["lines"][0],
        "line_rows": list(zip(board.lines, tables["lines"][1], strict=True)),
        "bars": presenters.bars(board),
        "chart": {"width": presenters.CHART_WIDTH, "height": presenters.CHART_HEIGHT},
    }
    return render(request, "insight/dashboard.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(board, name: str) -> StreamingHttpResponse:
    header, rows = presenters.table(board, name)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"{board.scope.kind}-{name}-{board.period.start}-{board.period.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
