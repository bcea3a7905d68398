"""`relaydesk rollups rebuild`: recompute every dashboard rollup from the requests."""

import time

from django.core.management.base import BaseCommand

from relaydesk.insight.services import rollups_rebuild


class Command(BaseCommand):
    help = "Recompute every dashboard rollup from the requests (the worker keeps them after)."

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        kept = rollups_rebuild()
        took = time.perf_counter() - started
        self.stdout.write(f"Rebuilt {kept:,} rollups (service, team, day) in {took:.1f} s.")
