"""Who comes last? — the page, the API and `relaydesk report parity` on known data."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from relaydesk.testing import signed_in_client

SENTENCE = (
    "Requests from colleagues wait 2.0 times as long for a first answer as requests for "
    "external parties."
)


def test_the_page_shows_the_waits_and_the_sentence(org, served):
    text = signed_in_client(org.lead).get(f"/teams/{org.assembly.pk}/who-comes-last/").text

    assert "<h1>Assembly: who comes last?</h1>" in text
    assert SENTENCE in text
    assert "(parity index 2.00)" in text
    assert "Small samples (n = 2 and 2)" in text
    assert "+ 1 still open" in text
    assert '<th scope="row">Purchasing</th>' in text


def test_who_may_see_the_page(org, served):
    page = f"/teams/{org.assembly.pk}/who-comes-last/"

    assert signed_in_client(org.member).get(page).status_code == 200
    assert signed_in_client(org.admin).get(page).status_code == 200
    assert signed_in_client(org.outsider).get(page).status_code == 403
    assert signed_in_client(org.lead).get("/teams/999999/who-comes-last/").status_code == 404
    assert Client().get(page)["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("days", ["0", "abc", "99999", "1\x00"])
def test_a_bad_window_is_a_400_naming_it(org, days):
    response = signed_in_client(org.lead).get(
        f"/teams/{org.assembly.pk}/who-comes-last/", {"days": days}
    )
    assert response.status_code == 400


def test_the_api_gives_the_figures_in_seconds(org, served):
    response = signed_in_client(org.member).get(f"/api/v1/teams/{org.assembly.pk}/who-comes-last")

    body = response.json()
    assert response.status_code == 200
    assert body["parity_index"] == 2.0
    assert body["sentence"].startswith(SENTENCE)
    colleagues, external = body["by_class"]
    assert colleagues["first_response"] == {"n": 2, "median": 14400, "p90": 17280, "still_open": 1}
    assert external["resolution"] == {"n": 1, "median": 14400, "p90": 14400, "still_open": 1}


def test_who_may_not_read_it_through_the_api(org, served):
    client = signed_in_client(org.outsider)

    assert client.get(f"/api/v1/teams/{org.assembly.pk}/who-comes-last").status_code == 403
    assert client.get("/api/v1/teams/999999/who-comes-last").status_code == 404
    bad = signed_in_client(org.lead).get(
        f"/api/v1/teams/{org.assembly.pk}/who-comes-last", {"days": 0}
    )
    assert bad.status_code == 422


def report(*args):
    out = io.StringIO()
    call_command("report_parity", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_a_table_json_and_csv(org, served):
    table = report("--team", "Plant / Assembly")
    data = json.loads(report("--team", "Assembly", "--format", "json"))
    rows = list(csv.DictReader(io.StringIO(report("--team", "Assembly", "--format", "csv"))))

    assert table.startswith(f"Assembly, last 90 days: {SENTENCE}")
    assert "colleagues" in table and "4 h" in table
    assert data["parity_index"] == 2.0
    assert data["by_class"][0]["first_response"]["median"] == 14400
    assert [row["requests"] for row in rows] == [
        "colleagues",
        "tied to an external party",
        "Purchasing",
    ]
    assert rows[0]["first answer median"] == "14400.0"


def test_the_command_names_an_unknown_team(org):
    with pytest.raises(CommandError, match="no team 'Paint'"):
        report("--team", "Paint")
