"""`relaydesk serve`: the production web server (gunicorn), static files served by the app."""

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
            "threads": 4,
            "timeout": 30,
            # No runtime control socket: it is one fixed path shared by every server on the host.
            "control_socket_disable": True,
        }
        if settings.DEBUG:
            server_options["accesslog"] = "-"
        RelaydeskServer(server_options).run()
