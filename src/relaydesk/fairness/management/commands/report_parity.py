"""`relaydesk report parity --team PATH`: who comes last in a team's queue."""

from dataclasses import asdict

from django.core.management.base import BaseCommand

from relaydesk.fairness.selectors import who_comes_last
from relaydesk.reports import (
    add_common_arguments,
    team_named,
    window,
    write_csv,
    write_json,
    write_table,
)
from relaydesk.servicerequests.templatetags.servicerequests import business_time

HEADER = (
    "by",
    "requests",
    "first answer n",
    "first answer median",
    "first answer p90",
    "unanswered",
    "done n",
    "done median",
    "done p90",
    "not done",
)


class Command(BaseCommand):
    help = (
        "How long a team's requesters waited (business time to the first answer and to done, "
        "median and 90th percentile, with n), colleagues vs requests tied to an external "
        "party and by requesting team, and the parity index. A team is named by its path "
        "(Plant / Assembly) or by its last part when that is unique. JSON and CSV give seconds."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--team", metavar="PATH", required=True)
        add_common_arguments(parser)

    def handle(self, *args, team: str, format: str, days: str, **_):
        days = window(days)
        subject = team_named(team)
        report = who_comes_last(team=subject, days=days)
        if format == "json":
            write_json(self.stdout, {"team": subject.name, "days": days, **asdict(report)})
            return
        shown = business_time if format == "table" else (lambda seconds: seconds)
        rows = [
            [by, group.name, *_cells(group.first_response, shown), *_cells(group.resolution, shown)]
            for by, groups in (("class", report.by_class), ("team", report.by_team))
            for group in groups
        ]
        if format == "csv":
            write_csv(self.stdout, HEADER, rows)
            return
        self.stdout.write(f"{subject.name}, last {days} days: {report.sentence}\n")
        write_table(self.stdout, HEADER, rows)


def _cells(figures, shown) -> list:
    return [
        figures.n,
        "" if figures.median is None else shown(figures.median),
        "" if figures.p90 is None else shown(figures.p90),
        figures.still_open,
    ]
