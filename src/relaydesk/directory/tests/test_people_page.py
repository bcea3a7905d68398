from relaydesk.directory.models import Person
from relaydesk.testing import signed_in_client


def test_it_lists_active_people_with_their_teams(org):
    org.outsider.is_active = False
    org.outsider.save()

    page = signed_in_client(org.member).get("/people/").text

    assert "Lena Lead" in page
    assert f'href="/teams/{org.assembly.pk}/">Assembly</a>' in page
    assert "Olga Outsider" not in page


def test_search_matches_every_word_against_name_email_or_team(org):
    client = signed_in_client(org.admin)

    by_team = client.get("/people/", {"q": "purchas"}).text
    by_two_words = client.get("/people/", {"q": "max assembly"}).text

    assert "Olga Outsider" in by_team and "Max Member" not in by_team
    assert "Max Member" in by_two_words and "Lena Lead" not in by_two_words


def test_a_search_that_finds_no_one_says_so(org):
    page = signed_in_client(org.member).get("/people/", {"q": "zebra"}).text

    assert "No one matches “zebra”." in page


def test_pages_follow_each_other_without_gaps_or_repeats(org, password_hash):
    Person.objects.bulk_create(
        Person(email=f"p{n:03}@example.com", name=f"Pat {n:03}", password=password_hash)
        for n in range(120)
    )
    client = signed_in_client(org.member)
    seen, params = [], {}
    while True:
        response = client.get("/people/", params)
        seen += [p.name for p in response.context["page"].items]
        cursor = response.context["page"].next_cursor
        if not cursor:
            break
        params = {"after": cursor}

    assert len(seen) == 124
    assert seen == sorted(seen)


def test_a_forged_cursor_is_a_clear_400(org):
    response = signed_in_client(org.member).get("/people/", {"after": "not-a-cursor!"})

    assert response.status_code == 400
    assert "after: cursor is not one this server gave out" in response.text


def test_the_page_costs_a_fixed_number_of_queries(org, password_hash, django_assert_num_queries):
    client = signed_in_client(org.member)
    client.get("/people/")  # warm the session
    Person.objects.bulk_create(
        Person(email=f"p{n}@example.com", name=f"Pat {n}", team=org.assembly, password="x")
        for n in range(60)
    )

    with django_assert_num_queries(4):  # session, signed-in person, one page with teams, bell
        client.get("/people/")
