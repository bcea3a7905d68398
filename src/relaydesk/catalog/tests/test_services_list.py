"""The catalog and "who do I ask?" rows: promise, provider and a Request button on each."""

import re

import pytest

from relaydesk.catalog.models import Service
from relaydesk.catalog.services import PromiseSpec, ServiceSpec, service_save
from relaydesk.testing import signed_in_client

PROMISE = "first answer within {}, done within {}"


def row(page: str, name: str) -> str:
    """The list item of the service called `name`."""
    found = re.search(rf'<li class="service-row">((?:(?!</li>).)*?>{name}<.*?)</li>', page, re.S)
    assert found, f"no row for {name}"
    return found.group(1)


def listed(org, catalog, name: str, *, promises, audience="everyone", **fields) -> Service:
    return service_save(
        actor=None,
        spec=ServiceSpec(
            slug=name.lower().replace(" ", "-"),
            name=name,
            kind="work_item",
            calendar=catalog.office,
            provider_team=org.assembly,
            audience=audience,
            promises=promises,
            **fields,
        ),
    )


@pytest.mark.parametrize("query", [{}, {"q": "wheels"}])
def test_each_row_shows_the_promise_the_provider_and_a_request_button(org, catalog, query):
    page = signed_in_client(org.member).get("/services/", query).text

    wheels = row(page, "Wheel fitting")
    assert PROMISE.format("1 h", "1 working day") in wheels  # 8 h: one day of office hours
    assert '<a href="/teams/' in wheels and ">Assembly</a>" in wheels
    assert 'href="/services/wheel-fitting/request/"' in wheels and ">Request</a>" in wheels


def test_long_promises_read_in_working_days_of_the_services_calendar(org, catalog):
    listed(org, catalog, "Tooling overhaul", promises={"normal": PromiseSpec(30, 32 * 60)})

    page = signed_in_client(org.member).get("/services/", {"q": "tooling"}).text

    assert PROMISE.format("30 min", "4 working days") in row(page, "Tooling overhaul")


def test_a_service_without_a_normal_promise_shows_its_first_with_the_priority(org, catalog):
    listed(org, catalog, "Line stop", promises={"urgent": PromiseSpec(10, 60)})

    page = signed_in_client(org.member).get("/services/").text

    assert PROMISE.format("10 min", "1 h") + " (urgent priority)" in row(page, "Line stop")


def test_no_request_button_where_the_person_may_not_ask(org, catalog):
    listed(
        org,
        catalog,
        "Lead coaching",
        promises={"normal": PromiseSpec(60, 480)},
        audience="listed",
        requester_people=[org.lead],
    )

    as_member = signed_in_client(org.member).get("/services/").text
    as_lead = signed_in_client(org.lead).get("/services/").text

    assert ">Request</a>" not in row(as_member, "Lead coaching")
    assert ">Request</a>" in row(as_lead, "Lead coaching")
    assert ">Request</a>" in row(as_member, "Wheel fitting")


def test_a_corrected_search_says_what_it_searched_for_instead(org, catalog):
    page = signed_in_client(org.member).get("/services/", {"q": "wheel fiting"}).text

    assert "Showing results for “wheel fitting” instead of “wheel fiting”." in page
    assert "Wheel fitting" in row(page, "Wheel fitting")


def test_the_list_costs_the_same_queries_however_many_services_it_shows(
    org, catalog, django_assert_max_num_queries
):
    def add(number: int) -> None:
        listed(
            org,
            catalog,
            f"Jig {number}",
            promises={"normal": PromiseSpec(60, 480)},
            audience="listed" if number % 2 else "everyone",
            requester_people=[org.lead] if number % 2 else [],
        )

    client = signed_in_client(org.member)
    add(1)
    client.get("/")
    with django_assert_max_num_queries(100) as few:
        client.get("/services/")
    for number in range(2, 10):
        add(number)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/services/")
