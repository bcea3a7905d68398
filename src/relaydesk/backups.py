"""Backups of the whole database that restore: SQLite through its online backup API, PostgreSQL
through pg_dump and pg_restore. A backup is one file; its first bytes say which kind it is."""

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

from django.db import connection

from relaydesk.directory.models import Person

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"  # pg_dump's custom format (-Fc)


class BackupError(Exception):
    """Why a backup or a restore could not be made; one line, for the person running it."""


def backup_make(target: Path) -> str:
    """Write a consistent copy of the database to `target`, replacing it only once the copy is
    whole; returns what kind of backup it is. The application may go on writing meanwhile."""
    partial = target.with_name(target.name + ".partial")
    try:
        if _is_sqlite(connection.settings_dict):
            _sqlite_backup(Path(connection.settings_dict["NAME"]), partial)
            kind = "SQLite"
        else:
            _run("pg_dump", "--format=custom", "--file", str(partial))
            kind = "PostgreSQL (pg_dump custom format)"
        partial.replace(target)
    except OSError as error:
        raise BackupError(f"cannot write {target}: {error.strerror}") from None
    finally:
        partial.unlink(missing_ok=True)
    return kind


def restore_refusal(source: Path, *, force: bool) -> str | None:
    """Why `source` will not be restored here, or None when it will."""
    try:
        with source.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        return f"cannot read {source}: {error.strerror}"
    sqlite = _is_sqlite(connection.settings_dict)
    if header.startswith(PG_DUMP_HEADER) and sqlite:
        return f"{source} is a PostgreSQL backup; restore it with DATABASE_URL set to PostgreSQL"
    if header == SQLITE_HEADER and not sqlite:
        return f"{source} is an SQLite backup; restore it without DATABASE_URL (or sqlite:///…)"
    if not header.startswith(PG_DUMP_HEADER) and header != SQLITE_HEADER:
        return f"{source} is not a Relaydesk backup (neither an SQLite database nor a pg_dump file)"
    if header == SQLITE_HEADER and not _holds_relaydesk(source):
        return f"{source} is an SQLite database but not a Relaydesk backup"
    if not force and database_holds_data():
        return (
            "the database already holds people and requests; restore into an empty database, "
            "or add --force to overwrite it with the backup"
        )
    return None


def backup_restore(source: Path) -> None:
    """Replace the database's contents with the backup's, whole or not at all."""
    settings_dict = connection.settings_dict
    connection.close()  # the restore takes over the database
    if _is_sqlite(settings_dict):
        _sqlite_restore(source, Path(settings_dict["NAME"]))
    else:
        _run(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            str(settings_dict["NAME"]),
            str(source),
        )


def database_holds_data() -> bool:
    """Whether anyone is in the database: a migrated but unused one does not count."""
    if Person._meta.db_table not in connection.introspection.table_names():
        return False
    return Person.objects.exists()


def _is_sqlite(settings_dict: Mapping[str, Any]) -> bool:
    return settings_dict["ENGINE"] == "django.db.backends.sqlite3"


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"there is no database at {source} to back up")
    target.unlink(missing_ok=True)  # what a stopped backup may have left
    try:
        with (
            closing(sqlite3.connect(source, timeout=20)) as live,
            closing(sqlite3.connect(target)) as copy,
        ):
            # One step: the copy is the database as of one read transaction, which WAL lets
            # writers carry on beside.
            live.backup(copy)
            # One self-contained file, not a database waiting for its -wal file.
            copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as error:
        raise BackupError(f"the SQLite backup to {target} failed: {error}") from None


def _sqlite_restore(source: Path, target: Path) -> None:
    try:
        with (
            closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup,
            closing(sqlite3.connect(target, timeout=20)) as live,
        ):
            # Through the backup API into the live file, under its write lock: whoever else
            # has it open sees the old database or the restored one, never a mix.
            backup.backup(live)
            live.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as error:
        raise BackupError(f"the SQLite restore into {target} failed: {error}") from None


def _holds_relaydesk(source: Path) -> bool:
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup:
            found = backup.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                (Person._meta.db_table,),
            ).fetchone()
    except sqlite3.DatabaseError:
        return False
    return found is not None


def _run(program: str, *args: str) -> None:
    """Run PostgreSQL's `program` on this database, its connection from DATABASE_URL passed
    through the environment (a password never shows on a command line)."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} is not installed: install PostgreSQL's client programs "
            f"(e.g. apt-get install postgresql-client) of the server's version or newer"
        )
    settings_dict = connection.settings_dict
    given = {
        "PGHOST": settings_dict["HOST"],
        "PGPORT": settings_dict["PORT"],
        "PGUSER": settings_dict["USER"],
        "PGPASSWORD": settings_dict["PASSWORD"],
        "PGDATABASE": settings_dict["NAME"],
        "PGSSLMODE": settings_dict.get("OPTIONS", {}).get("sslmode"),
    }
    # What DATABASE_URL leaves out, libpq's own defaults fill in, as for Django's connection.
    env = os.environ | {name: str(value) for name, value in given.items() if value}
    done = subprocess.run([executable, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        said = [line for line in done.stderr.splitlines() if line.strip()]
        errors = [line for line in said if "error:" in line] or said
        raise BackupError(f"{program} failed: {errors[0] if errors else f'exit {done.returncode}'}")
