"""My requests: what I asked for, where it stands and who is handling it."""

import re

import pytest
from django.test import Client

from relaydesk.servicerequests import views
from relaydesk.servicerequests.services import request_assign, request_create, request_transition
from relaydesk.testing import signed_in_client


def ask(org, catalog, title: str, requester=None, service=None):
    return request_create(
        requester=requester or org.outsider, service=service or catalog.wheels, title=title
    )


def listed(text: str) -> list[str]:
    """The request titles a list page shows, in order."""
    return re.findall(r'<th scope="row"><a href="/requests/\d+/">#\d+ ([^<]+)</a>', text)


def test_it_lists_my_open_requests_newest_first_with_who_handles_them(org, catalog):
    first = ask(org, catalog, "Fit tyres")
    ask(org, catalog, "Balance wheels")
    ask(org, catalog, "Someone else's", requester=org.member)
    request_assign(actor=org.lead, request_id=first.pk, assignee=org.member)

    text = signed_in_client(org.outsider).get("/requests/mine/").text

    assert listed(text) == ["Balance wheels", "Fit tyres"]
    assert "Max Member<br><small>Assembly</small>" in text
    assert "nobody yet" in text
    assert "left" in text  # the time left on each open request


def test_it_filters_by_status(org, catalog):
    done = ask(org, catalog, "Fit tyres")
    cancelled = ask(org, catalog, "Balance wheels")
    ask(org, catalog, "Rotate tyres")
    request_transition(actor=org.member, request_id=done.pk, to="done")
    request_transition(actor=org.outsider, request_id=cancelled.pk, to="cancelled")
    client = signed_in_client(org.outsider)

    def titles(status: str) -> list[str]:
        return listed(client.get("/requests/mine/", {"status": status}).text)

    assert titles("open") == ["Rotate tyres"]
    assert titles("done") == ["Fit tyres"]
    assert titles("cancelled") == ["Balance wheels"]
    assert titles("all") == ["Rotate tyres", "Balance wheels", "Fit tyres"]
    assert titles("nonsense") == ["Rotate tyres"]  # back to the default


def test_it_pages_with_a_cursor_keeping_the_filter(org, catalog, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for title in ("One", "Two", "Three"):
        ask(org, catalog, title)
    client = signed_in_client(org.outsider)

    first = client.get("/requests/mine/", {"status": "all"}).text
    next_page = re.search(r'<a class="button" href="\?([^"]+)">Next page</a>', first).group(1)
    second = client.get("/requests/mine/?" + next_page.replace("&amp;", "&")).text

    assert listed(first) == ["Three", "Two"]
    assert next_page.startswith("status=all&amp;after=")
    assert listed(second) == ["One"]
    assert "Next page" not in second


@pytest.mark.parametrize("cursor", ["garbage", "WyIyMDI2IiwxXQ", "W251bGwsIDFd"])
def test_a_cursor_not_given_out_is_a_400(org, catalog, cursor):
    # Not base64 JSON; ["2026", 1]: the right shape, not a time; [null, 1]
    response = signed_in_client(org.outsider).get("/requests/mine/", {"after": cursor})

    assert response.status_code == 400
    assert "cursor is not one this server gave out" in response.text


def test_nothing_asked_yet_says_so(org, catalog):
    text = signed_in_client(org.outsider).get("/requests/mine/").text

    assert "When you ask a service for something, it shows up here." in text


def test_anonymous_visitors_are_sent_to_sign_in(org):
    response = Client().get("/requests/mine/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# session, person; the page of requests with their calendars; the bell's unread count
LIST_QUERIES = 4


@pytest.mark.parametrize("rows", [3, 60])
def test_my_requests_cost_a_fixed_number_of_queries(org, catalog, rows, django_assert_num_queries):
    for n in range(rows):
        ask(org, catalog, f"Request {n}", service=(catalog.wheels, catalog.approvals)[n % 2])
    client = signed_in_client(org.outsider)
    client.get("/")

    with django_assert_num_queries(LIST_QUERIES):
        text = client.get("/requests/mine/").text

    assert len(listed(text)) == min(rows, views.PAGE_SIZE)
