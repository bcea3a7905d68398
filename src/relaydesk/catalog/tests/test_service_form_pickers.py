"""The service form's pickers (issue 14): feeds, people and teams named by name, and what
names nothing (or more than one) said beside its field."""

import re

from relaydesk.catalog.forms import MOST_NAMED
from relaydesk.catalog.models import Service
from relaydesk.catalog.tests.test_service_pages import form_data
from relaydesk.directory.models import Party, Person, Team
from relaydesk.testing import signed_in_client


def errors_beside(html: str, field: str) -> str:
    """The error list rendered for a field (its id is the field's, as Django writes it)."""
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    return found.group(1) if found else ""


def test_a_lead_names_feeds_and_people_by_their_names(org, catalog):
    data = form_data(
        org,
        catalog,
        feeds="WHEEL FITTING",  # a name, in any case
        customer_people="Olga Outsider, max.member@example.com",  # a name and an email
        requester_teams="purchasing",  # a team's name, in any case
    )

    response = signed_in_client(org.lead).post("/services/new/", data)

    assert response.status_code == 302
    created = Service.objects.get(slug="tyre-pressure-advice")
    assert list(created.feeds.all()) == [catalog.wheels]
    assert {p.name for p in created.customer_people.all()} == {"Olga Outsider", "Max Member"}
    assert list(created.requester_teams.all()) == [org.purchasing]


def test_a_provider_person_is_named_by_name(org, catalog):
    data = form_data(org, catalog, provider_team="", provider_person="max member", feeds="")

    assert signed_in_client(org.lead).post("/services/new/", data).status_code == 302
    assert Service.objects.get(slug="tyre-pressure-advice").provider_person == org.member


def test_a_name_that_names_nothing_is_said_beside_its_field(org, catalog):
    data = form_data(org, catalog, feeds="Wheel fiting, purchase-approval")

    response = signed_in_client(org.lead).post("/services/new/", data)

    assert response.status_code == 400
    assert "No service with the name or address “Wheel fiting”" in errors_beside(
        response.text, "feeds"
    )
    assert not Service.objects.filter(slug="tyre-pressure-advice").exists()
    # What was typed stays in the box, to be corrected.
    assert 'value="Wheel fiting, purchase-approval"' in response.text


def test_a_name_several_people_share_asks_for_the_email(org, catalog):
    Person.objects.create(email="max.other@example.com", name="Max Member", team=org.purchasing)

    response = signed_in_client(org.lead).post(
        "/services/new/", form_data(org, catalog, customer_people="Max Member")
    )

    assert "“Max Member” names more than one active person: give the email instead" in (
        errors_beside(response.text, "customer_people")
    )


def test_a_service_may_not_feed_itself(org, catalog):
    data = form_data(org, catalog, slug="wheel-fitting", feeds="Wheel fitting")

    response = signed_in_client(org.lead).post("/services/wheel-fitting/edit/", data)

    assert response.status_code == 400
    assert "Wheel fitting cannot feed itself" in errors_beside(response.text, "feeds")
    assert not catalog.wheels.feeds.exists()


def test_a_feed_that_would_close_a_loop_is_refused_beside_feeds(org, catalog):
    # Purchase approval already feeds wheel fitting.
    data = form_data(org, catalog, slug="wheel-fitting", feeds="Purchase approval")

    response = signed_in_client(org.lead).post("/services/wheel-fitting/edit/", data)

    assert "This would make the chain loop" in errors_beside(response.text, "feeds")
    assert not catalog.wheels.feeds.exists()


def test_a_team_is_named_by_its_path_in_any_case(org, catalog):
    data = form_data(org, catalog, customer_teams="plant/ASSEMBLY, Plant")

    assert signed_in_client(org.lead).post("/services/new/", data).status_code == 302
    created = Service.objects.get(slug="tyre-pressure-advice")
    assert set(created.customer_teams.all()) == {org.assembly, org.plant}


def test_a_team_name_two_departments_share_asks_for_the_path(org, catalog):
    paint = Team.objects.create(name="Paint", parent=org.plant)
    Team.objects.create(name="Paint", parent=Team.objects.create(name="Works"))
    client = signed_in_client(org.lead)

    refused = client.post("/services/new/", form_data(org, catalog, requester_teams="Paint"))

    assert refused.status_code == 400
    assert "“Paint” names more than one team: give the path instead" in errors_beside(
        refused.text, "requester_teams"
    )
    assert not Service.objects.filter(slug="tyre-pressure-advice").exists()
    data = form_data(org, catalog, requester_teams="Plant / Paint")
    assert client.post("/services/new/", data).status_code == 302
    assert list(Service.objects.get(slug="tyre-pressure-advice").requester_teams.all()) == [paint]


def test_a_team_that_is_not_there_is_said_beside_its_field(org, catalog):
    response = signed_in_client(org.lead).post(
        "/services/new/", form_data(org, catalog, customer_teams="Plant / Purchase")
    )

    assert response.status_code == 400
    assert "No team with the name or path “Plant / Purchase”" in errors_beside(
        response.text, "customer_teams"
    )


def test_the_edit_form_shows_chosen_teams_and_feeds_by_name_and_lists_no_team(org, catalog):
    catalog.approvals.customer_teams.set([org.purchasing])
    for n in range(30):
        Team.objects.create(name=f"Line {n}", parent=org.assembly)

    page = signed_in_client(org.admin).get("/services/purchase-approval/edit/").text

    audience = page.split("Who may ask")[1].split("<legend>Handling")[0]
    assert "<select" not in audience  # no ctrl-click lists any more
    # Boxes to tick for the customers and vendors only, not one for each team.
    assert audience.count('type="checkbox"') == Party.objects.count() == 2
    assert "Line 7" not in audience  # only the provider's select, above, lists every team
    # A team is kept by its path, and shown with its department.
    assert 'name="customer_teams" value="Plant / Purchasing"' in page
    assert '<li data-key="Plant / Purchasing">Purchasing (Plant)</li>' in page
    assert 'data-source="/suggest/teams/"' in page
    # The feed is kept by its address, and shown by its name; the service is not suggested.
    assert 'name="feeds" value="wheel-fitting"' in page
    assert '<li data-key="wheel-fitting">Wheel fitting</li>' in page
    assert 'data-source="/suggest/services/?exclude=purchase-approval"' in page


def test_a_list_past_any_purpose_is_refused_beside_its_field(org, catalog):
    pasted = ", ".join(f"Someone {n}" for n in range(MOST_NAMED + 1))

    response = signed_in_client(org.lead).post(
        "/services/new/", form_data(org, catalog, requester_people=pasted)
    )

    assert response.status_code == 400
    assert f"Name at most {MOST_NAMED}, not {MOST_NAMED + 1}" in errors_beside(
        response.text, "requester_people"
    )
