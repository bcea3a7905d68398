import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from relaydesk.cli import command_line
from relaydesk.directory.models import Person


def test_two_word_commands_map_to_their_django_commands():
    assert command_line(["import", "people", "x.csv"]) == ["import_people", "x.csv"]
    assert command_line(["migrate", "--plan"]) == ["migrate", "--plan"]


def test_an_unknown_second_word_is_not_guessed():
    assert command_line(["import", "widgets"]) is None
    assert command_line(["import"]) is None


def run_relaydesk(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "relaydesk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_console_command_explains_itself():
    result = run_relaydesk()

    assert result.returncode == 0
    assert "import people FILE.csv" in result.stdout


def test_the_console_command_refuses_an_unknown_subcommand():
    result = run_relaydesk("import", "widgets")

    assert result.returncode == 2
    assert "usage: relaydesk" in result.stdout


def test_createadmin_creates_an_admin_with_a_hashed_password(db, monkeypatch):
    monkeypatch.setattr("sys.stdin", _Stdin("a-long-unguessable-password\n"))

    call_command("createadmin", "Root@Kestrel.example", "--name", "Rita Root")

    admin = Person.objects.get(email="root@kestrel.example")
    assert admin.is_admin and admin.name == "Rita Root"
    assert admin.check_password("a-long-unguessable-password")


def test_createadmin_promotes_an_existing_person(org, monkeypatch):
    monkeypatch.setattr("sys.stdin", _Stdin("another-long-password\n"))

    call_command("createadmin", org.member.email)

    org.member.refresh_from_db()
    assert org.member.is_admin and org.member.name == "Max Member"


def test_createadmin_refuses_a_weak_password(db, monkeypatch):
    monkeypatch.setattr("sys.stdin", _Stdin("12345\n"))

    with pytest.raises(CommandError, match="password: This password is too short"):
        call_command("createadmin", "root@kestrel.example")

    assert not Person.objects.exists()


def test_createadmin_refuses_a_bad_email(db):
    with pytest.raises(CommandError, match="'not-an-email' is not an email address"):
        call_command("createadmin", "not-an-email")


class _Stdin:
    """Standard input that is a pipe, not a terminal, as in a script."""

    def __init__(self, text: str):
        self._lines = iter(text.splitlines(keepends=True))

    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        return next(self._lines, "")
