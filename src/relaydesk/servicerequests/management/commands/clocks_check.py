"""`relaydesk clocks check`: record the SLA warnings and breaches whose time has come."""

import time

from django.core.management.base import BaseCommand, CommandError

from relaydesk.servicerequests.services import clocks_check


class Command(BaseCommand):
    help = (
        "Record warnings and breaches that are due. Idempotent: run it from cron every minute, "
        "or keep it running with --every SECONDS, until the background worker does it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--every", type=int, help="keep running, checking every N seconds")

    def handle(self, *args, every: int | None, **options) -> None:
        if every is not None and every < 1:
            raise CommandError("--every takes a whole number of seconds, at least 1")
        while True:
            recorded = clocks_check()
            self.stdout.write(f"{recorded} warning(s) and breach(es) recorded")
            if every is None:
                return
            time.sleep(every)
