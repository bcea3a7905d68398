"""One style of message across the page forms (issue 14): whatever refused the input — Django,
the form, or a service whose words the API shares — each error a page shows is a sentence,
with a capital letter first and a stop at the end."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from relaydesk.catalog.tests.test_calendar_pages import calendar_form
from relaydesk.catalog.tests.test_service_pages import form_data as service_form
from relaydesk.servicerequests.services import (
    Slot,
    request_assign,
    request_create,
    request_transition,
)
from relaydesk.testing import signed_in_client, tyre_clinic
from relaydesk.tests.page_errors import every_error

LOCAL = "%Y-%m-%dT%H:%M"


def _request(org, catalog):
    return request_create(requester=org.outsider, service=catalog.wheels, title="Tyres")


def _on_request(action: str, who: str, **data) -> Callable:
    def post(org, catalog):
        shown = _request(org, catalog)
        fields = {"version": shown.version} | {
            name: value(org) if callable(value) else value for name, value in data.items()
        }
        return signed_in_client(getattr(org, who)).post(f"/requests/{shown.pk}/{action}/", fields)

    return post


def _request_form(org, catalog):
    yesterday = timezone.localtime() - timedelta(days=1)
    return signed_in_client(org.outsider).post(
        "/services/wheel-fitting/request/",
        {"title": "", "priority": "high", "needed_by": "tomorrow", "unblocks": "41, abc"},
    ), signed_in_client(org.outsider).post(
        "/services/wheel-fitting/request/",
        {"title": "Tyres", "priority": "normal", "needed_by": yesterday.strftime(LOCAL)},
    )


def _face_time(org, catalog):
    tyre_clinic(org, catalog, promised=False)
    start = (timezone.localtime() + timedelta(days=2)).strftime(LOCAL)
    client = signed_in_client(org.outsider)
    url = "/services/tyre-clinic/request/"
    return client.post(url, {"title": "Meet", "priority": "normal"}), client.post(
        url, {"title": "Meet", "priority": "normal", "slot_1_start": start}
    )


def _slot(org, catalog):
    clinic = tyre_clinic(org, catalog, promised=False)
    start = timezone.now() + timedelta(days=2)
    meeting = request_create(
        requester=org.outsider,
        service=clinic,
        title="Which tyres?",
        proposed_slots=[Slot(start, start + timedelta(hours=1))],
    )
    return signed_in_client(org.member).post(
        f"/requests/{meeting.pk}/slot/", {"version": meeting.version, "slot": 3}
    )


def _absence(org, catalog):
    client = signed_in_client(org.member)
    data = {"person": org.member.pk, "starts_at": "2030-03-08T08:00", "note": ""}
    return client.post(
        "/absences/", data | {"ends_at": "2030-03-04T18:00", "backup": "nobody@example.com"}
    ), client.post("/absences/", data | {"ends_at": "2030-03-04T18:00", "backup": ""})


def _calendar(org, catalog):
    return signed_in_client(org.lead).post(
        "/calendars/new/",
        calendar_form(org, mon="14:00-06:00", holiday_country="XX", closures="2026-13-01"),
    )


def _service(org, catalog):
    client = signed_in_client(org.lead)
    return client.post(
        "/services/new/",
        service_form(org, catalog, name="", normal_resolution="2d", warning_percent=100),
    ), client.post("/services/new/", service_form(org, catalog, slug="wheel-fitting"))


def _survey(org, catalog):
    today = timezone.localdate()
    now = timezone.localtime()
    data = {
        "title": "How do we serve you?",
        "window_start": today.isoformat(),
        "window_end": (today - timedelta(days=3)).isoformat(),
        "opens_at": now.strftime(LOCAL),
        "closes_at": (now + timedelta(days=14)).strftime(LOCAL),
    }
    client = signed_in_client(org.lead)
    url = f"/teams/{org.assembly.pk}/surveys/"
    return client.post(url, data | {"title": "", "opens_at": "soon"}), client.post(url, data)


def _rate(org, catalog):
    done = _request(org, catalog)
    request_assign(actor=org.lead, request_id=done.pk, assignee=org.member)
    request_transition(actor=org.member, request_id=done.pk, to="done")
    return signed_in_client(org.outsider).post(
        f"/requests/{done.pk}/rate/", {"satisfaction": "0", "comment": ""}
    ), signed_in_client(org.outsider).post(f"/requests/{done.pk}/clarity/", {"score": "6"})


PAGES: dict[str, Callable] = {
    "request": _request_form,
    "face-time request": _face_time,
    "comment": _on_request("comment", "member", body="", kind="reply"),
    "move": _on_request("status", "member", to="nowhere"),
    "assign": _on_request("assign", "lead", assignee=lambda org: org.outsider.pk),
    "transfer": _on_request("transfer", "member", team=lambda org: org.assembly.pk),
    "split": _on_request("split", "member", service="nope", title="", priority="normal"),
    "slot": _slot,
    "absence": _absence,
    "calendar": _calendar,
    "service": _service,
    "survey": _survey,
    "rating and clarity": _rate,
    "kudos": lambda org, catalog: signed_in_client(org.member).post(
        "/feedback/kudos/", {"to": f"person-{org.member.pk}", "message": "Me!"}
    ),
    "webhook": lambda org, catalog: signed_in_client(org.lead).post(
        "/notifications/webhooks/",
        {"name": "", "url": "ftp://example.com", "team": org.assembly.pk, "format": "json"},
    ),
    "token": lambda org, catalog: signed_in_client(org.member).post(
        "/account/tokens/", {"name": "x" * 101}
    ),
    "audit filters": lambda org, catalog: signed_in_client(org.admin).get(
        "/audit/", {"since": "9999-12-31", "action": "x"}
    ),
}


def is_a_sentence(message: str) -> bool:
    letters = [c for c in message if c.isalpha()]
    return bool(letters) and letters[0].isupper() and message[-1] in ".!?"


@pytest.mark.parametrize("page", PAGES)
def test_every_error_a_page_form_shows_is_a_sentence(org, catalog, page):
    answers = PAGES[page](org, catalog)
    for response in answers if isinstance(answers, tuple) else (answers,):
        shown = every_error(response.text)

        assert response.status_code == 400
        assert shown, "the bad input was refused without a word"
        assert [message for message in shown if not is_a_sentence(message)] == []


def test_the_services_fragments_read_as_sentences_on_the_page(org, catalog):
    """The words the API shares ('kudos to oneself are not a thing') become one on the page."""
    page = signed_in_client(org.member).post(
        "/feedback/kudos/", {"to": f"person-{org.member.pk}", "message": "Me!"}
    )

    [message] = every_error(page.text)
    assert message[0] == "K" and message.endswith(".")
    assert message[1:-1] in str(page.context["form"].errors["to"][0])
