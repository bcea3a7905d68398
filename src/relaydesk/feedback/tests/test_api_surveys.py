from datetime import timedelta

from django.test import Client
from django.utils import timezone

from relaydesk.events.worker import Worker
from relaydesk.feedback.models import Survey, SurveyAnswer
from relaydesk.feedback.tests.test_surveys import ANSWER, _customers, _links
from relaydesk.models import IdempotencyRecord
from relaydesk.testing import signed_in_client


def _body():
    now, today = timezone.now(), timezone.localdate()
    return {
        "title": "How do we serve you?",
        "window_start": str(today - timedelta(days=30)),
        "window_end": str(today),
        "opens_at": (now - timedelta(minutes=1)).isoformat(),
        "closes_at": (now + timedelta(days=7)).isoformat(),
    }


def test_a_lead_starts_a_survey_and_invitees_answer_without_signing_in(org, catalog):
    customers = _customers(org, catalog, 5)
    lead = signed_in_client(org.lead)
    made = lead.post(
        f"/api/v1/teams/{org.assembly.pk}/surveys",
        _body(),
        content_type="application/json",
        headers={"Idempotency-Key": "s-1"},
    )
    assert made.status_code == 201 and made.json()["invited"] == 5
    Worker().run_until_idle()
    for person in customers:
        token = _links(person)[0]
        answer = Client().post(
            "/api/v1/surveys/answers", ANSWER | {"token": token}, content_type="application/json"
        )
        assert answer.status_code == 204
    again = Client().post(
        "/api/v1/surveys/answers",
        ANSWER | {"token": _links(customers[0])[0]},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert SurveyAnswer.objects.count() == 5
    # Only the lead's create left a record; the anonymous answers left none.
    assert list(IdempotencyRecord.objects.values_list("person_id", flat=True)) == [org.lead.pk]
    survey_id = made.json()["id"]
    shown = lead.get(f"/api/v1/surveys/{survey_id}/results").json()
    assert (shown["closed"], shown["customers"]["shown"]) == (False, False)
    Survey.objects.filter(pk=survey_id).update(closes_at=timezone.now())
    shown = lead.get(f"/api/v1/surveys/{survey_id}/results").json()
    assert shown["customers"]["means"]["reliability"] == 6.0
    assert shown["customers"]["recommend"] == {"score": 100.0, "margin": 0.0, "n": 5}
    assert shown["gap"] is None


def test_bad_survey_input_is_refused_naming_the_field(org, catalog):
    _customers(org, catalog, 1)
    lead = signed_in_client(org.lead)
    body = _body()
    body["closes_at"] = body["opens_at"]
    answer = lead.post(
        f"/api/v1/teams/{org.assembly.pk}/surveys", body, content_type="application/json"
    )
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "closes_at"
    bad = Client().post(
        "/api/v1/surveys/answers",
        ANSWER | {"token": "x", "empathy": 0},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "empathy"


def test_others_may_not_start_or_read_a_teams_survey(org, catalog):
    _customers(org, catalog, 1)
    for person in (org.member, org.outsider):
        client = signed_in_client(person)
        made = client.post(
            f"/api/v1/teams/{org.assembly.pk}/surveys", _body(), content_type="application/json"
        )
        assert made.status_code == 403
    survey = (
        signed_in_client(org.lead)
        .post(f"/api/v1/teams/{org.assembly.pk}/surveys", _body(), content_type="application/json")
        .json()
    )
    outsider = signed_in_client(org.outsider)
    assert outsider.get(f"/api/v1/surveys/{survey['id']}/results").status_code == 403
    assert outsider.post(f"/api/v1/surveys/{survey['id']}/reminders").status_code == 403
