"""The dashboards through the API: the page's figures as JSON, with the same rules."""

import pytest

from relaydesk.testing import signed_in_client


def test_the_team_dashboard_answers_every_figure_with_its_n(org, catalog, served):
    got = signed_in_client(org.lead).get(f"/api/v1/insight?team_id={org.assembly.pk}&period=30d")

    assert got.status_code == 200
    body = got.json()
    figures = body["figures"]
    assert (figures["created"], figures["finished"]) == (3, 2)
    assert figures["resolution"]["n"] == 2
    assert figures["resolution"]["on_time"]["value"] == 1.0
    assert 0 < figures["resolution"]["on_time"]["low"] < 1
    assert body["backlog"]["open"] == 1
    assert body["lines"][0]["name"] == "Wheel fitting"
    assert body["ratings"]["satisfaction"] is None  # no ratings: nothing under k is shown


def test_the_org_dashboard_is_for_admins(org, served):
    assert signed_in_client(org.lead).get("/api/v1/insight").status_code == 403
    shown = signed_in_client(org.admin).get("/api/v1/insight?period=quarter").json()
    assert shown["lines"][0]["name"] == "Plant"


@pytest.mark.parametrize(
    "query",
    ["period=fortnight", "period=custom", "period=custom&start=2026-03-01&end=2026-01-01"],
)
def test_a_bad_period_is_a_422_naming_the_field(org, query):
    got = signed_in_client(org.admin).get(f"/api/v1/insight?{query}")
    assert got.status_code == 422
    assert "period" in got.text


def test_one_subject_at_a_time(org, catalog):
    got = signed_in_client(org.admin).get(
        f"/api/v1/insight?team_id={org.assembly.pk}&service={catalog.wheels.slug}"
    )
    assert got.status_code == 422
    assert {error["field"] for error in got.json()["errors"]} == {"team_id", "service"}


def test_a_person_sees_what_they_held_and_not_a_colleague(org, served):
    client = signed_in_client(org.member)
    assert client.get(f"/api/v1/insight?person_id={org.member.pk}").status_code == 200
    assert client.get(f"/api/v1/insight?person_id={org.outsider.pk}").status_code == 403
    assert client.get("/api/v1/insight?person_id=999999").status_code == 404
