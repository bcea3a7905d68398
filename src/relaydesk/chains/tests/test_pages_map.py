"""The customer map pages: a person's and a team's, with the headline, the picture and tables."""

import pytest

from relaydesk.chains.tests.factories import served
from relaydesk.testing import signed_in_client


def test_a_member_sees_who_depends_on_their_work(org, catalog):
    served(catalog.wheels, org.outsider)

    response = signed_in_client(org.member).get(f"/map/person/{org.member.pk}/")

    assert response.status_code == 200
    text = response.text
    assert "<strong>1 colleague</strong> and <strong>1 external customer</strong>" in text
    assert '<a href="/parties/' in text and "Harbour Motors" in text
    assert "<svg" in text and f'href="/map/person/{org.outsider.pk}/"' in text
    assert "used but never declared" in text  # Olga asked, but is no declared customer


def test_the_map_links_to_the_impact_of_a_weeks_absence_and_leads_to_key_person_risk(org):
    member = signed_in_client(org.member).get(f"/map/person/{org.member.pk}/").text
    lead = signed_in_client(org.lead).get(f"/map/person/{org.member.pk}/").text

    assert f'href="/map/impact/?person={org.member.pk}&amp;from=' in member
    assert "If you were away this week" in member
    assert 'href="/map/risk/"' not in member
    assert "If Max Member were away this week" in lead and 'href="/map/risk/"' in lead


def test_map_redirects_to_ones_own(org):
    response = signed_in_client(org.member).get("/map/")

    assert response.headers["Location"] == f"/map/person/{org.member.pk}/"


def test_a_team_map_names_its_suppliers(org, catalog):
    response = signed_in_client(org.member).get(f"/map/team/{org.assembly.pk}/")

    assert response.status_code == 200
    assert "Purchasing" in response.text
    assert "declared but never used" in response.text  # the dealer, with no requests yet


@pytest.mark.parametrize(
    ("viewer", "subject", "status"),
    [
        ("outsider", "member", 403),
        ("outsider", "assembly", 403),
        ("member", "lead", 403),
        ("member", "purchasing", 403),
        ("lead", "member", 200),
        ("member", "assembly", 200),
        ("admin", "outsider", 200),
        ("admin", "purchasing", 200),
    ],
)
def test_who_may_see_whose_map(org, catalog, viewer, subject, status):
    shown = getattr(org, subject)
    kind = "team" if subject in {"assembly", "purchasing"} else "person"

    response = signed_in_client(getattr(org, viewer)).get(f"/map/{kind}/{shown.pk}/")

    assert response.status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client, org):
    response = client.get(f"/map/person/{org.member.pk}/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("days", ["0", "-1", "abc", "99999"])
def test_a_bad_window_is_a_400_naming_it(org, days):
    response = signed_in_client(org.member).get(f"/map/person/{org.member.pk}/", {"days": days})

    assert response.status_code == 400
    assert "days" in response.text


def test_an_unknown_person_or_team_is_a_404(org):
    client = signed_in_client(org.admin)

    assert client.get("/map/person/999999/").status_code == 404
    assert client.get("/map/team/999999/").status_code == 404


# Signing in, the teams one leads, the bell: the map itself is kept in memory.
MAP_QUERIES = 5


def test_the_map_page_takes_a_fixed_number_of_queries(org, catalog, django_assert_num_queries):
    for _ in range(5):
        served(catalog.wheels, org.outsider, party=org.dealer)
        served(catalog.approvals, org.member)
    client = signed_in_client(org.member)
    client.get(f"/map/person/{org.member.pk}/")  # the organisation's graph is now kept

    with django_assert_num_queries(MAP_QUERIES):
        client.get(f"/map/person/{org.member.pk}/")
