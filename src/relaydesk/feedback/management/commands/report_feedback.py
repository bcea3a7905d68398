"""`relaydesk report feedback (--team PATH | --service SLUG)`: how a team's or a service's
customers rated it, each figure suppressed as on the team's feedback page."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from relaydesk.catalog.models import Service
from relaydesk.feedback import selectors
from relaydesk.reports import (
    FORMATS,
    team_named,
    write_csv,
    write_json,
    write_table,
)

COLUMNS = ("group", "n", "satisfied", "low", "high", "easy")


def _survey(team) -> dict | None:
    """The team's latest closed survey as its customers scored it, each figure only from k
    answers on (SPEC §3.5), with the gap to the team's own view when both are shown."""
    latest = (
        selectors.surveys_of(team=team)
        .filter(closes_at__lte=timezone.now())
        .order_by("-closes_at")
        .first()
    )
    if latest is None:
        return None
    results = selectors.survey_results(survey=latest)
    customers = results.customers
    recommend = customers.recommend
    return {
        "title": latest.title,
        "closed": latest.closes_at.date().isoformat(),
        "n": customers.n,
        "shown": customers.shown,
        "dimensions": {item: _rounded(mean) for item, mean in customers.means.items()},
        "recommend": None if recommend is None else round(recommend.score, 1),
        "recommend_margin": None if recommend is None else round(recommend.margin, 1),
        "gap": None if results.gap is None else {k: _rounded(v) for k, v in results.gap.items()},
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _survey_lines(survey: dict | None) -> list[str]:
    if survey is None:
        return ["No survey has closed yet."]
    head = f"Survey {survey['title']!r}, closed {survey['closed']}, {survey['n']} answers"
    if not survey["shown"]:
        return [f"{head}: hidden (fewer than k)."]
    lines = [f"{head}:"]
    for item, mean in survey["dimensions"].items():
        gap = survey["gap"] and survey["gap"].get(item)
        told = f" (the team's own view {gap:+.2f})" if gap is not None else ""
        lines.append(f"  {item}: {mean:.2f} of 7{told}")
    lines.append(
        f"  recommend: {survey['recommend']:+.0f} ± {survey['recommend_margin']:.0f} "
        "(% 9-10 minus % 0-6)"
    )
    return lines


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
        "hidden, and so is the next smallest, as on the team's feedback page. For a team, the "
        "table and JSON also give its latest closed survey: the five dimensions (1-7), the "
        "recommend score with its margin, and the gap to the team's own view."
    )

    def add_arguments(self, parser) -> None:
        subject = parser.add_mutually_exclusive_group(required=True)
        subject.add_argument("--team", metavar="PATH")
        subject.add_argument("--service", metavar="SLUG")
        parser.add_argument("--format", choices=FORMATS, default="table")

    def handle(self, *args, team: str | None, service: str | None, format: str, **_) -> None:
        if team is not None:
            subject = team_named(team)
            fb = selectors.team_feedback(team=subject)
            rows = [_row(name, whole) for name, _, whole in fb.rows]
            rows.append(_row("all services", fb.total))
            survey = _survey(subject)
        else:
            found = Service.objects.select_related("provider_team").filter(slug=service).first()
            if found is None:
                raise CommandError(f"no service has the slug {service!r}")
            if found.provider_team is None:
                raise CommandError("feedback is reported by providing team; this service has none")
            fb = selectors.team_feedback(team=found.provider_team)
            rows = [_row(name, whole) for name, _, whole in fb.rows if name == found.name]
            rows = rows or [_row(found.name, selectors.Figures(n=0, satisfaction=None, ease=None))]
            survey = None  # surveys ask about a team, not one of its services
        if format == "json":
            payload = {"k": fb.k, "quarters": fb.quarters, "groups": rows}
            if team is not None:
                payload["survey"] = survey
            write_json(self.stdout, payload)
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
            if team is not None:
                self.stdout.write("\n".join(["", *_survey_lines(survey)]))
