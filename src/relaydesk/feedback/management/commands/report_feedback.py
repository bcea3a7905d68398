"""`relaydesk report feedback (--team PATH | --service SLUG)`: how a team's or a service's
customers rated it, each figure suppressed as on the team's feedback page."""

from django.core.management.base import BaseCommand, CommandError

from relaydesk.catalog.models import Service
from relaydesk.chains.management.commands._report import (
    FORMATS,
    write_csv,
    write_json,
    write_table,
)
from relaydesk.chains.selectors import team_by_path
from relaydesk.errors import NotFound
from relaydesk.feedback import selectors

COLUMNS = ("group", "n", "satisfied", "low", "high", "easy")


def _row(group: str, figures: selectors.Figures) -> dict:
    if figures.satisfaction is None:
        return {
            "group": group,
            "n": figures.n,
            "satisfied": None,
            "low": None,
            "high": None,
            "easy": None,
        }
    return {
        "group": group,
        "n": figures.n,
        "satisfied": round(figures.satisfaction.value, 4),
        "low": round(figures.satisfaction.low, 4),
        "high": round(figures.satisfaction.high, 4),
        "easy": round(figures.ease.value, 4),
    }


class Command(BaseCommand):
    help = (
        "Satisfaction (share of 4-5, with its 95 %% Wilson interval and n) and effort (share "
        "of 5-7 on 'they made it easy for me') over closed quarters, for a team (by its path) "
        "or a service (by its slug). A group under the minimum group size k is shown as "
        "hidden, and so is the next smallest, as on the team's feedback page."
    )

    def add_arguments(self, parser) -> None:
        subject = parser.add_mutually_exclusive_group(required=True)
        subject.add_argument("--team", metavar="PATH")
        subject.add_argument("--service", metavar="SLUG")
        parser.add_argument("--format", choices=FORMATS, default="table")

    def handle(self, *args, team: str | None, service: str | None, format: str, **_) -> None:
        if team is not None:
            try:
                subject = team_by_path(team)
            except NotFound as unknown:
                raise CommandError(str(unknown)) from None
            fb = selectors.team_feedback(team=subject)
            rows = [_row(name, whole) for name, _, whole in fb.rows]
            rows.append(_row("all services", fb.total))
        else:
            found = Service.objects.select_related("provider_team").filter(slug=service).first()
            if found is None:
                raise CommandError(f"no service has the slug {service!r}")
            if found.provider_team is None:
                raise CommandError("feedback is reported by providing team; this service has none")
            fb = selectors.team_feedback(team=found.provider_team)
            rows = [_row(name, whole) for name, _, whole in fb.rows if name == found.name]
            rows = rows or [_row(found.name, selectors.Figures(n=0, satisfaction=None, ease=None))]
        if format == "json":
            write_json(self.stdout, {"k": fb.k, "quarters": fb.quarters, "groups": rows})
        elif format == "csv":
            write_csv(self.stdout, COLUMNS, [[row[c] for c in COLUMNS] for row in rows])
        else:
            self.stdout.write(
                f"Closed quarters {', '.join(fb.quarters) or 'none yet'}; k={fb.k}.\n"
            )
            shown = [
                [
                    row["group"],
                    row["n"],
                    *(
                        ("hidden",) * 4
                        if row["satisfied"] is None
                        else (
                            f"{row['satisfied']:.0%}",
                            f"{row['low']:.0%}",
                            f"{row['high']:.0%}",
                            f"{row['easy']:.0%}",
                        )
                    ),
                ]
                for row in rows
            ]
            write_table(self.stdout, COLUMNS, shown)
