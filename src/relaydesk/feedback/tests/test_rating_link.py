"""The signed link in the "done" notification: works without signing in, for 7 days, once."""

import time

from django.core import signing
from django.test import Client

from relaydesk.feedback import links
from relaydesk.feedback.models import RatedRequest, Rating
from relaydesk.notify.rules import request_notice

SCORES = {"satisfaction": "5", "ease": "7", "comment": "Quick and friendly"}


def _path(request_id: int) -> str:
    return links.rating_link(request_id).removeprefix("http://testserver")


def test_the_done_notification_carries_the_rating_link(org, done, settings):
    settings.RELAYDESK_BASE_URL = "https://desk.example.com"
    notice = request_notice(
        {"request_id": done.pk, "kind": "status", "actor_id": org.member.pk, "data": {"to": "done"}}
    )
    assert "How was it? Rate it: https://desk.example.com/feedback/rate/" in notice.body
    token = notice.body.rsplit("/feedback/rate/", 1)[1].rstrip("/")
    assert links.request_id_of(token) == done.pk


def test_the_link_rates_without_signing_in_and_only_once(org, done, settings):
    settings.RELAYDESK_BASE_URL = ""
    client = Client()
    path = _path(done.pk)
    assert client.get(path).status_code == 200
    answer = client.post(path, SCORES)
    assert answer.status_code == 302  # a reload of the thanks sends nothing again
    assert "Thank you" in client.get(answer["Location"]).text
    rating = Rating.objects.get()
    assert (rating.author, rating.satisfaction, rating.ease) == (org.outsider, 5, 7)
    again = client.post(path, SCORES | {"satisfaction": "1"})
    assert again.status_code == 409
    assert b"used already" in again.content
    assert Rating.objects.get().satisfaction == 5


def test_an_anonymous_rating_by_link_keeps_no_author(org, done, settings):
    settings.RELAYDESK_BASE_URL = ""
    Client().post(_path(done.pk), SCORES | {"anonymous": "on"})
    assert Rating.objects.get().author is None


def test_a_link_older_than_7_days_is_refused(org, done, settings, monkeypatch):
    settings.RELAYDESK_BASE_URL = ""
    eight_days_ago = time.time() - 8 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: eight_days_ago)
    path = _path(done.pk)
    monkeypatch.undo()
    answer = Client().post(path, SCORES)
    assert answer.status_code == 400
    assert b"expired" in answer.content
    assert not RatedRequest.objects.exists()


def test_a_forged_or_mangled_link_is_refused(org, done, settings):
    settings.RELAYDESK_BASE_URL = ""
    forged = signing.TimestampSigner(salt="something.else").sign(str(done.pk))
    for token in (forged, links.rating_token(done.pk) + "x", "42"):
        answer = Client().post(f"/feedback/rate/{token}/", SCORES)
        assert answer.status_code == 400
        assert b"not a rating link" in answer.content
    assert not RatedRequest.objects.exists()


def test_bad_scores_by_link_name_the_field_and_burn_nothing(org, done, settings):
    settings.RELAYDESK_BASE_URL = ""
    answer = Client().post(_path(done.pk), SCORES | {"satisfaction": "9"})
    assert answer.status_code == 400
    assert b"Select a valid choice" in answer.content
    assert not RatedRequest.objects.exists()
