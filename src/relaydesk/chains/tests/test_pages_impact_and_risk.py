"""The impact of an absence, and key-person risk, as pages; and the links to the maps."""

import pytest

from relaydesk.chains.tests.factories import served
from relaydesk.servicerequests.models import Status
from relaydesk.testing import signed_in_client


def impact(viewer, **params):
    return signed_in_client(viewer).get("/map/impact/", params)


def test_the_impact_of_an_absence_lists_what_it_holds_and_whom_it_reaches(org, catalog):
    held = served(
        catalog.wheels,
        org.outsider,
        status=Status.IN_PROGRESS,
        assignee=org.member,
        party=org.dealer,
    )

    response = impact(org.lead, person=org.member.pk, **{"from": "2020-01-01", "to": "2099-12-31"})

    assert response.status_code == 200
    assert f'href="/requests/{held.pk}/"' in response.text
    assert "<strong>1</strong> open request held" in response.text
    assert "Harbour Motors" in response.text


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"from": "2026-12-10", "to": "2026-12-01"}, "to"),
        ({"from": "soon", "to": "2026-12-01"}, "from"),
        ({"from": "2026-12-01"}, "to"),
        ({"from": "2026-12-01\x00", "to": "2026-12-02"}, "from"),
    ],
)
def test_a_bad_absence_is_a_400_naming_the_field(org, params, named):
    response = impact(org.member, person=org.member.pk, **params)

    assert response.status_code == 400
    assert f"{named}:" in response.text


def test_an_impact_without_a_person_is_a_400_and_an_unknown_one_a_404(org):
    assert (
        impact(org.member, person="x", **{"from": "2026-12-01", "to": "2026-12-02"}).status_code
        == 400
    )
    assert (
        impact(org.admin, person=999999, **{"from": "2026-12-01", "to": "2026-12-02"}).status_code
        == 404
    )


def test_no_one_sees_the_impact_of_a_colleagues_absence_outside_their_lead(org):
    response = impact(
        org.outsider, person=org.member.pk, **{"from": "2026-12-01", "to": "2026-12-02"}
    )

    assert response.status_code == 403


def test_key_person_risk_is_for_leads_and_admins(org, catalog):
    assert signed_in_client(org.member).get("/map/risk/").status_code == 403

    response = signed_in_client(org.admin).get("/map/risk/")

    assert response.status_code == 200
    assert "Purchase approval" in response.text


def test_home_person_and_team_pages_link_to_the_maps(org):
    client = signed_in_client(org.member)

    assert 'href="/map/">Who are my customers?' in client.get("/").text
    assert (
        f'href="/map/person/{org.member.pk}/">Who are my customers?'
        in client.get(f"/people/{org.member.pk}/").text
    )
    assert f'href="/map/team/{org.assembly.pk}/"' in client.get(f"/teams/{org.assembly.pk}/").text
    # No link where the map would be refused.
    assert "/map/person/" not in client.get(f"/people/{org.outsider.pk}/").text
    assert "/map/team/" not in client.get(f"/teams/{org.purchasing.pk}/").text


def test_a_late_requests_page_shows_what_it_holds_up(org, catalog):
    late = served(catalog.wheels, org.outsider, status=Status.IN_PROGRESS, party=org.dealer)
    late.resolution_breached = True
    late.save()
    on_time = served(catalog.wheels, org.outsider, status=Status.IN_PROGRESS)
    client = signed_in_client(org.outsider)

    assert 'id="impact-heading"' in client.get(f"/requests/{late.pk}/").text
    assert 'id="impact-heading"' not in client.get(f"/requests/{on_time.pk}/").text
