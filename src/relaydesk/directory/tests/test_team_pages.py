from relaydesk.directory.models import Team
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
