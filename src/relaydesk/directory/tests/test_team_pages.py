from relaydesk.directory.models import Team
from relaydesk.servicerequests.services import request_create
from relaydesk.servicerequests.tests.conftest import make_service
from relaydesk.testing import signed_in_client


def test_the_team_list_shows_departments_above_their_teams(org):
    page = signed_in_client(org.member).get("/teams/").text

    plant, assembly, purchasing = (page.index(name) for name in ("Plant", "Assembly", "Purchas"))
    assert plant < assembly < purchasing
    assert 'class="indent-1"><a href="/teams/' in page


def test_a_team_page_shows_its_lead_members_and_departments(org):
    page = signed_in_client(org.outsider).get(f"/teams/{org.assembly.pk}/").text

    assert "<h1>Assembly</h1>" in page
    assert f'<li><a href="/teams/{org.plant.pk}/">Plant</a></li>' in page  # breadcrumb
    assert "Max Member" in page
    assert 'Lena Lead</a> <span class="tag">lead</span>' in page


def test_a_department_page_lists_its_teams_with_their_sizes(org):
    page = signed_in_client(org.member).get(f"/teams/{org.plant.pk}/").text

    assert "Teams in Plant" in page
    assert "Assembly</a> <small>2 people</small>" in page


def test_a_department_page_lists_its_teams_by_name(org):
    Team.objects.create(name="Cutting", parent=org.plant)  # newest, but not last by name

    page = signed_in_client(org.member).get(f"/teams/{org.plant.pk}/").text

    assembly, cutting, purchasing = (
        page.index(f">{name}</a>") for name in ("Assembly", "Cutting", "Purchasing")
    )
    assert assembly < cutting < purchasing


def test_an_unknown_team_is_a_404(org):
    assert signed_in_client(org.member).get("/teams/99999/").status_code == 404


def test_a_deep_team_page_costs_a_fixed_number_of_queries(org, django_assert_num_queries):
    parent = org.assembly
    for depth in range(6):
        parent = Team.objects.create(name=f"Cell {depth}", parent=parent)
    client = signed_in_client(org.member)
    client.get("/")

    # session, signed-in person; team with lead and parent; members; sub-teams; the tree;
    # the bell's unread count; kudos given and received; teams led (who sees its feedback)
    with django_assert_num_queries(9):
        client.get(f"/teams/{parent.pk}/")


def test_parties_are_grouped_into_customers_and_vendors(org):
    page = signed_in_client(org.member).get("/parties/").text

    assert page.index("External customers") < page.index("Harbour Motors")
    assert page.index("Vendors") < page.index("Sparkle Cleaning")


def test_a_party_page_names_its_kind(org):
    page = signed_in_client(org.member).get(f"/parties/{org.cleaner.pk}/").text

    assert "<h1>Sparkle Cleaning</h1>" in page
    assert "Vendor" in page


def test_a_party_page_lists_the_services_and_teams_serving_it_busiest_first(org, catalog):
    for title in ("Front wheels", "Rear wheels"):
        request_create(
            requester=org.outsider, service=catalog.wheels, title=title, party=org.dealer
        )
    request_create(requester=org.member, service=catalog.approvals, title="Rims", party=org.dealer)
    request_create(requester=org.outsider, service=catalog.wheels, title="Not theirs")

    page = signed_in_client(org.member).get(f"/parties/{org.dealer.pk}/").text

    services = page[page.index("Services asked for") : page.index("Teams serving")]
    teams = page[page.index("Teams serving") :]
    assert "Wheel fitting</a> <small>2 requests</small>" in services
    assert "Purchase approval</a> <small>1 request</small>" in services
    assert services.index("Wheel fitting") < services.index("Purchase approval")
    assert "Assembly</a> <small>2 requests</small>" in teams
    assert "Purchasing</a> <small>1 request</small>" in teams


def test_a_party_no_one_has_asked_for_says_so(org, catalog):
    request_create(requester=org.outsider, service=catalog.wheels, title="Fit", party=org.dealer)

    page = signed_in_client(org.member).get(f"/parties/{org.cleaner.pk}/").text

    assert "No requests asked for Sparkle Cleaning yet." in page
    assert "Wheel fitting" not in page


def test_a_party_page_does_not_count_requests_asked_in_confidence(org, catalog):
    grievances = make_service(org, catalog, "grievances", kind="advice", confidential=True)
    request_create(requester=org.outsider, service=grievances, title="Rude", party=org.dealer)

    page = signed_in_client(org.lead).get(f"/parties/{org.dealer.pk}/").text

    assert "Grievances" not in page
    assert "No team holds requests for Harbour Motors yet." in page


def test_a_party_page_costs_a_fixed_number_of_queries(org, catalog, django_assert_num_queries):
    for number in range(5):
        request_create(
            requester=org.outsider, service=catalog.wheels, title=f"#{number}", party=org.dealer
        )
    client = signed_in_client(org.member)
    client.get("/")

    # session, signed-in person; the party; services asked for it; teams serving it;
    # the bell's unread count
    with django_assert_num_queries(6):
        client.get(f"/parties/{org.dealer.pk}/")
