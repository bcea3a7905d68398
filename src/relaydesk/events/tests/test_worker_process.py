"""`relaydesk worker` as the real, separate process it is in production."""

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from relaydesk.catalog.services import calendar_save
from relaydesk.demo.management.commands.demo import worker_beside
from relaydesk.events.models import OutboxEvent
from relaydesk.servicerequests.services import request_create
from relaydesk.testing import database_url

ON_POSTGRESQL = connection.vendor == "postgresql"


def worker_env(**extra: str) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": database_url(connection.settings_dict),
        "RELAYDESK_DB_CONN_MAX_AGE": "0",
        **extra,
    }


@contextmanager
def worker_process(**env: str) -> Iterator[subprocess.Popen]:
    worker = subprocess.Popen(
        [sys.executable, "-m", "relaydesk", "worker", "--poll", "0.1"],
        env=worker_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield worker
    finally:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=20)


def wait_until(condition: Callable[[], bool], *, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.1)


def outbox_drained() -> bool:
    return not OutboxEvent.objects.exclude(state=OutboxEvent.State.DONE).exists()


def test_the_demo_starts_a_worker_beside_its_server(transactional_db, org, catalog, monkeypatch):
    request = request_create(requester=org.outsider, service=catalog.wheels, title="Tyres")
    calendar_save(
        actor=None,
        calendar=catalog.office,
        name="Office hours",
        definition={"timezone": "Europe/Berlin", "hours": {"sat": ["00:00-24:00"]}},
        owner_team=None,
    )
    for name, value in worker_env().items():
        monkeypatch.setenv(name, value)

    with worker_beside():
        wait_until(outbox_drained)

    assert request.events.filter(kind="retimed").exists()


def test_sigterm_stops_the_worker_cleanly(transactional_db):
    with worker_process() as worker:
        assert worker.stdout.readline().startswith("Relaydesk worker:")
        worker.terminate()
        assert worker.wait(timeout=10) == 0


@pytest.mark.parametrize("bad", [["--poll", "0"], ["--poll", "nan"], ["--poll", "1e9"]])
def test_a_bad_poll_interval_is_refused_with_a_clear_error(bad):
    done = subprocess.run(
        [sys.executable, "-m", "relaydesk", "worker", *bad],
        capture_output=True,
        text=True,
        env=os.environ | {"RELAYDESK_DATA_DIR": os.environ.get("RELAYDESK_DATA_DIR", "data")},
    )
    assert done.returncode != 0
    assert "--poll" in done.stderr
    assert "Traceback" not in done.stderr
