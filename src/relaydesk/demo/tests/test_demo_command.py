"""`relaydesk demo --people N --requests M`: an organisation of any size, and a build that
survives being stopped."""

import json
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F

from relaydesk.demo import history, rows
from relaydesk.demo.models import DemoBuild
from relaydesk.demo.organisation import DOMAIN
from relaydesk.demo.story import DEMO_PASSWORD
from relaydesk.demo.tests.test_activity import _digest
from relaydesk.directory.models import Person
from relaydesk.servicerequests.models import Request
from relaydesk.testing import fresh_database, relaydesk_on

SMALL = ["--no-serve", "--people", "60", "--requests", "500", "--seed", "5"]


def _demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_builds_an_organisation_of_the_size_asked_with_its_history(db):
    output = _demo(*SMALL)

    assert Person.objects.count() == 60
    assert Person.objects.filter(email__endswith=f"@{DOMAIN}").count() == 60
    assert Request.objects.count() == 500
    assert "requests: 500 of 500 (100%)" in output  # the progress line
    build = DemoBuild.objects.get()
    assert build.finished and build.requests_done == 500 and build.people == 60


def test_it_prints_accounts_of_the_scaled_organisation_that_can_sign_in(db):
    output = _demo(*SMALL)
    accounts = output.split("the password is")[1].splitlines()[1:]
    emails = [line.split()[0] for line in accounts if line.strip()]

    assert len(emails) == 3
    assert "admin" in accounts[0] and "team lead" in accounts[1] and "member" in accounts[2]
    for email in emails:
        assert Person.objects.get(email=email).check_password(DEMO_PASSWORD)
    assert Person.objects.get(email=emails[0]).is_admin


def test_a_finished_build_is_served_as_it_is(db):
    _demo(*SMALL)

    again = _demo("--no-serve", "--people", "80", "--requests", "9")

    assert "already built" in again
    assert Person.objects.count() == 60 and Request.objects.count() == 500


def test_the_default_requests_of_a_scaled_organisation_are_100_per_person(db, monkeypatch):
    monkeypatch.setattr(history, "write_history", lambda *args, **kwargs: history.ActivityBuilt())
    _demo("--no-serve", "--people", "40")

    assert DemoBuild.objects.get().requests == 4000


def test_it_refuses_too_few_people(db):
    with pytest.raises(CommandError, match="at least 40"):
        _demo("--no-serve", "--people", "39")


# -- stopped and resumed ---------------------------------------------------------------------------


class Crash(Exception):
    pass


def _crash_on_day(monkeypatch, day: int) -> None:
    """Make the writer fail on its `day`-th day, half-way through writing it."""
    write, calls = rows.Writer.write, []

    def failing(self, day_rows):
        calls.append(day_rows)
        if len(calls) == day:
            write(self, rows.Rows(day_rows.vendor, day_rows.tables[:1]))  # the requests only
            raise Crash
        write(self, day_rows)

    monkeypatch.setattr(rows.Writer, "write", failing)


def _holds_whole_days_only(build: DemoBuild) -> None:
    assert Request.objects.count() == build.requests_done
    incomplete = Request.objects.annotate(n=Count("events")).exclude(n=F("last_event_seq"))
    assert not incomplete.exists()


def test_a_stopped_build_holds_whole_days_and_resumes_to_the_same_history(db, monkeypatch):
    _demo(*SMALL)
    uninterrupted = _digest(Request.objects.all())
    Request.objects.all().delete()
    DemoBuild.objects.update(days_done=0, requests_done=0, finished_at=None)

    with monkeypatch.context() as patch:
        _crash_on_day(patch, 40)
        with pytest.raises(Crash):
            _demo(*SMALL)
    stopped = DemoBuild.objects.get()
    _holds_whole_days_only(stopped)
    assert 0 < stopped.requests_done < 500 and not stopped.finished

    output = _demo(*SMALL)

    assert "Resuming the stopped build" in output
    assert DemoBuild.objects.get().finished
    assert _digest(Request.objects.all()) == uninterrupted


def test_a_stopped_large_build_puts_its_indexes_back_when_it_resumes(db, monkeypatch):
    monkeypatch.setattr(history, "LARGE", 100)  # large enough to set indexes aside
    before = _indexes_and_foreign_keys()

    with monkeypatch.context() as patch:
        _crash_on_day(patch, 40)
        with pytest.raises(Crash):
            _demo(*SMALL, "--workers", "2")
    stopped = DemoBuild.objects.get()
    _holds_whole_days_only(stopped)
    assert stopped.set_aside
    assert _indexes_and_foreign_keys() < before

    _demo(*SMALL, "--workers", "2")

    finished = DemoBuild.objects.get()
    assert finished.finished and not finished.set_aside
    assert Request.objects.count() == 500
    assert _indexes_and_foreign_keys() == before


def _indexes_and_foreign_keys() -> set[tuple[str, str]]:
    found = set()
    with connection.cursor() as cursor:
        for table in rows._history_tables():
            for name, c in connection.introspection.get_constraints(cursor, table).items():
                if c["index"] or c["foreign_key"]:
                    found.add((table, name))
    return found


def test_a_stopped_build_is_resumed_only_with_its_own_size_and_seed(db, monkeypatch):
    with monkeypatch.context() as patch:
        _crash_on_day(patch, 10)
        with pytest.raises(Crash):
            _demo(*SMALL)

    with pytest.raises(CommandError, match="--people 60 --requests 500 --seed 5"):
        _demo("--no-serve", "--people", "60", "--requests", "800", "--seed", "5")
    assert "Resuming" in _demo("--no-serve")  # no options: this build, whatever it is


def test_a_database_that_does_not_match_its_build_is_not_resumed(db, monkeypatch):
    with monkeypatch.context() as patch:
        _crash_on_day(patch, 10)
        with pytest.raises(Crash):
            _demo(*SMALL)
    Request.objects.order_by("-pk")[:1].get().delete()

    with pytest.raises(CommandError, match="cannot be resumed"):
        _demo(*SMALL)


# -- the same requests on every run ---------------------------------------------------------------

NOW = "2026-11-02T09:00+01:00"


def _requests_built(database: str, *demo: str) -> list[dict]:
    relaydesk_on(database, "demo", "--no-serve", *demo)
    dumped = relaydesk_on(database, "dumpdata", "servicerequests.request", "servicerequests.event")
    return json.loads(dumped.stdout)


def test_the_same_seed_and_now_build_the_same_requests_in_two_databases(db):
    demo = ("--people", "40", "--requests", "120", "--seed", "3", "--now", NOW)
    with fresh_database(connection.settings_dict, "demo_a") as first:
        built = _requests_built(first, *demo)
    with fresh_database(connection.settings_dict, "demo_b") as second:
        again = _requests_built(second, *demo)

    requests = [row["fields"] for row in built if row["model"] == "servicerequests.request"]
    assert len(requests) == 120
    # The history ends at --now, wherever and whenever it is built.
    latest = max(datetime.fromisoformat(fields["created_at"]) for fields in requests)
    assert datetime.fromisoformat(NOW) - timedelta(days=30) < latest <= datetime.fromisoformat(NOW)
    assert len({fields["status"] for fields in requests}) > 1
    assert again == built  # titles, times, statuses, clocks and every event


def test_a_now_without_an_offset_is_refused_naming_the_option(db):
    with fresh_database(connection.settings_dict, "demo_a") as database:
        refused = relaydesk_on(
            database, "demo", "--no-serve", "--now", "2026-11-02T09:00", check=False
        )
        typo = relaydesk_on(database, "demo", "--no-serve", "--now", "next monday", check=False)

    for answer in (refused, typo):
        assert answer.returncode == 1
        assert answer.stderr.count("\n") == 1 and "--now must be a date and time" in answer.stderr
    assert "'next monday'" in typo.stderr
