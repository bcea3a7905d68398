"""Anything late is marked late wherever it is listed, in one way (issue 14), and finished
requests say whether they were done on time, early or late."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from relaydesk.directory.services import absence_declare
from relaydesk.servicerequests.services import request_assign, request_create, request_transition
from relaydesk.testing import signed_in_client


def mark_of(text: str, title: str) -> str:
    """The timeliness tag beside the request called `title` in a list ('' for none)."""
    row = re.search(rf"{re.escape(title)}</a>(.*?)(</tr>|</li>)", text, re.S)
    assert row, f"{title} is not listed"
    found = re.search(r'class="tag timeliness-[a-z_]+">([^<]+)<', row.group(1))
    return found.group(1) if found else ""


@pytest.fixture
def overdue(org, catalog):
    """Max holds one request asked ten days ago (late) and one asked just now (on track)."""
    long_ago = timezone.now() - timedelta(days=10)
    late = request_create(
        requester=org.outsider, service=catalog.wheels, title="Overdue job", now=long_ago
    )
    fresh = request_create(requester=org.outsider, service=catalog.wheels, title="Fresh job")
    for shown in (late, fresh):
        request_assign(actor=org.lead, request_id=shown.pk, assignee=org.member)
    return late, fresh


@pytest.mark.parametrize(
    ("viewer", "url"),
    [
        ("member", "/"),
        ("member", "/queue/"),
        ("lead", "/teams/{assembly}/queue/"),
        ("outsider", "/requests/mine/"),
        ("lead", "/people/{member}/"),
    ],
)
def test_late_work_is_marked_late_in_every_list(org, catalog, overdue, viewer, url):
    url = url.format(assembly=org.assembly.pk, member=org.member.pk)

    text = signed_in_client(getattr(org, viewer)).get(url).text

    assert mark_of(text, "Overdue job") == "late"
    assert mark_of(text, "Fresh job") == ""


def test_the_team_page_lists_what_is_late_in_its_queue(org, catalog, overdue):
    text = signed_in_client(org.lead).get(f"/teams/{org.assembly.pk}/").text

    assert mark_of(text, "Overdue job") == "late"
    assert "Fresh job" not in text


def test_the_team_page_shows_no_late_work_to_outsiders(org, catalog, overdue):
    assert (
        "Overdue job" not in signed_in_client(org.outsider).get(f"/teams/{org.assembly.pk}/").text
    )


def test_an_absence_lists_the_held_work_marked(org, catalog, overdue):
    now = timezone.now()
    absence = absence_declare(
        actor=org.lead, person=org.member, starts_at=now, ends_at=now + timedelta(days=2)
    )

    text = signed_in_client(org.lead).get(f"/absences/{absence.pk}/").text

    assert mark_of(text, "Overdue job") == "late"


def test_finished_requests_say_on_time_early_or_late(org, catalog):
    now = timezone.now()
    titles = {"Done late": now - timedelta(days=10), "Done on time": now, "Done early": now}
    for title, asked in titles.items():
        needed_by = now + timedelta(days=3) if title == "Done early" else None
        shown = request_create(
            requester=org.outsider,
            service=catalog.wheels,
            title=title,
            now=asked,
            needed_by=needed_by,
        )
        request_transition(actor=org.lead, request_id=shown.pk, to="done")

    text = signed_in_client(org.outsider).get("/requests/mine/", {"status": "done"}).text

    assert mark_of(text, "Done late") == "done late"
    assert mark_of(text, "Done on time") == "done on time"
    assert mark_of(text, "Done early") == "done early"
