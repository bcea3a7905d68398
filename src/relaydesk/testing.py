"""Helpers the tests share (fixtures themselves live in conftest.py)."""

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from django.test import Client
from django.utils import timezone
from psycopg import sql

from relaydesk.catalog.models import Service
from relaydesk.catalog.services import PromiseSpec, ServiceSpec, service_save
from relaydesk.directory.models import Person
from relaydesk.loopback import answers, free_port

# Every test person's password (see the `org` fixture).
PASSWORD = "correct-horse-battery-staple"

# The `catalog` fixture's calendar: Berlin office hours on weekdays, Bavarian holidays.
OFFICE_HOURS = {
    "timezone": "Europe/Berlin",
    "hours": {day: ["09:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
    "holidays": {"country": "DE", "subdivision": "BY"},
}


def tyre_clinic(org, catalog, *, promised: bool = True) -> Service:
    """Assembly's face-time service on the `catalog` fixture's calendar: a request to it
    proposes times to meet. Promised, it answers normal requests within 1 h, done in 8 h."""
    return service_save(
        actor=None,
        spec=ServiceSpec(
            slug="tyre-clinic",
            name="Tyre clinic",
            kind="face_time",
            calendar=catalog.office,
            provider_team=org.assembly,
            promises={"normal": PromiseSpec(60, 480)} if promised else {},
        ),
    )


def signed_in_client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def sign_in(page, person: Person) -> None:
    """Sign in through the real form in a Playwright page."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def database_url(settings_dict: Mapping[str, Any]) -> str:
    """The DATABASE_URL that points another process at this database."""
    engine = settings_dict["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return f"sqlite:///{settings_dict['NAME']}"
    if engine == "django.db.backends.postgresql":
        user, password = settings_dict["USER"], settings_dict["PASSWORD"]
        credentials = f"{user}:{password}" if password else user
        host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
        return f"postgresql://{credentials}@{host}:{port}/{settings_dict['NAME']}"
    raise ValueError(f"no URL form known for {engine}")


@contextmanager
def fresh_database(settings_dict: Mapping[str, Any], suffix: str) -> Iterator[str]:
    """A new, empty database beside the test database, on its engine, named after it with
    `suffix`: its DATABASE_URL. Dropped afterwards."""
    name = f"{Path(settings_dict['NAME']).stem}_{suffix}"
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        path = Path(settings_dict["NAME"]).with_name(f"{name}.sqlite3")
        files = [path, *(path.with_name(path.name + end) for end in ("-wal", "-shm"))]
        for file in files:
            file.unlink(missing_ok=True)
        try:
            yield database_url({**settings_dict, "NAME": str(path)})
        finally:
            for file in files:
                file.unlink(missing_ok=True)
        return
    server = {
        "host": settings_dict["HOST"] or "127.0.0.1",
        "port": settings_dict["PORT"] or 5432,
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"] or None,
    }
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield database_url({**settings_dict, "NAME": name})
        finally:
            admin.execute(drop)


def relaydesk_on(
    database: str, *args: str, check: bool = True, **env: str
) -> subprocess.CompletedProcess:
    """Run `relaydesk ARGS` on the database at `database` (a DATABASE_URL) in its own process,
    as a user would; `env` adds or replaces environment variables."""
    done = subprocess.run(
        [sys.executable, "-m", "relaydesk", *args],
        env=os.environ | {"DATABASE_URL": database, "RELAYDESK_DB_CONN_MAX_AGE": "0"} | env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"relaydesk {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done


@contextmanager
def serving(env: Mapping[str, str], workers: int = 1) -> Iterator[str]:
    """Run `relaydesk serve` on a free loopback port; yield its base URL; stop it after."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "relaydesk",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        if not answers(server, port, within=30):
            server.kill()
            raise RuntimeError("server did not start:\n" + server.communicate()[0])
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


class MovableClock:
    """A worker's idea of now: the real now, moved on by the test to let retries fall due."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return timezone.now() + self.offset

    def advance(self, by: timedelta) -> None:
        self.offset += by
