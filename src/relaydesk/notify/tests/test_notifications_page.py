"""The notifications page: one's own, newest first, a page at a time; marking read takes a POST."""

from datetime import timedelta

import pytest
from django.utils import timezone

from relaydesk.notify.models import Notification
from relaydesk.testing import signed_in_client


def notify(person, n: int, **fields) -> Notification:
    return Notification.objects.create(
        recipient=person,
        kind="reply",
        title=f"#{n} Fit tyres: Lena Lead replied",
        body="On it.",
        url=f"/requests/{n}/",
        source_key=f"request:{n}:1",
        created_at=timezone.now() - timedelta(minutes=100 - n),
        **fields,
    )


def test_it_lists_my_notifications_newest_first_with_the_unread_count(org):
    for n in range(3):
        notify(org.member, n)
    notify(org.member, 3, read_at=timezone.now())

    text = signed_in_client(org.member).get("/notifications/").text

    assert text.index("#3 Fit tyres") < text.index("#2 Fit tyres") < text.index("#0 Fit tyres")
    assert '<span class="badge">3<span class="visually-hidden"> unread</span></span>' in text
    assert text.count("Mark read</button>") == 3


def test_it_pages_with_a_cursor(org, settings):
    for n in range(30):
        notify(org.member, n)
    client = signed_in_client(org.member)

    first = client.get("/notifications/")
    second = client.get(f"/notifications/?after={first.context['page'].next_cursor}")

    assert [note.title[:3] for note in first.context["page"].items][:2] == ["#29", "#28"]
    assert len(first.context["page"].items) == 25
    assert [note.title[:3] for note in second.context["page"].items] == [
        f"#{n} " for n in range(4, -1, -1)
    ]
    assert client.get("/notifications/?after=forged").status_code == 400


def test_marking_one_read_and_opening_it(org):
    note = notify(org.member, 7)
    client = signed_in_client(org.member)

    opened = client.post(f"/notifications/{note.pk}/read/", {"open": "1"})

    assert opened.status_code == 302 and opened["Location"] == "/requests/7/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert client.get(f"/notifications/{note.pk}/read/").status_code == 405


def test_marking_all_read(org):
    notes = [notify(org.member, n) for n in range(3)]
    theirs = notify(org.lead, 9)

    response = signed_in_client(org.member).post("/notifications/read-all/")

    assert response.status_code == 302
    assert all(Notification.objects.get(pk=n.pk).read_at for n in notes)
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_nobody_sees_or_marks_anyone_elses_notifications(org, client):
    theirs = notify(org.lead, 9)
    other = signed_in_client(org.member)

    assert "#9 Fit tyres" not in other.get("/notifications/").text
    assert other.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert client.get("/notifications/").status_code == 302  # signed out: to sign in


@pytest.mark.parametrize("rows", [2, 20])
def test_the_page_costs_a_fixed_number_of_queries(org, rows, django_assert_num_queries):
    for n in range(rows):
        notify(org.member, n)
    client = signed_in_client(org.member)
    client.get("/notifications/")

    with django_assert_num_queries(4):  # session, person, the page, the bell
        client.get("/notifications/")
