"""The customer map's API: its shapes, who may ask, and bad input."""

import pytest

from relaydesk.chains.tests.factories import served
from relaydesk.servicerequests.models import Status
from relaydesk.testing import signed_in_client


def get(person, path, params=None):
    return signed_in_client(person).get(f"/api/v1{path}", params)


def test_a_persons_customers_with_the_headline_and_chains(org, catalog):
    served(catalog.wheels, org.outsider)
    served(catalog.wheels, org.outsider, late=True)

    response = get(org.member, f"/map/people/{org.member.pk}/customers")

    assert response.status_code == 200
    body = response.json()
    assert (body["colleagues"], body["external"], body["days"]) == (1, 1, 90)
    assert body["direct"] == [
        {
            "kind": "person",
            "id": org.outsider.pk,
            "name": "Olga Outsider",
            "declared": False,
            "observed": 2,
            "sources": ["observed"],
        },
        {
            "kind": "party",
            "id": org.dealer.pk,
            "name": "Harbour Motors",
            "declared": True,
            "observed": 0,
            "sources": ["declared"],
        },
    ]
    assert body["chains"] == [["Max Member", "Assembly", "Harbour Motors"]]


def test_a_teams_suppliers(org, catalog):
    response = get(org.member, f"/map/teams/{org.assembly.pk}/suppliers")

    assert [s["name"] for s in response.json()["suppliers"]] == ["Purchasing"]


def test_chains_carry_each_links_on_time_rate_and_the_weakest(org, catalog):
    for late in (False, False, False, True):
        served(catalog.approvals, org.member, late=late)
    served(catalog.approvals, org.member, status=Status.IN_PROGRESS)  # not finished: no n
    served(catalog.wheels, org.outsider, party=org.dealer)
    served(catalog.wheels, org.outsider, party=org.dealer, late=True)

    response = get(org.outsider, f"/map/teams/{org.purchasing.pk}/chains")

    (chain,) = response.json()
    assert chain["nodes"] == ["Purchasing", "Assembly", "Harbour Motors"]
    assert chain["links"] == [
        {"supplier": "Purchasing", "customer": "Assembly", "on_time_rate": 0.75, "n": 4},
        {"supplier": "Assembly", "customer": "Harbour Motors", "on_time_rate": 0.5, "n": 2},
    ]
    assert chain["reliability"] == 0.375
    assert chain["weakest"] == chain["links"][1]


def test_the_organisations_chains_are_for_admins(org, catalog):
    assert get(org.lead, "/map/chains").status_code == 403

    response = get(org.admin, "/map/chains")

    assert response.status_code == 200
    assert [chain["nodes"] for chain in response.json()] == [
        ["Purchasing", "Assembly", "Harbour Motors"]
    ]


def test_impact_of_an_absence(org, catalog):
    held = served(catalog.wheels, org.outsider, status=Status.NEW, assignee=org.member)

    response = get(
        org.lead, "/map/impact", {"person": org.member.pk, "from": "2020-01-01", "to": "2099-01-01"}
    )

    assert response.status_code == 200
    assert response.json()["held"] == [held.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-12-10", "to": "2026-12-01"}, "to"),
        ({"from": "someday", "to": "2026-12-01"}, "from"),
        ({"from": "2026-12-01"}, "to"),
    ],
)
def test_a_bad_absence_is_a_422_naming_the_field(org, params, field):
    response = get(org.member, "/map/impact", {"person": org.member.pk, **params})

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


@pytest.mark.parametrize("days", [0, -5, 100000])
def test_a_window_out_of_bounds_is_a_422(org, days):
    response = get(org.member, f"/map/people/{org.member.pk}/customers", {"days": days})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "days"


@pytest.mark.parametrize(
    "path",
    [
        "/map/people/{member}/customers",
        "/map/people/{member}/suppliers",
        "/map/people/{member}/chains",
        "/map/teams/{assembly}/customers",
    ],
)
def test_an_outsider_may_not_see_another_teams_map(org, path):
    url = path.format(member=org.member.pk, assembly=org.assembly.pk)

    assert get(org.outsider, url).status_code == 403
    assert get(org.lead, url).status_code == 200


def test_an_outsider_may_not_see_someone_elses_impact(org):
    response = get(
        org.outsider,
        "/map/impact",
        {"person": org.member.pk, "from": "2026-01-01", "to": "2026-01-02"},
    )

    assert response.status_code == 403


def test_key_person_risk_is_for_leads_and_admins(org, catalog):
    assert get(org.member, "/map/risk").status_code == 403
    assert get(org.lead, "/map/risk").json()["lonely_services"] == []

    response = get(org.admin, "/map/risk")

    assert [s["slug"] for s in response.json()["lonely_services"]] == ["purchase-approval"]


def test_unknown_people_are_a_404_and_strangers_a_401(client, org):
    assert get(org.admin, "/map/people/999999/customers").status_code == 404
    assert client.get(f"/api/v1/map/people/{org.member.pk}/customers").status_code == 401


def test_the_map_endpoints_are_described_in_openapi(org):
    paths = get(org.member, "/openapi.json").json()["paths"]

    assert {
        "/api/v1/map/{kind}/{pk}/customers",
        "/api/v1/map/{kind}/{pk}/suppliers",
        "/api/v1/map/{kind}/{pk}/chains",
        "/api/v1/map/chains",
        "/api/v1/map/impact",
        "/api/v1/map/risk",
    } <= set(paths)
