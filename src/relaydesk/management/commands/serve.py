"""`relaydesk serve`: the production web server (gunicorn), static files served by the app."""

import socket
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from gunicorn.app.base import BaseApplication


class RelaydeskServer(BaseApplication):
    def __init__(self, options: dict[str, Any]):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from relaydesk.wsgi import application

        return application


class Command(BaseCommand):
    help = (
        "Serve Relaydesk with a production-grade server (gunicorn). In production run "
        "`relaydesk worker` beside it, as its own service (one or more; several share the "
        "work on PostgreSQL): it sends the notifications, webhooks and digests and checks "
        "the SLA clocks. `relaydesk demo` starts one for you."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=settings.WEB_WORKERS)

    def handle(self, *args, host: str, port: int, workers: int, **options) -> None:
        if port_taken(host, port):
            # Said before anything else, rather than "serving at …" and then gunicorn's trace.
            self.stderr.write(
                f"Port {port} on {host} is in use by another program: choose another with "
                f"--port (e.g. `relaydesk serve --port {port + 10}`, or "
                f"`make demo PORT={port + 10}`)."
            )
            raise SystemExit(1)
        self.check(display_num_errors=False)
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stderr.write("The database is not up to date: run `relaydesk migrate` first.")
            raise SystemExit(1)
        connection.close()
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Relaydesk is serving at http://{host}:{port}/ (Ctrl-C stops it)")
        server_options = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": settings.WEB_THREADS,
            "timeout": 30,
            # No runtime control socket: it is one fixed path shared by every server on the host.
            "control_socket_disable": True,
        }
        if settings.DEBUG:
            server_options["accesslog"] = "-"
        RelaydeskServer(server_options).run()


def port_taken(host: str, port: int) -> bool:
    """Whether something already listens on (host, port), found by trying to bind it."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            # As gunicorn binds: a port left in TIME_WAIT by a server just stopped is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError:
        return True
    return False
