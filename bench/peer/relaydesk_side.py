"""The Relaydesk half of bench/peer/compare.py, run in Relaydesk's environment.

    python bench/peer/relaydesk_side.py export DIR     # the dataset as a neutral mirror, and
                                                       # the subjects the pages are timed for
    python bench/peer/relaydesk_side.py queries JSON   # SQL queries of [[person id, path], ...]

The mirror lets the peer be loaded with the same people, teams, requests and timelines, so the
two are timed on the same data rather than on two invented ones.
"""

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relaydesk.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from relaydesk.demo.story import DEMO_PASSWORD  # noqa: E402
from relaydesk.directory.models import Person, Team  # noqa: E402
from relaydesk.directory.selectors import teams_led_by  # noqa: E402
from relaydesk.servicerequests.models import OPEN_STATUSES, Event, Request  # noqa: E402

BATCH = 2000


def visible_teams(person: Person) -> set[int]:
    """The teams whose queues a person sees: their own and those they lead."""
    return {person.team_id} - {None} | teams_led_by(person)


def subjects() -> dict:
    """What a busy person opens all day, chosen the way bench/pages.py chooses it."""
    open_assigned = Request.objects.filter(status__in=OPEN_STATUSES, assignee__isnull=False)
    busiest = open_assigned.values("assignee").annotate(n=Count("id")).order_by("-n", "assignee")[0]
    longest = (
        Request.objects.filter(assignee__isnull=False).order_by("-last_event_seq", "id").first()
    )
    teams = (
        Team.objects.filter(lead__isnull=False)
        .select_related("lead")
        .annotate(n=Count("queue", filter=Q(queue__status__in=OPEN_STATUSES)))
        .order_by("-n", "id")
    )
    # Preferably a lead who sees no other team's queue, so the peer's dashboard, which covers
    # every queue its user may see, covers the same requests as this one team queue.
    team = next((t for t in teams if visible_teams(t.lead) == {t.pk}), teams[0])
    return {
        "queue": {"person": busiest["assignee"], "open": busiest["n"]},
        "request": {
            "person": longest.assignee_id,
            "id": longest.pk,
            "events": longest.events.count(),
        },
        "team": {
            "person": team.lead_id,
            "id": team.pk,
            "name": team.name,
            "open": team.n,
            "all": team.queue.count(),
        },
    }


def _event(kind: str, actor: int | None, at, data: dict, names: dict, teams: dict) -> list:
    """[at, actor, title, text, public, [field, old, new] or None]."""
    text = data.get("body") or data.get("message") or ""
    change = None
    if kind == "status":
        change = ["status", data.get("from"), data.get("to")]
    elif kind == "assigned":
        change = ["assignee", names.get(data.get("from"), ""), data.get("to_name") or ""]
    elif kind == "transferred":
        change = ["team", data.get("from_holder") or "", teams.get(data.get("to_team"), "")]
    return [at.isoformat(), actor, Event.Kind(kind).label, text, kind != "note", change]


def export(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    names = dict(Person.objects.values_list("id", "name"))
    teams = dict(Team.objects.values_list("id", "name"))
    people = [
        [p.pk, p.email, p.name, p.is_admin, sorted(visible_teams(p))]
        for p in Person.objects.order_by("id")
    ]
    fields = (
        "id",
        "provider_team_id",
        "assignee_id",
        "requester_id",
        "status",
        "priority",
        "title",
        "details",
        "created_at",
        "resolution_due_at",
    )
    count = 0
    with (out / "requests.jsonl").open("w") as lines:
        last_id = 0
        while batch := list(
            Request.objects.filter(id__gt=last_id).order_by("id").values_list(*fields)[:BATCH]
        ):
            last_id = batch[-1][0]
            timelines: dict[int, list] = {}
            for request_id, kind, actor, at, data in (
                Event.objects.filter(request_id__gte=batch[0][0], request_id__lte=last_id)
                .order_by("request_id", "seq")
                .values_list("request_id", "kind", "actor_id", "at", "data")
            ):
                timelines.setdefault(request_id, []).append(
                    _event(kind, actor, at, data, names, teams)
                )
            for pk, team, assignee, requester, status, priority, title, details, at, due in batch:
                row = [pk, team, assignee, requester, status, priority, title, details]
                row += [at.isoformat(), due.isoformat() if due else None, timelines.get(pk, [])]
                lines.write(json.dumps(row, separators=(",", ":")) + "\n")
            count += len(batch)
    summary = {
        "password": DEMO_PASSWORD,
        "people": people,
        "teams": sorted(teams.items()),
        "requests": count,
        "events": Event.objects.count(),
        "subjects": subjects(),
        "database": connection.vendor,
    }
    (out / "relaydesk.json").write_text(json.dumps(summary, indent=1))


def queries(pages: list[list]) -> list[int]:
    setup_test_environment()
    counts = []
    for person_id, path in pages:
        client = Client()
        client.force_login(Person.objects.get(pk=person_id))
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts.append(len(captured))
    return counts


if __name__ == "__main__":
    if sys.argv[1:2] == ["export"]:
        export(Path(sys.argv[2]))
    elif sys.argv[1:2] == ["queries"]:
        print(json.dumps(queries(json.loads(sys.argv[2]))))
    else:
        raise SystemExit(__doc__)
