"""Real parts for the notification tests: an SMTP server and an HTTP receiver on loopback, and
a worker on a clock the test moves."""

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from relaydesk.catalog.models import Service
from relaydesk.catalog.services import PromiseSpec, ServiceSpec, service_save
from relaydesk.events.worker import Tuning, Worker
from relaydesk.loopback import free_port
from relaydesk.notify.tests.support import Mailbox, Received, Receiver
from relaydesk.testing import MovableClock

# -- mail -------------------------------------------------------------------------------------


@pytest.fixture
def mailbox(settings) -> Iterator[Mailbox]:
    """A real SMTP server on loopback, and Django's email pointed at it."""
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.RELAYDESK_BASE_URL = "https://desk.example.com"
    yield handler
    controller.stop()


# -- webhooks ---------------------------------------------------------------------------------


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if state.delays:
                time.sleep(state.delays.pop(0))
            status = state.statuses.pop(0) if state.statuses else 200
            if status < 300:
                state.received.append(Received(self.path, dict(self.headers), body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/hook"
    settings.RELAYDESK_WEBHOOK_TIMEOUT = 1
    settings.RELAYDESK_WEBHOOK_ALLOW_LOOPBACK = True  # the receiver is on loopback
    settings.RELAYDESK_BASE_URL = "https://desk.example.com"
    yield state
    server.shutdown()
    server.server_close()


# -- the worker -------------------------------------------------------------------------------


@pytest.fixture
def worker(clock: MovableClock) -> Worker:
    """A worker whose first retry waits 30 seconds (then doubling), on the test's clock."""
    return Worker(Tuning(retry_base=timedelta(seconds=30), max_attempts=5), clock=clock)


@pytest.fixture
def grievances(org, catalog) -> Service:
    """A confidential service of Assembly's: seen by its requester, assignee and Lena only."""
    return service_save(
        actor=None,
        spec=ServiceSpec(
            slug="grievances",
            name="Grievances",
            kind="advice",
            calendar=catalog.office,
            provider_team=org.assembly,
            confidential=True,
            promises={"normal": PromiseSpec(60, 480)},
        ),
    )
