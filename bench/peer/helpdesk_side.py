"""The django-helpdesk half of bench/peer/compare.py, run in the peer's throwaway environment.

    python helpdesk_side.py seed DIR        # load the mirror relaydesk_side.py exported to DIR
    python helpdesk_side.py queries JSON    # SQL queries of [[user id, path, ...], ...]

Relaydesk's teams become queues, its people staff users (same ids, same password) who may
see the queues of their own team and of the teams they lead, its requests tickets (same ids)
and every event on a request's timeline one follow-up, with a ticket change where the event
changed the status, the assignee or the team. Rows go in with bulk inserts.
"""

import json
import os
import sys
import uuid
from datetime import datetime
from itertools import islice
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Permission, User  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils.text import slugify  # noqa: E402
from helpdesk.models import (  # noqa: E402
    FollowUp,
    Queue,
    Ticket,
    TicketChange,
    UserSettings,
)

BATCH = 2000
OPEN = {"new", "acknowledged", "in_progress", "waiting_on_requester"}
PRIORITY = {"urgent": 1, "high": 2, "normal": 3, "low": 4}
TICKET_COLUMNS = (
    "id",
    "title",
    "queue",
    "created",
    "modified",
    "submitter_email",
    "assigned_to",
    "status",
    "on_hold",
    "description",
    "priority",
    "due_date",
    "secret_key",
)
FOLLOWUP_COLUMNS = ("id", "ticket", "date", "title", "comment", "public", "user", "new_status")


def status_of(status: str, reopened: bool = False) -> int:
    if status not in OPEN:
        return Ticket.CLOSED_STATUS
    return Ticket.REOPENED_STATUS if reopened else Ticket.OPEN_STATUS


def seed_people(summary: dict) -> dict[int | None, int]:
    """Users and queues; returns the queue id of each team id."""
    password = make_password(summary["password"])
    users, settings = [], []
    for pk, email, name, is_admin, _ in summary["people"]:
        first, _, last = name.partition(" ")
        users.append(
            User(
                id=pk,
                username=email,
                email=email,
                first_name=first,
                last_name=last,
                password=password,
                is_staff=True,
                is_superuser=is_admin,
            )
        )
        settings.append(UserSettings(user_id=pk))
    User.objects.bulk_create(users)
    UserSettings.objects.bulk_create(settings)
    queues: dict[int | None, Queue] = {}
    for pk, name in [*summary["teams"], [None, "Personal requests"]]:
        # One by one, without an id: that is when saving a queue creates its permission.
        queues[pk] = Queue(title=name, slug=f"{slugify(name)[:40]}-{pk}")
        queues[pk].save()
    permission = dict(Permission.objects.values_list("codename", "pk"))
    grants = [
        User.user_permissions.through(
            user_id=pk,
            permission_id=permission[queues[team].permission_name.removeprefix("helpdesk.")],
        )
        for pk, _, _, _, visible in summary["people"]
        for team in visible
    ]
    User.user_permissions.through.objects.bulk_create(grants)
    return {team: queue.pk for team, queue in queues.items()}


def insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Plain multi-row INSERTs: the ORM's bulk_create spends most of its time per value."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})", rows
        )


def seed_tickets(lines, emails: dict[int, str], queues: dict) -> tuple[int, int]:
    def moment(text: str | None):
        return (
            connection.ops.adapt_datetimefield_value(datetime.fromisoformat(text)) if text else None
        )

    labels = {value: str(label) for value, label in Ticket.STATUS_CHOICES}
    followup_id = tickets = 0
    while batch := list(islice(lines, BATCH)):
        ticket_rows, followups, changes = [], [], []
        for line in batch:
            pk, team, assignee, requester, status, priority, title, details, at, due, events = (
                json.loads(line)
            )
            current = Ticket.OPEN_STATUS
            for when, actor, label, text, public, change in events:
                followup_id += 1
                new_status = None
                if change and change[0] == "status":
                    # Open again after being closed is Reopened, until it is closed again.
                    reopened = current in {Ticket.CLOSED_STATUS, Ticket.REOPENED_STATUS}
                    new_status = status_of(change[2], reopened)
                    if new_status == current:  # new -> acknowledged: both are Open here
                        change = new_status = None
                    else:
                        change = ["Status", labels[current], labels[new_status]]
                        current = new_status
                elif change:
                    change = [{"assignee": "Owner", "team": "Queue"}[change[0]], *change[1:]]
                followups.append(
                    (followup_id, pk, moment(when), label, text, public, actor, new_status)
                )
                if change:
                    changes.append((followup_id, *change))
            ticket_rows.append(
                (
                    pk,
                    title,
                    queues[team],
                    moment(at),
                    moment(events[-1][0] if events else at),
                    emails[requester],
                    assignee,
                    current,
                    status == "waiting_on_requester",
                    details,
                    PRIORITY[priority],
                    moment(due),
                    str(uuid.uuid4()),
                )
            )
        insert(Ticket, TICKET_COLUMNS, ticket_rows)
        insert(FollowUp, FOLLOWUP_COLUMNS, followups)
        insert(TicketChange, ("followup", "field", "old_value", "new_value"), changes)
        tickets += len(ticket_rows)
    return tickets, followup_id


def seed(directory: Path) -> None:
    summary = json.loads((directory / "relaydesk.json").read_text())
    emails = {pk: email for pk, email, *_ in summary["people"]}
    with transaction.atomic():
        queues = seed_people(summary)
        with (directory / "requests.jsonl").open() as lines:
            tickets, followups = seed_tickets(lines, emails, queues)
    if connection.vendor == "postgresql":  # the ids were given, so move the sequences on
        models = [User, UserSettings, Queue, Ticket, FollowUp, TicketChange]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    print(f"Loaded {tickets:,} tickets with {followups:,} follow-ups into django-helpdesk.")


def queries(pages: list[list]) -> list[int]:
    setup_test_environment()
    counts = []
    for user_id, *paths in pages:
        client = Client()
        client.force_login(User.objects.get(pk=user_id))
        for path in paths:
            client.get(path)
        with CaptureQueriesContext(connection) as captured:
            for path in paths:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
        counts.append(len(captured))
    return counts


if __name__ == "__main__":
    if sys.argv[1:2] == ["seed"]:
        seed(Path(sys.argv[2]))
    elif sys.argv[1:2] == ["queries"]:
        print(json.dumps(queries(json.loads(sys.argv[2]))))
    else:
        raise SystemExit(__doc__)
