"""Notifications in the API: my own, a page at a time; marking read."""

from datetime import timedelta

from django.utils import timezone

from relaydesk.notify.models import Notification
from relaydesk.testing import signed_in_client


def notify(person, n: int) -> Notification:
    return Notification.objects.create(
        recipient=person,
        kind="assigned",
        title=f"#{n} Fit tyres: assigned to Max Member",
        url=f"/requests/{n}/",
        source_key=f"request:{n}:2",
        created_at=timezone.now() - timedelta(minutes=100 - n),
    )


def test_it_lists_my_notifications_a_page_at_a_time(org, settings):
    settings.RELAYDESK_BASE_URL = "https://desk.example.com"
    for n in range(5):
        notify(org.member, n)
    notify(org.lead, 9)
    client = signed_in_client(org.member)

    first = client.get("/api/v1/notifications?limit=3").json()
    rest = client.get(f"/api/v1/notifications?limit=3&cursor={first['next_cursor']}").json()

    assert [item["title"][:2] for item in first["items"] + rest["items"]] == [
        "#4",
        "#3",
        "#2",
        "#1",
        "#0",
    ]
    assert first["items"][0]["url"] == "https://desk.example.com/requests/4/"
    assert first["items"][0]["kind"] == "assigned" and first["items"][0]["read_at"] is None
    assert rest["next_cursor"] is None


def test_marking_one_and_all_read(org):
    notes = [notify(org.member, n) for n in range(3)]
    client = signed_in_client(org.member)

    one = client.post(f"/api/v1/notifications/{notes[0].pk}/read")
    assert one.status_code == 200 and one.json()["read_at"] is not None
    assert client.get("/api/v1/notifications?unread=true").json()["items"][0]["id"] == notes[2].pk

    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 2}
    assert client.get("/api/v1/notifications?unread=true").json()["items"] == []


def test_nobody_reads_or_marks_anyone_elses(org, client):
    theirs = notify(org.lead, 9)
    other = signed_in_client(org.member)

    assert other.get("/api/v1/notifications").json()["items"] == []
    response = other.post(f"/api/v1/notifications/{theirs.pk}/read")
    assert response.status_code == 404 and response.json()["message"]
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert client.get("/api/v1/notifications").status_code == 401


def test_bad_paging_input_is_a_clear_error(org):
    client = signed_in_client(org.member)

    forged = client.get("/api/v1/notifications?cursor=forged")
    too_many = client.get("/api/v1/notifications?limit=5000")

    assert forged.status_code == 400 and forged.json()["errors"][0]["field"] == "cursor"
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "limit"
