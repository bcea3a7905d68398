"""`relaydesk report customers (--person EMAIL | --team PATH)`: who depends on that work."""

from django.core.management.base import BaseCommand

from relaydesk.chains import presenters, selectors
from relaydesk.reports import (
    add_common_arguments,
    person_named,
    team_named,
    window,
    write_csv,
    write_json,
    write_table,
)

DIRECT = ("kind", "name", "declared", "observed")


class Command(BaseCommand):
    help = (
        "Who depends on a person's or a team's work: direct customers (declared and observed, "
        "with volumes), the chains to external parties and the headline. A team is named by its "
        "path (Plant / Assembly) or by its last part when that is unique. CSV lists the direct "
        "customers."
    )

    def add_arguments(self, parser) -> None:
        subject = parser.add_mutually_exclusive_group(required=True)
        subject.add_argument("--person", metavar="EMAIL")
        subject.add_argument("--team", metavar="PATH")
        add_common_arguments(parser)

    def handle(self, *args, person: str | None, team: str | None, format: str, days: str, **_):
        days = window(days)
        subject = person_named(person) if person is not None else team_named(team)
        payload = presenters.customers_payload(selectors.customer_map(subject=subject, days=days))
        rows = [[d[column] for column in DIRECT] for d in payload["direct"]]
        if format == "json":
            write_json(self.stdout, payload)
        elif format == "csv":
            write_csv(self.stdout, DIRECT, rows)
        else:
            self.stdout.write(
                f"{payload['colleagues']} colleagues and {payload['external']} external "
                f"customers depend on {subject.name}'s work (last {days} days).\n"
            )
            write_table(self.stdout, DIRECT, rows)
            for chain in payload["chains"]:
                self.stdout.write(" → ".join(chain) + "\n")
