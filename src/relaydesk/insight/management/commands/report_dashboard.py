"""`relaydesk report dashboard (--person EMAIL | --team PATH | --service SLUG | --org)`: the
figures of a dashboard, as its page shows them, as a table, JSON or CSV."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from relaydesk.catalog.models import Service
from relaydesk.core.rollups import PERIODS, period_of
from relaydesk.insight import presenters, selectors
from relaydesk.reports import (
    FORMATS,
    person_named,
    team_named,
    write_csv,
    write_json,
    write_table,
)


def _period(value: str):
    """7d, 30d, 90d, 365d, quarter, or a custom range of days FIRST..LAST."""
    first, _, last = value.partition("..")
    try:
        if last:
            return period_of(
                "custom", timezone.now().date(), date.fromisoformat(first), date.fromisoformat(last)
            )
        return period_of(value, timezone.now().date())
    except ValueError as invalid:
        raise CommandError(f"--period: {invalid}") from None


class Command(BaseCommand):
    help = (
        "A dashboard's figures over a period: volume, first response and resolution business "
        "time (median and 90th percentile, in minutes), on-time and early rates, the parity "
        "index, the backlog now with its age, satisfaction and effort over closed quarters "
        "(hidden under k) and kudos, each with its n and the previous period beside it; then "
        "the trend and the drill-down. CSV prints one table (--table)."
    )

    def add_arguments(self, parser) -> None:
        subject = parser.add_mutually_exclusive_group(required=True)
        subject.add_argument("--person", metavar="EMAIL")
        subject.add_argument("--team", metavar="PATH")
        subject.add_argument("--service", metavar="SLUG")
        subject.add_argument("--org", action="store_true")
        parser.add_argument(
            "--period",
            default="30d",
            help=f"{', '.join(PERIODS)}, quarter, or FIRST..LAST days (default 30d)",
        )
        parser.add_argument("--format", choices=FORMATS, default="table")
        parser.add_argument("--table", choices=presenters.TABLES, default="figures")

    def handle(self, *args, person, team, service, org, period, format, table, **_) -> None:
        board = selectors.dashboard(
            scope=self._scope(person, team, service), period=_period(period)
        )
        if format == "csv":
            header, rows = presenters.table(board, table)
            write_csv(self.stdout, header, list(rows))
        elif format == "json":
            tables = {}
            for name in presenters.TABLES:
                header, rows = presenters.table(board, name)
                tables[name] = [dict(zip(header, row, strict=True)) for row in rows]
            write_json(
                self.stdout,
                {
                    "scope": {"kind": board.scope.kind, "name": board.scope.title},
                    "period": {"first": board.period.start.isoformat(), "days": board.period.days},
                    **tables,
                },
            )
        else:
            self.stdout.write(f"{board.scope.title}, {board.period.label} (UTC days).\n\n")
            for name in presenters.TABLES:
                header, rows = presenters.table(board, name)
                rows = list(rows)
                if rows:
                    write_table(self.stdout, header, rows)
                    self.stdout.write("\n")

    def _scope(self, person, team, service) -> selectors.Scope:
        if person is not None:
            return selectors.person_scope(person_named(person))
        if team is not None:
            return selectors.team_scope(team_named(team))
        if service is not None:
            found = Service.objects.filter(slug=service).first()
            if found is None:
                raise CommandError(f"--service: no service has the slug {service!r}")
            return selectors.service_scope(found)
        return selectors.org_scope()
