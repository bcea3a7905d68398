"""Writes of rollups: refreshing the cells one request touches (the worker, from its events),
and rebuilding them all (`relaydesk rollups rebuild`, the end of a demo build). A refresh
also moves each scope rollup (a team with those below it, the organisation) by what its
cells changed by.

Both add requests up in the database, grouped by service, team, day and histogram bucket, with
the same aggregation, so a refreshed cell is exactly what a rebuild would write.
"""

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from json import dumps

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Floor, Ln, TruncDate

from relaydesk.catalog.models import Service
from relaydesk.core.rollups import LOG_BASE, Rollup, Tally
from relaydesk.directory.models import Team
from relaydesk.insight.models import (
    COUNTS,
    HISTOGRAMS,
    ORG,
    DailyServiceRollup,
    ScopeDailyRollup,
    team_scope_key,
)
from relaydesk.servicerequests.models import Event, Request, Status

Cell = tuple[int, int | None, date]  # service, providing team, day
SERVICE_KEYS = ("service_id", "team_id", "day")
# A rebuild adds up this many days at a time, so its memory stays bounded at any size.
REBUILD_DAYS = 92


def _bucket(field: str) -> Case:
    """core.rollups.bucket_of in SQL: 0 for 0 s, else floor(ln(s) / ln(BASE)) + 1."""
    return Case(
        When(**{field: 0}, then=Value(0)),
        default=Cast(
            Floor(Ln(Cast(F(field), FloatField())) / Value(LOG_BASE)) + Value(1.0),
            IntegerField(),
        ),
        output_field=IntegerField(),
    )


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=UTC)


def aggregate(
    requests: QuerySet[Request], *, since: datetime | None = None, until: datetime | None = None
) -> dict[Cell, Rollup]:
    """The rollup of each (service, team, day) of `requests`, counting what happened in
    [since, until): four grouped queries, whatever the number of requests."""

    def within(field: str) -> QuerySet[Request]:
        chosen = requests.order_by().filter(**{f"{field}__isnull": False})
        if since is not None:
            chosen = chosen.filter(**{f"{field}__gte": since})
        if until is not None:
            chosen = chosen.filter(**{f"{field}__lt": until})
        return chosen

    cells: dict[Cell, Tally] = {}

    def tally(row: tuple) -> Tally:
        cell = row[:3]
        if cell not in cells:
            cells[cell] = Tally()
        return cells[cell]

    key = ("service_id", "provider_team_id")
    created = within("created_at").values_list(*key, _day("created_at")).annotate(Count("id"))
    for row in created:
        tally(row).count("created", row[3])
    cancelled = (
        within("cancelled_at")
        .filter(status=Status.CANCELLED)
        .values_list(*key, _day("cancelled_at"))
        .annotate(Count("id"))
    )
    for row in cancelled:
        tally(row).count("cancelled", row[3])
    responses = (
        within("responded_at")
        .filter(response_target__isnull=False)
        .values_list(
            *key,
            _day("responded_at"),
            _bucket("response_used"),
            _flag(Q(response_used__lte=F("response_target"))),
            _flag(Q(party__isnull=False)),
        )
        .annotate(Count("id"))
    )
    for row in responses:
        cell, (bucket, on_time, external, n) = tally(row), row[3:]
        cell.count("response_n", n)
        cell.count("response_on_time", n * on_time)
        cell.bucket("response", bucket, n)
        cell.bucket("response_external", bucket, n * external)
    done = (
        within("done_at")
        .filter(status=Status.DONE)
        .values_list(
            *key,
            _day("done_at"),
            _flag(Q(resolution_target__isnull=False)),
            _bucket("resolution_used"),
            _flag(Q(resolution_target__isnull=False, resolution_used__lte=F("resolution_target"))),
            _flag(Q(needed_by__isnull=False)),
            _flag(Q(early=True)),
        )
        .annotate(Count("id"))
    )
    for row in done:
        cell, (timed, bucket, on_time, needed, early, n) = tally(row), row[3:]
        cell.count("finished", n)
        cell.count("resolution_n", n * timed)
        cell.count("resolution_on_time", n * on_time)
        cell.bucket("resolution", bucket, n * timed)
        cell.count("needed_by_n", n * needed)
        cell.count("early", n * early)
    return {cell: tallied.rollup() for cell, tallied in cells.items()}


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _insert(model: type, keys: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Insert rows of (*keys, rollup) in bulk (COPY on PostgreSQL, one prepared statement on
    SQLite): a rebuild writes a row per service and day, and the ORM's per-field preparation
    would cost more than the adding up."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in (*keys, *COUNTS, *HISTOGRAMS))
    values = (
        (
            *row[:-1],
            *(getattr(row[-1], name) for name in COUNTS),
            *(dumps(getattr(row[-1], name).as_json()) for name in HISTOGRAMS),
        )
        for row in rows
        if not row[-1].is_empty
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
            return
        places = ", ".join(["%s"] * (len(keys) + len(COUNTS) + len(HISTOGRAMS)))
        statement = f"INSERT INTO {table} ({columns}) VALUES ({places})"
        while batch := list(islice(values, 2000)):
            cursor.executemany(statement, batch)


def _service_rows(cells: dict[Cell, Rollup]) -> Iterator[tuple]:
    for (service_id, team_id, day), rollup in cells.items():
        yield service_id, team_id, day, rollup


def _parents() -> dict[int, int | None]:
    return dict(Team.objects.values_list("id", "parent_id"))


def _scopes(team_id: int | None, parents: dict[int, int | None]) -> list[str]:
    """The scopes a cell of `team_id` counts in: the organisation, the team and every
    department above it."""
    scopes = [ORG]
    while team_id is not None:
        scopes.append(team_scope_key(team_id))
        team_id = parents.get(team_id)
    return scopes


def _by_scope(cells: Iterable[tuple[int | None, Rollup]], parents) -> dict[str, Rollup]:
    grouped: dict[str, Tally] = {}
    for team_id, rollup in cells:
        for scope in _scopes(team_id, parents):
            if scope not in grouped:
                grouped[scope] = Tally()
            grouped[scope].add(rollup)
    return {scope: tallied.rollup() for scope, tallied in grouped.items()}


def _move_scope(scope: str, day: date, added: Rollup, removed: Rollup) -> None:
    row, _ = ScopeDailyRollup.objects.select_for_update().get_or_create(scope=scope, day=day)
    now = row.rollup() + added - removed
    if now.is_empty:
        row.delete()
    else:
        row.set_rollup(now)
        row.save()


def rollups_refresh(*, service_id: int, days: Iterable[date]) -> None:
    """Recompute one service's cells on the given days from its requests as they are now, and
    move the scopes above them by the difference: idempotent, so events handled twice or out
    of order leave the same rollups."""
    parents = _parents()
    with transaction.atomic():
        # One refresh of a service at a time: two workers refreshing the same cells would
        # both find them missing and both write them. NO KEY: new requests for the service
        # (which only share-lock its key) are not held up.
        list(Service.objects.select_for_update(no_key=True).filter(pk=service_id).values("pk"))
        for day in sorted(set(days)):
            before = DailyServiceRollup.objects.select_for_update().filter(
                service_id=service_id, day=day
            )
            removed = _by_scope(((row.team_id, row.rollup()) for row in before), parents)
            before.delete()
            cells = aggregate(
                Request.objects.filter(service_id=service_id),
                since=_start(day),
                until=_start(day + timedelta(days=1)),
            )
            _insert(DailyServiceRollup, SERVICE_KEYS, _service_rows(cells))
            added = _by_scope(((team, rollup) for (_, team, _), rollup in cells.items()), parents)
            # In a fixed order, so two workers never wait for each other's rows in a circle.
            for scope in sorted(set(added) | set(removed)):
                change = added.get(scope, Rollup()), removed.get(scope, Rollup())
                if change[0] != change[1]:
                    _move_scope(scope, day, *change)


def request_rollups_refresh(*, request_id: int) -> None:
    """Refresh every cell a request counts in now or may have counted in before: the days it
    was created and answered, and every day its status changed (a reopened request leaves the
    day it was first done)."""
    request = (
        Request.objects.filter(pk=request_id)
        .values("service_id", "created_at", "responded_at", "done_at", "cancelled_at")
        .first()
    )
    if request is None:
        return
    instants = [request[name] for name in ("created_at", "responded_at") if request[name]]
    instants += Event.objects.filter(request_id=request_id, kind=Event.Kind.STATUS).values_list(
        "at", flat=True
    )
    rollups_refresh(
        service_id=request["service_id"],
        days={instant.astimezone(UTC).date() for instant in instants},
    )


def rollups_rebuild() -> int:
    """Recompute every rollup from the requests, a quarter at a time; returns the service
    cells kept. Also the way to bring the scope rollups up to date after teams moved to
    another department."""
    span = Request.objects.aggregate(
        first=Min("created_at"),
        **{name: Max(name) for name in ("created_at", "responded_at", "done_at", "cancelled_at")},
    )
    parents = _parents()
    kept = 0
    with transaction.atomic():
        DailyServiceRollup.objects.all().delete()
        ScopeDailyRollup.objects.all().delete()
        if span["first"] is None:
            return 0
        day = span.pop("first").astimezone(UTC).date()
        last = max(instant for instant in span.values() if instant).astimezone(UTC).date()
        while day <= last:
            until = day + timedelta(days=REBUILD_DAYS)
            cells = aggregate(Request.objects.all(), since=_start(day), until=_start(until))
            _insert(DailyServiceRollup, SERVICE_KEYS, _service_rows(cells))
            _insert(ScopeDailyRollup, ("scope", "day"), _scope_rows(cells, parents))
            kept += len(cells)
            day = until
    return kept


def _scope_rows(cells: dict[Cell, Rollup], parents) -> Iterator[tuple]:
    days: dict[date, list[tuple[int | None, Rollup]]] = {}
    for (_, team_id, day), rollup in cells.items():
        days.setdefault(day, []).append((team_id, rollup))
    for day, day_cells in days.items():
        for scope, rollup in _by_scope(day_cells, parents).items():
            yield scope, day, rollup
