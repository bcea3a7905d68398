from relaydesk.testing import signed_in_client


def test_it_shows_contact_team_manager_and_reports(org):
    page = signed_in_client(org.outsider).get(f"/people/{org.lead.pk}/").text

    assert "<h1>Lena Lead</h1>" in page
    assert "lead of Assembly" in page
    assert 'href="mailto:lena.lead@example.com"' in page
    assert f'<a href="/people/{org.member.pk}/">Max Member</a>' in page  # a report


def test_it_names_the_manager(org):
    page = signed_in_client(org.member).get(f"/people/{org.member.pk}/").text

    assert f'<a href="/people/{org.lead.pk}/">Lena Lead</a>' in page


def test_an_unknown_person_is_a_404(org):
    response = signed_in_client(org.member).get("/people/99999/")

    assert response.status_code == 404
    assert "There is nothing here" in response.text


def test_the_page_costs_a_fixed_number_of_queries(org, django_assert_num_queries):
    client = signed_in_client(org.member)
    client.get("/")

    # session, signed-in person; the person with team, lead and manager; reports; teams led;
    # the bell's unread count; kudos given and received; whose customer map may be seen; the
    # open requests they hold
    with django_assert_num_queries(9):
        client.get(f"/people/{org.lead.pk}/")
