"""`relaydesk report dashboard`: the page's figures at the command line."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from relaydesk.servicerequests.services import request_assign


def report(*args: str) -> str:
    out = io.StringIO()
    call_command("report_dashboard", *args, stdout=out)
    return out.getvalue()


def test_the_team_report_gives_the_figures_with_their_n(org, catalog, served):
    figures = json.loads(
        report("--team", "Plant / Assembly", "--period", "30d", "--format", "json")
    )

    by_name = {row["figure"]: row for row in figures["figures"]}
    assert by_name["requests created"]["value"] == 3
    assert by_name["open now"]["value"] == 1
    assert by_name["resolution on time %"]["value"] == 100.0
    assert by_name["resolution on time %"]["n"] == 2
    assert figures["lines"][0]["service"] == "Wheel fitting"


def test_the_org_report_prints_a_table_and_csv(org, catalog, served):
    assert "requests created" in report("--org")
    rows = list(csv.reader(io.StringIO(report("--org", "--format", "csv", "--table", "lines"))))
    assert rows[1][:2] == ["Plant", "3"]


def test_a_person_report_counts_what_they_hold(org, catalog, served):
    request_assign(actor=org.lead, request_id=served[2].pk, assignee=org.member)

    shown = json.loads(report("--person", org.member.email, "--format", "json"))

    figures = {row["figure"]: row["value"] for row in shown["figures"]}
    assert (figures["requests created"], figures["open now"], figures["requests finished"]) == (
        1,
        1,
        0,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "--period", "fortnight"], "--period"),
        (["--org", "--period", "2026-02-01..2026-01-01"], "before it starts"),
        (["--service", "nope"], "no service"),
        (["--person", "nobody@example.com"], "nobody"),
    ],
)
def test_bad_arguments_are_named(org, args, message):
    with pytest.raises(CommandError, match=message):
        report(*args)
