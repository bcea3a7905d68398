"""Every kind of notification, from request events to a real SMTP server: once each, to the right
person, with a subject that says what happened and links that work."""

from datetime import timedelta

from django.utils import timezone

from relaydesk.events.models import OutboxEvent
from relaydesk.notify.models import Notification
from relaydesk.notify.services import request_event_notify
from relaydesk.notify.tests.support import html_part, text_part
from relaydesk.servicerequests.services import (
    clocks_check,
    request_assign,
    request_comment,
    request_create,
    request_transition,
)

BASE = "https://desk.example.com"


def test_it_tells_each_person_once_what_happened_on_a_request(org, catalog, mailbox, worker):
    def step(action) -> list[tuple[str, str]]:
        before = len(mailbox.messages)
        action()
        worker.run_until_idle()
        return sorted(mailbox.subjects()[before:])

    created = request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")
    work = f"#{created.pk} Fit tyres"
    lena, max_, olga = org.lead.email, org.member.email, org.outsider.email

    assert step(lambda: created) == [
        (lena, f"{work}: new in Assembly's queue"),
        (max_, f"{work}: new in Assembly's queue"),
    ]
    assert step(
        lambda: request_assign(actor=org.lead, request_id=created.pk, assignee=org.member)
    ) == [(max_, f"{work}: assigned to Max Member by Lena Lead")]
    assert step(
        lambda: request_comment(actor=org.member, request_id=created.pk, body="On it.")
    ) == [(olga, f"{work}: Max Member replied")]
    assert (
        step(
            lambda: request_comment(
                actor=org.member, request_id=created.pk, body="Olga is fussy", internal=True
            )
        )
        == []
    )
    assert step(
        lambda: request_transition(
            actor=org.member, request_id=created.pk, to="waiting_on_requester", message="Size?"
        )
    ) == [(olga, f"{work}: Max Member asked a question")]
    assert step(
        lambda: request_comment(actor=org.outsider, request_id=created.pk, body="205/55 R16")
    ) == [(max_, f"{work}: Olga Outsider replied")]

    def late():
        clocks_check(now=timezone.now() + timedelta(days=14))
        return created

    assert step(late) == [
        (lena, f"{work}: resolution promise missed"),
        (max_, f"{work}: resolution due soon"),
        (max_, f"{work}: resolution promise missed"),
    ]
    assert step(lambda: request_transition(actor=org.member, request_id=created.pk, to="done")) == [
        (olga, f"{work}: done")
    ]

    # Handled again, nothing is sent or shown twice.
    for event in OutboxEvent.objects.filter(kind__startswith="request."):
        request_event_notify(payload=event.payload, source_key=event.key)
    worker.run_until_idle()
    assert len(mailbox.messages) == 10
    assert Notification.objects.count() == 10


def test_an_email_has_both_parts_a_link_and_a_way_out(org, catalog, mailbox, worker):
    created = request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")
    request_comment(actor=org.member, request_id=created.pk, body="Which <car>?")
    worker.run_until_idle()

    [message] = mailbox.to(org.outsider.email)
    link = f"{BASE}/requests/{created.pk}/"
    text, html = text_part(message), html_part(message)
    unsubscribe = message["List-Unsubscribe"].strip().strip("<>")

    assert message["To"] == "Olga Outsider <olga.outsider@example.com>"
    assert message["From"] == "Relaydesk <relaydesk@localhost>"
    assert "Which <car>?" in text and link in text and unsubscribe in text
    assert "Which &lt;car&gt;?" in html and f'href="{link}"' in html
    assert f'href="{unsubscribe}"' in html
    assert unsubscribe.startswith(f"{BASE}/notifications/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["X-Relaydesk-Delivery"] == (
        f"deliver:email:person-{org.outsider.pk}:request:{created.pk}:2"
    )
    assert message["Message-ID"].endswith("@desk.example.com>")


def test_a_request_routed_at_once_tells_its_assignee_not_the_queue(org, catalog, mailbox, worker):
    org.assembly.assignment_policy = "round_robin"
    org.assembly.save()

    created = request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")
    worker.run_until_idle()

    assert mailbox.subjects() == [
        (
            created.assignee.email,
            f"#{created.pk} Fit tyres: assigned to {created.assignee.name} "
            "(round-robin in Assembly)",
        )
    ]


def test_it_hears_of_requests_through_the_events_the_services_publish(
    org, catalog, mailbox, worker
):
    created = request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")
    request_comment(actor=org.member, request_id=created.pk, body="On it.")
    worker.run_until_idle()

    assert (org.outsider.email, f"#{created.pk} Fit tyres: Max Member replied") in (
        mailbox.subjects()
    )
