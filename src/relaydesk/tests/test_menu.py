"""The main menu: it reaches every everyday page and marks where one is."""

import re

from relaydesk.testing import signed_in_client


def current_items(page: str) -> list[str]:
    """The menu's items marked as where one is; the page below has marks of its own."""
    header = page[: page.index("</header>")]
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', header)


def test_the_menu_reaches_calendars_and_ones_api_tokens(org):
    page = signed_in_client(org.member).get("/").text

    assert '<a href="/calendars/">Calendars</a>' in page
    assert '<a href="/account/tokens/">API tokens</a>' in page


def test_the_calendars_and_tokens_pages_are_marked_in_the_menu(org, catalog):
    client = signed_in_client(org.member)

    assert current_items(client.get("/calendars/").text) == ["Calendars"]
    assert current_items(client.get(f"/calendars/{catalog.office.pk}/").text) == ["Calendars"]
    assert current_items(client.get("/account/tokens/").text) == ["API tokens"]


def test_ones_own_team_queue_is_marked_as_my_queue(org):
    page = signed_in_client(org.member).get(f"/teams/{org.assembly.pk}/queue/").text

    assert current_items(page) == ["My queue"]


def test_another_teams_queue_is_marked_under_teams(org):
    page = signed_in_client(org.admin).get(f"/teams/{org.assembly.pk}/queue/").text

    assert current_items(page) == ["Teams"]
