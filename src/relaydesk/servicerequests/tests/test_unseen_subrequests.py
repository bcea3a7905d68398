"""Nothing a person may not see is named to them (SPEC §6): a sub-request to another team that
holds a request up, and is charged with its breach, is only "a request to another team" to
whoever may not see it, in every answer about the request."""

from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection

from relaydesk.core.hops import UNSEEN_SUBREQUEST
from relaydesk.directory.models import Person, Team
from relaydesk.servicerequests.models import Request
from relaydesk.servicerequests.services import clocks_check, request_create, subrequest_create
from relaydesk.servicerequests.tests.conftest import MONDAY_9
from relaydesk.testing import signed_in_client

CHILD_ID = 987654  # a number no other id, count or time on these answers happens to be


def _next_request_id_is(pk: int) -> None:
    table = Request._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, pk - 1])
        else:
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [pk - 1, table])


@pytest.fixture
def held_up(org, catalog, password_hash):
    """Rita in the paint shop asks Assembly for wheels; Max splits off an approval to
    Purchasing, which is still open when the wheels' resolution promise breaks."""
    paint_shop = Team.objects.create(name="Paint shop", parent=org.plant)
    rita = Person.objects.create(
        email="rita@example.com", name="Rita Requester", team=paint_shop, password=password_hash
    )
    parent = request_create(
        requester=rita, service=catalog.wheels, title="Wheels for the show car", now=MONDAY_9
    )
    _next_request_id_is(CHILD_ID)
    child = subrequest_create(
        actor=org.member,
        parent_id=parent.pk,
        service=catalog.approvals,
        title="Approve the titanium wheel bolts",
        now=MONDAY_9 + timedelta(hours=1),
    )
    clocks_check(now=MONDAY_9 + timedelta(days=1, hours=3))
    breach = parent.events.get(kind="breach", data__clock="resolution")
    # What is stored names the sub-request; what follows is about who is told.
    assert child.pk == CHILD_ID
    assert breach.data["attributed_to"] == f"Purchasing (sub-request #{CHILD_ID})"
    return rita, parent, child


def _resolution_breach(detail: dict) -> dict:
    return next(
        event
        for event in detail["timeline"]
        if event["kind"] == "breach" and event["data"]["clock"] == "resolution"
    )


def _names(child: Request) -> list[str]:
    return [str(child.pk), child.title, child.provider_team.name, child.service.name]


def _fields(answer: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every key and value of a JSON answer, however deep, with where it is."""
    if isinstance(answer, dict):
        for key, value in answer.items():
            yield f"{where}.{key} (key)", key
            yield from _fields(value, f"{where}.{key}")
    elif isinstance(answer, list):
        for index, value in enumerate(answer):
            yield from _fields(value, f"{where}.{index}")
    else:
        yield where, answer


class _Words(HTMLParser):
    """Every text and attribute value of a page; `forms` says whether to read inside forms."""

    def __init__(self, *, forms: bool):
        super().__init__()
        self.forms, self.in_form = forms, 0
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_form += tag == "form"
        if self.forms or not self.in_form:
            self.found += [(f"<{tag} {name}>", value or "") for name, value in attrs]

    def handle_endtag(self, tag: str) -> None:
        self.in_form -= tag == "form" and self.in_form > 0

    def handle_data(self, data: str) -> None:
        if self.forms or not self.in_form:
            self.found.append(("text", data))


def _page_words(html: str, *, forms: bool) -> list[tuple[str, str]]:
    words = _Words(forms=forms)
    words.feed(html)
    return words.found


def _naming(fields: Iterator[tuple[str, Any]], names: list[str]) -> list[tuple[str, Any]]:
    child_id = int(names[0])
    return [
        (where, value)
        for where, value in fields
        if (isinstance(value, int) and not isinstance(value, bool) and value == child_id)
        or (isinstance(value, str) and any(name in value for name in names))
    ]


def test_the_requester_is_never_told_which_sub_request_held_her_request_up(org, held_up):
    rita, parent, child = held_up
    client = signed_in_client(rita)

    detail = client.get(f"/api/v1/requests/{parent.pk}").json()
    listed = client.get("/api/v1/requests").json()
    html = client.get(f"/requests/{parent.pk}/").text

    assert _naming(_fields(detail), _names(child)) == []
    assert _naming(_fields(listed), _names(child)) == []
    assert _naming(iter(_page_words(html, forms=True)), _names(child)) == []
    breach = _resolution_breach(detail)
    assert breach["data"]["attributed_to"] == UNSEEN_SUBREQUEST
    assert breach["data"]["by_hop"] == {"Assembly": 3600, UNSEEN_SUBREQUEST: 10 * 3600}
    assert f"most of the time was used by {UNSEEN_SUBREQUEST}" in html


def test_a_lead_who_may_not_see_the_sub_request_is_not_told_either(org, held_up):
    _, parent, child = held_up
    client = signed_in_client(org.lead)  # leads Assembly, not Purchasing

    detail = client.get(f"/api/v1/requests/{parent.pk}").json()
    html = client.get(f"/requests/{parent.pk}/").text

    assert _naming(_fields(detail), _names(child)) == []
    # The lead's forms offer every team and service to move or split the request to: those
    # name no sub-request, but nothing else on the page may.
    assert _naming(iter(_page_words(html, forms=False)), _names(child)) == []
    assert _naming(iter(_page_words(html, forms=True)), _names(child)[:2]) == []
    assert UNSEEN_SUBREQUEST in html


def test_who_may_see_the_sub_request_is_told_which_it_was(org, held_up):
    _, parent, child = held_up

    detail = signed_in_client(org.member).get(f"/api/v1/requests/{parent.pk}").json()
    html = signed_in_client(org.member).get(f"/requests/{parent.pk}/").text

    breach = _resolution_breach(detail)
    assert breach["data"]["attributed_to"] == f"Purchasing (sub-request #{CHILD_ID})"
    assert [sub["id"] for sub in detail["subrequests"]] == [CHILD_ID]
    assert child.title in html and UNSEEN_SUBREQUEST not in html
