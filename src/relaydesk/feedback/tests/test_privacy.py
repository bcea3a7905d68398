"""An admin attacks the anonymity (SPEC §3.5): every place an anonymous author could show up
beside their answer is looked at, and none has it."""

import logging

import pytest
from django.test import Client

from relaydesk.events.models import OutboxEvent
from relaydesk.events.worker import Worker
from relaydesk.feedback import links
from relaydesk.feedback.models import RatedRequest, Rating
from relaydesk.feedback.tests.conftest import finished
from relaydesk.models import IdempotencyRecord
from relaydesk.notify.models import Notification
from relaydesk.testing import signed_in_client

SECRET = "SECRET-COMMENT-7"
THANKS = "Thanks from nobody in particular"


@pytest.fixture
def answered(org, catalog, settings, caplog):
    """Olga rates two requests anonymously, by the API (with a key) and by the emailed link,
    and thanks Assembly anonymously."""
    caplog.set_level(logging.DEBUG)
    settings.RELAYDESK_BASE_URL = ""
    by_api, by_link = finished(org, catalog.wheels), finished(org, catalog.wheels, title="Jack")
    Worker().run_until_idle()  # the done notifications, with their links, go out
    olga = signed_in_client(org.outsider)
    body = {"satisfaction": 1, "ease": 1, "comment": SECRET, "anonymous": True}
    headers = {"Idempotency-Key": "anon-1"}
    path = f"/api/v1/requests/{by_api.pk}/rating"
    assert (
        olga.post(path, body, content_type="application/json", headers=headers).status_code == 201
    )
    link = links.rating_link(by_link.pk)
    scores = {"satisfaction": "1", "ease": "1", "comment": SECRET, "anonymous": "on"}
    assert Client().post(link, scores).status_code == 302  # on to the thanks
    kudos = {"message": THANKS, "to_team_id": org.assembly.pk, "anonymous": True}
    assert olga.post("/api/v1/kudos", kudos, content_type="application/json").status_code == 201
    Worker().run_until_idle()
    return by_api, by_link


def _pages(org, requests) -> list[str]:
    pages = [
        "/",
        "/feedback/kudos/",
        "/feedback/mine/",
        "/feedback/unsung/",
        f"/teams/{org.assembly.pk}/feedback/",
        org.outsider.get_absolute_url(),
        org.assembly.get_absolute_url(),
        "/notifications/",
        "/admin/",
        f"/admin/directory/person/{org.outsider.pk}/delete/",
        f"/admin/directory/person/{org.outsider.pk}/change/",
    ]
    for shown in requests:
        pages += [
            shown.get_absolute_url(),
            f"/requests/{shown.pk}/rate/",
            f"/api/v1/requests/{shown.pk}",
            f"/api/v1/requests/{shown.pk}/rating",
        ]
    return [*pages, "/api/v1/kudos", f"/api/v1/teams/{org.assembly.pk}/feedback"]


def test_the_rows_keep_no_author_beside_an_anonymous_answer(org, answered):
    assert Rating.objects.count() == 2
    assert not Rating.objects.filter(author__isnull=False).exists()
    assert not Rating.objects.filter(request__isnull=False).exists()
    # That the requests were rated is kept, with nothing that leads to which rating.
    assert {field.name for field in RatedRequest._meta.get_fields()} == {"request"}


def test_no_page_or_endpoint_shows_an_admin_who_wrote_what(org, answered):
    admin = signed_in_client(org.admin)
    for path in _pages(org, answered):
        body = admin.get(path).content.decode()
        assert SECRET not in body, path  # 2 answers: under k, so not even the comment
        for line in body.split("<li")[1:]:
            assert THANKS not in line or "Olga" not in line, path
        assert not ("Olga" in body and THANKS in body and path.startswith("/api/")), path


def test_the_team_sees_the_thanks_but_not_from_whom(org, answered):
    for person in (org.lead, org.member):
        page = signed_in_client(person).get("/feedback/kudos/").content.decode()
        assert THANKS in page and "Someone" in page
        assert "Olga" not in page.split("Recent kudos")[1]
    told = Notification.objects.filter(kind="kudos")
    assert told.count() == 2 and all("Olga" not in n.title + n.body for n in told)


def test_the_outbox_carries_no_anonymous_author(org, answered):
    for event in OutboxEvent.objects.all():
        said = str(event.payload)
        if SECRET in said or THANKS in said:
            assert "Olga" not in said and "olga" not in said
            assert org.outsider.pk not in _numbers(event.payload)


def test_the_idempotency_table_keeps_no_trace_of_an_anonymous_answer(org, answered):
    assert not IdempotencyRecord.objects.exists()


def test_the_logs_do_not_tell_who_answered(org, answered, caplog):
    said = "\n".join(record.getMessage() for record in caplog.records)
    assert SECRET not in said and THANKS not in said


def test_the_requester_gets_no_special_view_of_their_anonymous_answer(org, answered):
    olga = signed_in_client(org.outsider)
    for shown in answered:
        assert olga.get(f"/api/v1/requests/{shown.pk}/rating").status_code == 404


def _numbers(value) -> set[int]:
    if isinstance(value, dict):
        return set().union(*(_numbers(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_numbers(v) for v in value)) if value else set()
    return {value} if isinstance(value, int) else set()


def test_an_admin_cannot_tell_who_answered_a_survey_what(org, catalog):
    from datetime import timedelta

    from django.utils import timezone

    from relaydesk.feedback.models import Survey, SurveyAnswer
    from relaydesk.feedback.services import survey_answer, survey_create
    from relaydesk.feedback.tests.test_surveys import ANSWER, _customers, _links

    customers = _customers(org, catalog, 6)
    survey = survey_create(
        actor=org.lead,
        team=org.assembly,
        title="How do we serve you?",
        window_start=timezone.localdate() - timedelta(days=3),
        window_end=timezone.localdate(),
        opens_at=timezone.now() - timedelta(minutes=1),
        closes_at=timezone.now() + timedelta(days=1),
    )
    Worker().run_until_idle()
    for n, person in enumerate(customers):
        survey_answer(token=_links(person)[0], answers=ANSWER, comment=f"{SECRET}-{n}")
    assert {f.name for f in SurveyAnswer._meta.get_fields()} == {
        "id",
        "survey",
        "own",
        "reliability",
        "responsiveness",
        "assurance",
        "empathy",
        "communication",
        "recommend",
        "comment",
    }
    admin = signed_in_client(org.admin)
    for path in (
        f"/surveys/{survey.pk}/",
        f"/api/v1/surveys/{survey.pk}/results",
        f"/teams/{org.assembly.pk}/surveys/",
    ):
        assert SECRET not in admin.get(path).content.decode(), path  # open: nothing shown yet
    for event in OutboxEvent.objects.filter(kind="feedback.survey"):
        assert SECRET not in str(event.payload)
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now())
    shown = admin.get(f"/api/v1/surveys/{survey.pk}/results").json()
    assert shown["customers"]["n"] == 6 and shown["customers"]["comments"] == []  # under 10
