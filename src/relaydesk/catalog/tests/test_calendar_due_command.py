"""`relaydesk calendar due`, run as people run it: a real process, files and pipes."""

import json
import subprocess
import sys

import pytest

CALENDAR = """\
timezone: Europe/Berlin
hours:
  mon: ["09:00-12:30", "13:30-17:30"]
  tue: ["09:00-17:00"]
  wed: ["09:00-17:00"]
  thu: ["09:00-17:00"]
  fri: ["09:00-17:00"]
holidays: {country: DE, subdivision: BY}
closures:
  - date: 2026-12-24
"""


def relaydesk(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "relaydesk", "calendar", "due", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def calendar_file(tmp_path):
    path = tmp_path / "plant.yaml"
    path.write_text(CALENDAR)
    return str(path)


def test_it_prints_when_a_promise_falls_due(calendar_file):
    result = relaydesk(
        "--calendar", calendar_file, "--start", "2026-12-23T16:00+01:00", "--minutes", "120"
    )

    # An hour on the 23rd; the 24th is closed, the 25th and 26th are holidays, then a weekend.
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2026-12-28T10:00:00+01:00"


def test_a_promise_that_runs_out_at_closing_is_due_at_closing(calendar_file):
    result = relaydesk(
        "--calendar", calendar_file, "--start", "2026-11-23T15:30:00Z", "--minutes", "60"
    )

    assert result.stdout.strip() == "2026-11-23T17:30:00+01:00"


def test_jsonl_answers_line_for_line_and_names_bad_lines(calendar_file):
    lines = [
        {"start": "2026-11-23T08:00:00+01:00", "minutes": 30},
        {"start": "2026-11-23T08:00:00", "minutes": 30},
        {"start": "2026-11-23T08:00:00+01:00", "minutes": -5},
    ]
    stdin = "\n".join(json.dumps(line) for line in lines) + "\nnot json\n"

    result = relaydesk("--calendar", calendar_file, "--jsonl", stdin=stdin)

    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert answers[0] == {"due": "2026-11-23T09:30:00+01:00"}
    assert answers[1]["error"].startswith("line 2: start: '2026-11-23T08:00:00' has no offset")
    assert answers[2]["error"].startswith("line 3: minutes: expected a whole number")
    assert answers[3]["error"].startswith("line 4: not a JSON object")
    assert result.returncode == 1


def test_a_bad_calendar_file_is_refused_with_its_fields(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("timezone: Mars/Olympus\nhours: {mon: ['17:00-09:00']}\n")

    result = relaydesk("--calendar", str(path), "--start", "2026-11-23T08:00Z", "--minutes", "1")

    assert result.returncode == 1
    assert "timezone" in result.stderr and "hours.mon[0]" in result.stderr


def test_a_missing_file_or_argument_is_a_clear_error(tmp_path, calendar_file):
    missing = relaydesk("--calendar", str(tmp_path / "nope.yaml"), "--jsonl")
    no_start = relaydesk("--calendar", calendar_file, "--minutes", "5")

    assert missing.returncode == 1 and "nope.yaml" in missing.stderr
    assert no_start.returncode == 1 and "give --start and --minutes, or --jsonl" in no_start.stderr
