"""`relaydesk report customers` and `relaydesk report chains`."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from relaydesk.chains.tests.factories import served
from relaydesk.cli import command_line


def report(*args: str) -> str:
    out = StringIO()
    call_command(*command_line(["report", *args]), stdout=out)
    return out.getvalue()


def test_customers_of_a_person_as_json(org, catalog):
    served(catalog.wheels, org.outsider)

    printed = json.loads(
        report("customers", "--person", "MAX.member@example.com", "--format", "json")
    )

    assert (printed["colleagues"], printed["external"]) == (1, 1)
    assert [(d["kind"], d["name"], d["declared"], d["observed"]) for d in printed["direct"]] == [
        ("person", "Olga Outsider", False, 1),
        ("party", "Harbour Motors", True, 0),
    ]
    assert printed["chains"] == [["Max Member", "Assembly", "Harbour Motors"]]


@pytest.mark.parametrize("team", ["Plant / Purchasing", "Purchasing", " Plant/Purchasing "])
def test_a_team_by_its_path_or_its_unique_name(org, catalog, team):
    printed = report("customers", "--team", team)

    assert "2 colleagues and 1 external customers depend on Purchasing's work" in printed
    assert "Purchasing → Assembly → Harbour Motors" in printed


def test_customers_as_csv(org, catalog):
    printed = report("customers", "--team", "Assembly", "--format", "csv")

    assert printed.splitlines() == ["kind,name,declared,observed", "party,Harbour Motors,True,0"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--person", "nobody@example.com"], "no person has the email 'nobody@example.com'"),
        (["--team", "Plant / Paint"], "There is no team 'Plant / Paint'"),
        (["--team", "Assembly", "--days", "0"], "days: The window is 1 to 3660 days, not 0."),
    ],
)
def test_an_unknown_subject_or_a_bad_window_is_refused(org, args, message):
    with pytest.raises(CommandError, match=message):
        report("customers", *args)


def test_organisation_chains_as_json(org, catalog):
    served(catalog.approvals, org.member)
    served(catalog.approvals, org.member, late=True)

    (chain,) = json.loads(report("chains", "--format", "json"))

    assert chain["nodes"] == ["Purchasing", "Assembly", "Harbour Motors"]
    assert chain["links"] == [
        {"supplier": "Purchasing", "customer": "Assembly", "on_time_rate": 0.5, "n": 2},
        {"supplier": "Assembly", "customer": "Harbour Motors", "on_time_rate": None, "n": 0},
    ]
    assert (chain["reliability"], chain["weakest"]) == (0.5, chain["links"][0])


def test_organisation_chains_as_a_table(org, catalog):
    printed = report("chains")

    assert printed.splitlines()[0].split()[:2] == ["reliability", "weakest"]
    assert "Purchasing → Assembly → Harbour Motors" in printed
