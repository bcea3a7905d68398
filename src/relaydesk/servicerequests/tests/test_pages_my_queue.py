"""My queue: the open work given to me, earliest due first, with the time left on each."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from relaydesk.catalog.services import PromiseSpec, ServiceSpec, calendar_save, service_save
from relaydesk.core.queue_policy import QueuePolicy
from relaydesk.directory.models import Team
from relaydesk.servicerequests import views
from relaydesk.servicerequests.services import request_assign, request_create, request_transition
from relaydesk.testing import signed_in_client

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def given_to(person, org, service, title: str, **fields):
    shown = request_create(requester=org.outsider, service=service, title=title, **fields)
    request_assign(actor=org.lead, request_id=shown.pk, assignee=person)
    return shown


def listed(text: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/requests/\d+/">#\d+ ([^<]+)</a>', text)


def test_it_lists_my_open_work_earliest_due_first(org, catalog):
    long_ago = timezone.now() - timedelta(days=10)
    given_to(org.member, org, catalog.wheels, "Normal, just now")
    given_to(org.member, org, catalog.wheels, "Urgent, just now", priority="urgent")
    given_to(org.member, org, catalog.wheels, "Normal, long ago", now=long_ago)
    given_to(org.lead, org, catalog.wheels, "Lena's")
    finished = given_to(org.member, org, catalog.wheels, "Finished")
    request_transition(actor=org.member, request_id=finished.pk, to="done")

    text = signed_in_client(org.member).get("/queue/").text

    assert listed(text) == ["Normal, long ago", "Urgent, just now", "Normal, just now"]
    assert "overdue by" in text  # the one from ten days ago
    assert "to the first answer" in text
    assert "Olga Outsider" in text


def test_how_long_overdue_is_said_in_working_days_of_the_services_calendar(org, catalog):
    weekdays = calendar_save(
        actor=None,
        name="Weekdays",
        definition={"timezone": "UTC", "hours": {day: ["09:00-17:00"] for day in WEEKDAYS}},
        owner_team=None,
    )
    rims = service_save(
        actor=None,
        spec=ServiceSpec(
            slug="rim-repair",
            name="Rim repair",
            kind="work_item",
            calendar=weekdays,
            provider_team=org.assembly,
            promises={"normal": PromiseSpec(60, 480)},
        ),
    )
    # Asked so long ago that its first answer, promised within 1 h, fell due 12 working days
    # (and a little) ago: some sixteen days on the wall calendar.
    now, hour = timezone.now(), timedelta(hours=1)
    asked = now - hour
    while weekdays.engine().business_seconds_between(asked, now) < (12 * 8 + 2) * 3600:
        asked -= hour
    given_to(org.member, org, rims, "Bent rims", now=asked)

    text = signed_in_client(org.member).get("/queue/").text

    assert "overdue by 12 working days" in text  # the time left, and why it comes first
    assert "Why here: overdue by 12 working days" in text
    assert not re.search(r"\d+ days?\b", text.replace("working day", ""))


def test_a_paused_request_says_it_waits_on_the_requester(org, catalog):
    shown = given_to(org.member, org, catalog.wheels, "Which van?")
    request_transition(
        actor=org.member, request_id=shown.pk, to="waiting_on_requester", message="Which?"
    )

    text = signed_in_client(org.member).get("/queue/").text

    assert "paused: waiting on the requester" in text


def test_it_filters_by_status(org, catalog):
    acknowledged = given_to(org.member, org, catalog.wheels, "Acknowledged")
    given_to(org.member, org, catalog.wheels, "New")
    request_transition(actor=org.member, request_id=acknowledged.pk, to="acknowledged")
    client = signed_in_client(org.member)

    assert listed(client.get("/queue/", {"status": "acknowledged"}).text) == ["Acknowledged"]
    assert listed(client.get("/queue/", {"status": "new"}).text) == ["New"]
    assert sorted(listed(client.get("/queue/").text)) == ["Acknowledged", "New"]


def test_it_pages_with_a_cursor(org, catalog, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    start = timezone.now() - timedelta(days=3)
    for n, title in enumerate(("First", "Second", "Third")):
        given_to(org.member, org, catalog.wheels, title, now=start + timedelta(hours=n))
    client = signed_in_client(org.member)

    first = client.get("/queue/", {"status": "new"}).text
    next_page = re.search(r'<a class="button" href="\?([^"]+)">Next page</a>', first).group(1)
    second = client.get("/queue/?" + next_page.replace("&amp;", "&")).text

    assert listed(first) == ["First", "Second"]
    assert listed(second) == ["Third"]
    assert "Next page" not in second


def test_an_empty_queue_says_so(org, catalog):
    assert "Nothing waiting for you here." in signed_in_client(org.member).get("/queue/").text


def test_anonymous_visitors_are_sent_to_sign_in(org):
    response = Client().get("/queue/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# session, person; my team's queue policy and work limit; how much I hold; what the policy
# weighs of every open request; the page of requests with their calendars; the bell's unread
# count
QUEUE_QUERIES = 7


@pytest.mark.parametrize("policy", list(QueuePolicy))
@pytest.mark.parametrize("rows", [3, 60])
def test_my_queue_costs_a_fixed_number_of_queries(
    org, catalog, rows, policy, django_assert_num_queries
):
    Team.objects.filter(pk=org.assembly.pk).update(queue_policy=policy)
    for n in range(rows):
        party = org.dealer if n % 2 else None
        given_to(org.member, org, catalog.wheels, f"Request {n}", party=party)
    client = signed_in_client(org.member)
    client.get("/")

    with django_assert_num_queries(QUEUE_QUERIES):
        text = client.get("/queue/").text

    assert len(listed(text)) == min(rows, views.PAGE_SIZE)
