"""`relaydesk backup FILE` and `relaydesk restore FILE`, on the database the tests run on."""

import json
import os
import threading

from django.core import serializers
from django.db import close_old_connections, connection

from relaydesk.servicerequests.models import Request
from relaydesk.servicerequests.services import request_create
from relaydesk.testing import database_url, fresh_database, relaydesk_on, serving, sign_in

POSTGRESQL = "django.db.backends.postgresql"


class Creating(threading.Thread):
    """Asks for wheels through the services, one committed request after another, until told
    to stop; `committed` holds each request's id once its transaction has committed."""

    def __init__(self, org, catalog):
        super().__init__(daemon=True)
        self.org, self.catalog = org, catalog
        self.committed: list[int] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                created = request_create(
                    requester=self.org.member,
                    service=self.catalog.wheels,
                    title=f"Winter tyres for van {len(self.committed) + 1}",
                    details="Before the first frost, please.",
                )
                self.committed.append(created.pk)
        finally:
            close_old_connections()
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=30)


def _requests_in(database: str) -> dict[int, dict]:
    dumped = relaydesk_on(database, "dumpdata", "servicerequests.request")
    return {row["pk"]: row["fields"] for row in json.loads(dumped.stdout)}


def _as_dumped(ids: list[int]) -> dict[int, dict]:
    rows = json.loads(serializers.serialize("json", Request.objects.filter(pk__in=ids)))
    return {row["pk"]: row["fields"] for row in rows}


def test_a_backup_taken_while_requests_are_made_restores_every_one_committed_before_it(
    org, catalog, transactional_db, browser, tmp_path
):
    live = database_url(connection.settings_dict)
    creating = Creating(org, catalog)
    creating.start()
    try:
        while len(creating.committed) < 5 and creating.is_alive():
            creating.join(timeout=0.05)
        before = list(creating.committed)
        assert len(before) >= 5, "the requests stopped coming"
        relaydesk_on(live, "backup", str(tmp_path / "relaydesk.backup"))
        during = len(creating.committed) - len(before)
    finally:
        creating.stop()
    assert during > 0  # the application went on writing while the backup was taken

    with fresh_database(connection.settings_dict, "restored") as restored:
        relaydesk_on(restored, "restore", str(tmp_path / "relaydesk.backup"))
        found = _requests_in(restored)

        assert {pk: found.get(pk) for pk in before} == _as_dumped(before)
        # Whatever else made it into the backup is whole: a request with all its events.
        events = relaydesk_on(restored, "dumpdata", "servicerequests.event").stdout
        per_request: dict[int, int] = {}
        for row in json.loads(events):
            per_request[row["fields"]["request"]] = per_request.get(row["fields"]["request"], 0) + 1
        assert {pk: per_request.get(pk) for pk in found} == {
            pk: fields["last_event_seq"] for pk, fields in found.items()
        }

        # And Relaydesk runs on it: the requester signs in and reads their request.
        env = os.environ | {"DATABASE_URL": restored}
        with serving(env) as url:
            context = browser.new_context(base_url=url)
            page = context.new_page()
            sign_in(page, org.member)
            page.goto(f"/requests/{before[0]}/")
            heading = page.get_by_role("heading", level=1)
            assert heading.inner_text() == f"#{before[0]} Winter tyres for van 1"
            context.close()


def _one_line_error(answer) -> str:
    assert answer.returncode == 1
    assert answer.stderr.count("\n") == 1, answer.stderr  # no traceback
    return answer.stderr


def _people_in(database: str) -> set[str]:
    dumped = relaydesk_on(database, "dumpdata", "directory.person")
    return {row["fields"]["email"] for row in json.loads(dumped.stdout)}


def test_restore_replaces_a_database_in_use_only_when_forced(org, transactional_db, tmp_path):
    live = database_url(connection.settings_dict)
    relaydesk_on(live, "backup", str(tmp_path / "first.backup"))
    org.member.delete()
    relaydesk_on(live, "backup", str(tmp_path / "second.backup"))

    with fresh_database(connection.settings_dict, "restored") as restored:
        relaydesk_on(restored, "migrate")  # migrated but unused counts as empty
        relaydesk_on(restored, "restore", str(tmp_path / "first.backup"))
        refused = relaydesk_on(restored, "restore", str(tmp_path / "second.backup"), check=False)
        assert "add --force" in _one_line_error(refused)
        assert org.member.email in _people_in(restored)

        relaydesk_on(restored, "restore", "--force", str(tmp_path / "second.backup"))
        assert _people_in(restored) == {org.lead.email, org.outsider.email, org.admin.email}


def test_a_file_that_is_no_backup_is_refused_and_changes_nothing(org, transactional_db, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text("email,name,team\nmax@example.com,Max,Assembly\n")
    live = database_url(connection.settings_dict)

    with fresh_database(connection.settings_dict, "restored") as restored:
        relaydesk_on(restored, "migrate")
        answer = relaydesk_on(restored, "restore", str(people), check=False)
        missing = relaydesk_on(restored, "restore", str(tmp_path / "nothing.backup"), check=False)
        assert _people_in(restored) == set()

    assert "people.csv is not a Relaydesk backup" in _one_line_error(answer)
    assert "cannot read" in _one_line_error(missing)
    assert _people_in(live) == {
        org.member.email,
        org.lead.email,
        org.outsider.email,
        org.admin.email,
    }


def test_a_backup_needs_pg_dump_only_on_postgresql(org, transactional_db, tmp_path):
    live = database_url(connection.settings_dict)
    target = tmp_path / "relaydesk.backup"

    answer = relaydesk_on(live, "backup", str(target), check=False, PATH="/nonexistent")

    if connection.vendor == "postgresql":
        assert "pg_dump is not installed" in _one_line_error(answer)
        assert not target.exists() and not list(tmp_path.iterdir())  # not even half a file
    else:
        assert answer.returncode == 0 and target.read_bytes().startswith(b"SQLite format 3\0")
