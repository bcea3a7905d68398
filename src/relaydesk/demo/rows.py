"""The simulated history as table rows, and the one writer that stores them.

Rows hold exactly what `bulk_create` would store, but are made without a model instance per
row, in the processes that simulate the history; the writer sends them with `executemany` on
SQLite and `COPY ... FROM STDIN` on PostgreSQL. Ids are the simulation's (requests) or the
table's own (events, hops, links).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from django.core.management.color import no_style
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from relaydesk.demo.activity import RequestRecord
from relaydesk.servicerequests.models import Event, Hop, Request

# What the simulation produces for each event, hop and link, in this order.
EVENT_VALUES = ("request_id", "seq", "kind", "actor_id", "at", "data")
HOP_VALUES = ("request_id", "team_id", "person_id", "started_at", "ended_at")
LINK_VALUES = ("from_request_id", "to_request_id")


class Table:
    """One table's columns: the values given, then any other column at its field's default."""

    def __init__(self, model: type[models.Model], given: Sequence[str]) -> None:
        concrete = model._meta.concrete_fields
        by_name = {f.attname: f for f in concrete}
        rest = [f for f in concrete if f.attname not in given and not f.primary_key]
        self.name = model._meta.db_table
        self.given = tuple(given)
        self.fields = [by_name[name] for name in given] + rest
        self.columns = tuple(f.column for f in self.fields)
        self.defaults = tuple(f.get_default() for f in rest)

    def __repr__(self) -> str:
        return f"Table({self.name})"


EVENTS = Table(Event, EVENT_VALUES)
HOPS = Table(Hop, HOP_VALUES)
LINKS = Table(Request.unblocks.through, LINK_VALUES)


@cache
def requests_table(given: tuple[str, ...]) -> Table:
    """The requests table for the fields a RequestRecord holds (its id included)."""
    return Table(Request, given)


@dataclass
class Rows:
    """A day's rows, ready for one database: per table a list of tuples (SQLite) or the
    text of a COPY (PostgreSQL), in the order they are to be written."""

    vendor: str
    # (table name, its columns, the rows, how many), plain values that pickle cheaply
    tables: list[tuple[str, tuple[str, ...], Any, int]] = field(default_factory=list)

    def count(self, table: str) -> int:
        return sum(n for name, _, _, n in self.tables if name == table)


def encode(records: Sequence[RequestRecord], vendor: str) -> Rows:
    """The records' rows for `vendor` ("sqlite" or "postgresql")."""
    rows = Rows(vendor)
    if not records:
        return rows
    requests_ = requests_table(tuple(records[0].fields))
    requests, hops, links = [], [], []
    for record in records:
        fields = record.fields
        request_id = fields["id"]
        requests.append(tuple(fields.values()))
        hops.extend(
            (request_id, h.team_id, h.person_id, h.started_at, h.ended_at) for h in record.hops
        )
        links.extend((request_id, other) for other in record.unblocks)
    sqlite = vendor == "sqlite"
    encoder = _sqlite_rows if sqlite else _copy_text
    events = (_sqlite_events if sqlite else _copy_events)(records)
    for table, values, count in (
        (requests_, encoder(requests_, requests), len(requests)),
        (EVENTS, events, sum(len(record.events) for record in records)),
        (HOPS, encoder(HOPS, hops), len(hops)),
        (LINKS, encoder(LINKS, links), len(links)),
    ):
        rows.tables.append((table.name, table.columns, values, count))
    return rows


# -- SQLite: what Django's SQLite backend stores --------------------------------------------------


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAYS: dict[int, str] = {}  # "YYYY-MM-DD " by days since the epoch
_SECONDS = [f"{h:02}:{m:02}:{s:02}" for h in range(24) for m in range(60) for s in range(60)]


def _utc_text(value: datetime) -> str:
    """str() of the instant's naive UTC time, as DatabaseOperations.adapt_datetimefield_value
    makes it on SQLite, without datetime's slow formatting: most instants share their day."""
    if value.microsecond:
        return str(value.astimezone(UTC).replace(tzinfo=None))
    day, second = divmod(int(value.timestamp()), 86_400)
    date = _DAYS.get(day)
    if date is None:
        date = _DAYS[day] = f"{(_EPOCH + timedelta(days=day)).date()} "
    return date + _SECONDS[second]


def _sqlite_datetime(value: datetime | None) -> str | None:
    return None if value is None else _utc_text(value)


def _json_encoder() -> Callable[[Any], str]:
    """json.dumps with its default options (as DatabaseOperations.adapt_json_value calls it),
    three times faster: its C encoder is made once instead of on every call."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is not None:
        with suppress(TypeError):  # another signature in another Python: use json.dumps
            default = json.JSONEncoder()
            encoder = make(
                None, default.default, json.encoder.encode_basestring_ascii,
                None, ": ", ", ", False, False, True,
            )  # fmt: skip
            sample = {"a": [1, None, True, 2.5, "é\n"], "b": {"c": ""}}
            if "".join(encoder(sample, 0)) == json.dumps(sample):
                return lambda value: "".join(encoder(value, 0))
    return json.dumps


_json = _json_encoder()


def _identity(value: Any) -> Any:
    return value


_SQLITE = {"DateTimeField": _sqlite_datetime, "JSONField": _json}


def _sqlite_converters(table: Table) -> list[Callable[[Any], Any]]:
    return [_SQLITE.get(f.get_internal_type(), _identity) for f in table.fields]


def _sqlite_defaults(table: Table) -> tuple:
    """The values of the columns not given, as stored."""
    converters = _sqlite_converters(table)[len(table.given) :]
    return tuple(c(d) for c, d in zip(converters, table.defaults, strict=True))


def _sqlite_rows(table: Table, values: list[tuple]) -> list[tuple]:
    converters = _sqlite_converters(table)
    width = len(table.given)
    defaults = _sqlite_defaults(table)
    changed = [(i, c) for i, c in enumerate(converters[:width]) if c is not _identity]
    if not changed and not defaults:
        return values
    rows = []
    for row in values:
        row = list(row)
        for i, convert in changed:
            row[i] = convert(row[i])
        rows.append((*row, *defaults))
    return rows


def _sqlite_events(records: Sequence[RequestRecord]) -> list[tuple]:
    # Eight or so events a request: worth a loop of its own, without the generic one's steps.
    defaults = _sqlite_defaults(EVENTS)
    text, to_json, rows = _utc_text, _json, []
    for record in records:
        request_id = record.fields["id"]
        rows.extend(
            [
                (request_id, e.seq, e.kind, e.actor_id, text(e.at), to_json(e.data), *defaults)
                for e in record.events
            ]
        )
    return rows


# -- PostgreSQL: COPY's text format ----------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NULL = "\\N"


def _copy_text_value(value: str | None) -> str:
    if value is None:
        return _NULL
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_ESCAPES)  # slow, so only when needed
    return value


def _copy_plain(value: Any) -> str:
    return _NULL if value is None else str(value)


def _copy_datetime(value: datetime | None) -> str:
    return _NULL if value is None else _utc_text(value) + "+00"


def _copy_json(value: Any) -> str:
    # json.dumps writes control characters escaped: only its backslashes need escaping.
    return _json(value).replace("\\", "\\\\")


_COPY_BOOLEAN = {True: "t", False: "f", None: _NULL}.__getitem__
_COPY = {
    "BooleanField": _COPY_BOOLEAN,
    "CharField": _copy_text_value,
    "TextField": _copy_text_value,
    "JSONField": _copy_json,
    "DateTimeField": _copy_datetime,
}


def _copy_converters(table: Table) -> list[Callable[[Any], str]]:
    return [_COPY.get(f.get_internal_type(), _copy_plain) for f in table.fields]


def _copy_end(table: Table) -> str:
    """What ends each line: the columns not given, at their defaults, and the newline."""
    converters = _copy_converters(table)[len(table.given) :]
    return "".join("\t" + c(d) for c, d in zip(converters, table.defaults, strict=True)) + "\n"


def _copy_text(table: Table, values: list[tuple]) -> str:
    converters = _copy_converters(table)[: len(table.given)]
    end = _copy_end(table)
    return "".join(
        ["\t".join([c(v) for c, v in zip(converters, row, strict=True)]) + end for row in values]
    )


def _copy_events(records: Sequence[RequestRecord]) -> str:
    # As _sqlite_events; the columns are EVENT_VALUES: three whole numbers, a kind, an
    # instant, a JSON object.
    end = _copy_end(EVENTS)
    text, instant, to_json, lines = _copy_text_value, _utc_text, _copy_json, []
    for record in records:
        request_id = record.fields["id"]
        lines.extend(
            [
                f"{request_id}\t{e.seq}\t{text(e.kind)}\t"
                f"{_NULL if e.actor_id is None else e.actor_id}\t{instant(e.at)}+00\t"
                f"{to_json(e.data)}{end}"
                for e in record.events
            ]
        )
    return "".join(lines)


# -- the writer ----------------------------------------------------------------------------------


class Writer:
    """Writes rows into the tables in the caller's transaction.

    While open it trades durability against a power cut for speed (SQLite's `synchronous`
    off, PostgreSQL's `synchronous_commit` off: a crash of the program or of the database
    server still leaves every committed transaction whole) and gives SQLite a large page cache
    for the tables' indexes; `close` puts both back.
    """

    SQLITE_CACHE_KIB = 512 * 1024

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.vendor = connection.vendor
        if self.vendor not in ("sqlite", "postgresql"):
            raise ValueError(f"the demo history cannot be written to {self.vendor}")
        self._restore: list[str] = []

    def open(self) -> Writer:
        with self.connection.cursor() as cursor:
            if self.vendor == "sqlite":
                # SQLite keeps its safety level while a transaction is open (as in tests).
                changes = {"cache_size": f"-{self.SQLITE_CACHE_KIB}"}
                if not self.connection.in_atomic_block:
                    changes["synchronous"] = "OFF"
                for pragma, value in changes.items():
                    cursor.execute(f"PRAGMA {pragma}")
                    self._restore.append(f"PRAGMA {pragma} = {cursor.fetchone()[0]}")
                    cursor.execute(f"PRAGMA {pragma} = {value}")
            else:
                cursor.execute("SHOW synchronous_commit")
                self._restore.append(f"SET synchronous_commit = {cursor.fetchone()[0]}")
                cursor.execute("SET synchronous_commit = off")
        return self

    def close(self) -> None:
        with self.connection.cursor() as cursor:
            for statement in self._restore:
                cursor.execute(statement)
        self._restore = []

    def write(self, rows: Rows) -> None:
        """Insert a day's rows; the caller holds the transaction."""
        assert rows.vendor == self.vendor, (rows.vendor, self.vendor)
        with self.connection.cursor() as cursor:
            for table, names, data, count in rows.tables:
                if not count:
                    continue
                columns = ", ".join(f'"{column}"' for column in names)
                if self.vendor == "sqlite":
                    marks = ", ".join(["%s"] * len(names))
                    cursor.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', data)
                else:
                    copy = f'COPY "{table}" ({columns}) FROM STDIN'
                    with cursor.cursor.copy(copy) as stream:
                        stream.write(data)
            if self.vendor == "postgresql":
                # Requests come with their ids: move the sequence past them for later inserts.
                for sql in self.connection.ops.sequence_reset_sql(no_style(), [Request]):
                    cursor.execute(sql)

    def set_aside(self) -> list[str]:
        """Drop the history tables' secondary indexes (and on PostgreSQL their foreign keys,
        checked row by row at every commit) for a large load; return the statements that
        put them back, for `restore`.

        Unique and primary keys stay, and so do the indexes that start with the request a
        row belongs to: rows come in request order, so these only ever grow at their end.
        """
        tables = _history_tables()
        in_order = {(t.name, t.fields[0].column) for t in (EVENTS, HOPS, LINKS)}
        restore: list[str] = []
        with self.connection.cursor() as cursor:
            if self.vendor == "sqlite":
                marks = ", ".join(["%s"] * len(tables))
                cursor.execute(
                    "SELECT m.name, m.tbl_name, m.sql, "
                    "(SELECT i.name FROM pragma_index_info(m.name) i ORDER BY i.seqno LIMIT 1) "
                    "FROM sqlite_master m WHERE m.type = 'index' AND m.sql IS NOT NULL "
                    f"AND m.tbl_name IN ({marks}) ORDER BY m.name",
                    tables,
                )
                for name, table, sql, first in cursor.fetchall():
                    if (table, first) not in in_order:
                        cursor.execute(f'DROP INDEX "{name}"')
                        restore.append(sql)
                return restore
            # Fire the checks already pending, which would keep the tables from being altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(
                "SELECT c.conname, t.relname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "JOIN pg_class t ON t.oid = c.conrelid "
                "WHERE c.contype = 'f' AND t.relname = ANY(%s) ORDER BY t.relname, c.conname",
                [tables],
            )
            for name, table, definition in cursor.fetchall():
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                restore.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            cursor.execute(
                "SELECT i.relname, t.relname, pg_get_indexdef(i.oid), a.attname FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0] "
                "WHERE t.relname = ANY(%s) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) ORDER BY i.relname",
                [tables],
            )
            for name, table, definition, first in cursor.fetchall():
                if (table, first) not in in_order:
                    cursor.execute(f'DROP INDEX "{name}"')
                    restore.insert(0, definition)  # indexes first: the foreign keys use them
        return restore

    def restore(self, statements: Sequence[str]) -> None:
        """Put back what `set_aside` dropped: indexes are built from sorted rows, far faster
        than kept up row by row, and each foreign key is checked in one pass."""
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for statement in statements:
                cursor.execute(statement)

    def analyse(self) -> None:
        """Refresh the query planner's statistics of the tables written."""
        with self.connection.cursor() as cursor:
            if self.vendor == "sqlite":
                # Sampled, so it takes seconds on millions of rows.
                cursor.execute("PRAGMA analysis_limit = 1000")
            for table in _history_tables():
                cursor.execute(f'ANALYZE "{table}"')


def _history_tables() -> list[str]:
    return [Request._meta.db_table, EVENTS.name, HOPS.name, LINKS.name]
