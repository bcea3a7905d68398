"""`relaydesk report chains`: every chain to an external party, with its reliability."""

from django.core.management.base import BaseCommand

from relaydesk.chains import presenters, selectors
from relaydesk.reports import (
    add_common_arguments,
    percent,
    window,
    write_csv,
    write_json,
    write_table,
)

COLUMNS = ("reliability", "weakest link", "weakest on time", "weakest n", "chain")


class Command(BaseCommand):
    help = (
        "The organisation's chains to external parties: each link's on-time rate over the "
        "window (with its n), the chain's end-to-end estimate and its weakest link."
    )

    def add_arguments(self, parser) -> None:
        add_common_arguments(parser)

    def handle(self, *args, format: str, days: str, **_):
        found, names = selectors.organisation_chains(days=window(days))
        payload = [
            presenters.chain_payload(selectors.chain_row(chain, names), names) for chain in found
        ]
        if format == "json":
            write_json(self.stdout, payload)
            return
        rows = []
        for chain in payload:
            weakest = chain["weakest"] or {"on_time_rate": None, "n": ""}
            rows.append(
                [
                    percent(chain["reliability"]),
                    f"{weakest['supplier']} → {weakest['customer']}" if chain["weakest"] else "",
                    percent(weakest["on_time_rate"]),
                    weakest["n"],
                    " → ".join(chain["nodes"]),
                ]
            )
        (write_csv if format == "csv" else write_table)(self.stdout, COLUMNS, rows)
