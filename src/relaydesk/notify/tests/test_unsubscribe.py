"""The unsubscribe link in every email: works without signing in, turns off that kind's email,
and a tampered link gets a clear 400 page."""

import pytest

from relaydesk.notify import services
from relaydesk.notify.models import Preference


@pytest.fixture
def link(org) -> str:
    return (
        f"/notifications/unsubscribe/{services.unsubscribe_token(person=org.member, kind='reply')}/"
    )


def test_opening_the_link_asks_first(org, client, link):
    response = client.get(link)

    assert response.status_code == 200
    assert "Stop emails to max.member@example.com for “A reply on a request I am on”?" in (
        response.text
    )
    assert not Preference.objects.exists()


def test_confirming_turns_that_kinds_email_off_without_signing_in(org, client, link):
    response = client.post(link)

    assert response.status_code == 302  # a reload of what it shows posts nothing again
    assert "Max Member gets no more email for" in client.get(response["Location"]).text
    assert list(Preference.objects.values_list("person", "kind", "channel", "enabled")) == [
        (org.member.pk, "reply", "email", False)
    ]


def test_a_mail_programs_one_click_post_works(org, link):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(link, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert Preference.objects.filter(person=org.member, enabled=False).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_refused_clearly(org, client, link, method):
    token = link.split("/")[-2]
    forged = services.unsubscribe_token(person=org.lead, kind="reply").split(":")[0]
    for bad in (token[:-3] + "abc", forged + ":" + token.split(":", 1)[1], "nonsense"):
        response = getattr(client, method)(f"/notifications/unsubscribe/{bad}/")

        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.text
    assert not Preference.objects.exists()
