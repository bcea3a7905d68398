"""`relaydesk worker`: the background worker that sends notifications and runs periodic jobs."""

from django.core.management.base import BaseCommand, CommandError

from relaydesk.events.registry import PERIODIC, SUBSCRIPTIONS
from relaydesk.events.services import parked_retry
from relaydesk.events.worker import Worker


class Command(BaseCommand):
    help = (
        "Run the background worker: it handles the outbox's events (notifications, webhooks, "
        "clocks re-based after a calendar edit) and the periodic jobs (the SLA clock checker, "
        "the weekly digest). Run one or more beside the web server; several share the work "
        "safely on PostgreSQL. SIGTERM finishes the event in hand, then stops."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--poll", type=float, default=1.0, help="seconds to wait when nothing is due"
        )
        parser.add_argument(
            "--until-idle",
            action="store_true",
            help="handle what is due now (periodic jobs included), then stop",
        )
        parser.add_argument(
            "--retry-parked",
            action="store_true",
            help="put every parked event back in line, then stop",
        )

    def handle(self, *args, poll: float, until_idle: bool, retry_parked: bool, **options) -> None:
        if not 0.05 <= poll <= 3600:
            raise CommandError("--poll takes seconds between 0.05 and 3600")
        if retry_parked:
            count = parked_retry(actor=None)
            self.stdout.write(f"{count} parked event(s) put back in line")
            return
        worker = Worker()
        if until_idle:
            worker.run_periodic()
            handled = worker.run_until_idle()
            self.stdout.write(f"{handled} event(s) handled")
            return
        worker.stop_on_signals()
        self.stdout.write(
            f"Relaydesk worker: {len(SUBSCRIPTIONS)} handler(s), "
            f"{len(PERIODIC)} periodic job(s); SIGTERM or Ctrl-C stops it",
        )
        self.stdout.flush()
        worker.run_forever(poll=poll)
