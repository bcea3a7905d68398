"""The worker killed mid-batch (SIGKILL) and restarted, and two workers at once: everyone is told
in the app exactly once, and every email and webhook arrives, a repeat only for a send that was
in flight at the kill, under the same delivery id (README, "The worker and notifications")."""

import signal
import socket
import threading
import time
from collections import Counter
from contextlib import suppress

import pytest
from django.conf import settings
from django.db import connection

from relaydesk.events.models import OutboxEvent
from relaydesk.events.tests.test_worker_process import wait_until, worker_process
from relaydesk.loopback import free_port
from relaydesk.notify.models import Kind, Notification, Webhook
from relaydesk.servicerequests.services import request_create

REQUESTS = 24
# Every arrival in Assembly's queue is news to Lena and Max: in the app, by email, and to the
# organisation's webhook.
TOLD = ("lena.lead@example.com", "max.member@example.com")


@pytest.fixture
def arrivals(transactional_db, org, catalog, receiver) -> list[int]:
    Webhook.objects.create(name="Plant", url=receiver.url, kinds=[Kind.NEW_IN_QUEUE])
    receiver.delays = [0.05] * 1000  # a receiver that takes its time: the kill finds work
    return [
        request_create(requester=org.outsider, service=catalog.wheels, title=f"Tyres {n}").pk
        for n in range(REQUESTS)
    ]


class CuttableProxy:
    """A TCP relay on loopback between the worker and the database, which the test can cut
    (every connection dropped, new ones refused) and restore."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = free_port()
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None

    def __enter__(self) -> "CuttableProxy":
        self.restore()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cut()

    def restore(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self) -> None:
        for sock in [self.listener, *self.sockets]:
            if sock is not None:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
        self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


def worker_settings() -> dict[str, str]:
    """The worker process's settings: the test's mail server (the `mailbox` fixture), short
    leases and small batches, so that a kill leaves work for the next worker to take over."""
    return {
        "EMAIL_URL": f"smtp://127.0.0.1:{settings.EMAIL_PORT}",
        "RELAYDESK_WEBHOOK_TIMEOUT": "5",
        "RELAYDESK_WEBHOOK_ALLOW_LOOPBACK": "true",
        "RELAYDESK_OUTBOX_LEASE_SECONDS": "2",
        "RELAYDESK_OUTBOX_BATCH": "10",
    }


def drained() -> bool:
    return not OutboxEvent.objects.exclude(state=OutboxEvent.State.DONE).exists()


def assert_everyone_told(arrivals, mailbox, receiver, *, repeats_allowed: int) -> None:
    # On a Monday morning the worker's hourly job also sends the requester's weekly digest:
    # not what these requests told, so not counted.
    notified = Counter(
        Notification.objects.filter(source_key__startswith="request:").values_list(
            "recipient__email", "source_key"
        )
    )
    assert len(notified) == REQUESTS * len(TOLD)
    assert set(notified.values()) == {1}  # in the app: exactly once

    deliveries = Counter(r.headers["X-Relaydesk-Delivery"] for r in receiver.received)
    assert len(deliveries) == REQUESTS
    assert sum(deliveries.values()) - REQUESTS <= repeats_allowed
    told = [m for m in mailbox.messages if not m["Subject"].startswith("Your week")]
    mails = Counter(message["Message-ID"] for message in told)
    assert len(mails) == REQUESTS * len(TOLD)
    assert sum(mails.values()) - len(mails) <= repeats_allowed
    assert sorted({m["To"].addresses[0].addr_spec for m in told}) == list(TOLD)


def test_a_worker_killed_mid_batch_loses_nothing_after_a_restart(arrivals, mailbox, receiver):
    env = worker_settings()
    with worker_process(**env) as first:
        wait_until(lambda: len(receiver.received) >= 5)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    unfinished = OutboxEvent.objects.exclude(state=OutboxEvent.State.DONE).count()
    assert unfinished > 0  # it really died with work in hand

    with worker_process(**env):
        wait_until(drained, within=60)

    assert_everyone_told(arrivals, mailbox, receiver, repeats_allowed=1)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="several workers share the work on PostgreSQL; SQLite runs one",
)
def test_two_workers_at_once_tell_everyone_exactly_once(arrivals, mailbox, receiver):
    env = worker_settings()
    with worker_process(**env) as first, worker_process(**env) as second:
        wait_until(drained, within=60)
        for worker in (first, second):
            assert worker.poll() is None  # neither fell over

    assert_everyone_told(arrivals, mailbox, receiver, repeats_allowed=0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="an embedded database cannot go away")
def test_a_worker_waits_out_a_database_that_goes_away_and_comes_back(
    arrivals, org, catalog, mailbox, receiver
):
    database = connection.settings_dict
    with CuttableProxy(database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)) as proxy:
        env = worker_settings() | {
            "DATABASE_URL": f"postgresql://{database['USER']}@127.0.0.1:{proxy.port}/"
            f"{database['NAME']}"
        }
        with worker_process(**env) as worker:
            wait_until(lambda: len(receiver.received) >= 3)
            proxy.cut()
            time.sleep(2)  # it finds the database gone, more than once
            assert worker.poll() is None
            proxy.restore()
            wait_until(drained, within=60)
        assert "database unavailable" in worker.stdout.read()

    assert_everyone_told(arrivals, mailbox, receiver, repeats_allowed=1)
