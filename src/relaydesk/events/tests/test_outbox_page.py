"""The outbox page: admins see what waits, what fails and why, and put parked events back."""

from relaydesk.events.models import OutboxEvent
from relaydesk.testing import signed_in_client


def parked(
    kind: str = "request.breach", error: str = "notify: SMTPDataError: 554 no"
) -> OutboxEvent:
    return OutboxEvent.objects.create(
        kind=kind, pending=["some.handler"], state="parked", attempts=10, last_error=error
    )


def test_an_admin_sees_parked_events_with_their_error(org):
    event = parked(error="notify.deliver: SMTPRecipientsRefused: 550 mailbox unknown")
    OutboxEvent.objects.create(kind="request.created", pending=["some.handler"])

    page = signed_in_client(org.admin).get("/outbox/")

    assert page.status_code == 200
    assert f"#{event.pk}" in page.text
    assert "550 mailbox unknown" in page.text
    assert page.context["health"].pending == 1
    assert page.context["health"].parked == 1


def test_an_admin_retries_one_parked_event_or_all(org):
    one, other = parked(), parked()
    client = signed_in_client(org.admin)

    assert client.post("/outbox/retry/", {"event": one.pk}).status_code == 302
    one.refresh_from_db()
    other.refresh_from_db()
    assert (one.state, one.attempts) == ("pending", 0)
    assert other.state == "parked"

    client.post("/outbox/retry/")
    other.refresh_from_db()
    assert other.state == "pending"


def test_a_forged_event_id_is_refused_without_an_error_page(org):
    event = parked()
    client = signed_in_client(org.admin)

    for forged in ("abc", "9" * 40, "1\x00", "-1"):
        response = client.post("/outbox/retry/", {"event": forged}, follow=True)
        assert response.status_code == 200
        assert "No such parked event." in response.text
    event.refresh_from_db()
    assert event.state == "parked"


def test_members_and_leads_may_not_see_or_retry_the_outbox(org):
    event = parked()
    for person in (org.member, org.lead):
        client = signed_in_client(person)
        assert client.get("/outbox/").status_code == 403
        assert client.post("/outbox/retry/", {"event": event.pk}).status_code == 403
    event.refresh_from_db()
    assert event.state == "parked"


def test_retrying_takes_a_post(org):
    assert signed_in_client(org.admin).get("/outbox/retry/").status_code == 405
