"""Survey campaigns: invitees from the team's actual customers, one answer per invitee kept
with no name, results once closed, from k answers, with the team's own gap."""

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from relaydesk.directory.models import Person
from relaydesk.errors import Conflict, InvalidInput
from relaydesk.events.worker import Worker
from relaydesk.feedback.models import Invitation, Survey, SurveyAnswer
from relaydesk.feedback.services import survey_answer, survey_create, survey_remind
from relaydesk.notify.models import Notification
from relaydesk.servicerequests.services import request_create
from relaydesk.testing import signed_in_client

ANSWER = {
    "reliability": 6,
    "responsiveness": 5,
    "assurance": 7,
    "empathy": 4,
    "communication": 5,
    "recommend": 9,
}


def _customers(org, catalog, n: int) -> list[Person]:
    people = []
    for i in range(n):
        person = Person.objects.create(
            email=f"c{i}@example.com", name=f"Customer {i}", team=org.purchasing
        )
        request_create(requester=person, service=catalog.wheels, title=f"Tyres {i}")
        people.append(person)
    return people


def _survey(org, **changes) -> Survey:
    now = timezone.now()
    today = timezone.localdate()
    given = {
        "actor": org.lead,
        "team": org.assembly,
        "title": "How do we serve you?",
        "window_start": today - timedelta(days=30),
        "window_end": today,
        "opens_at": now - timedelta(minutes=1),
        "closes_at": now + timedelta(days=14),
    }
    return survey_create(**(given | changes))


def _links(person: Person) -> list[str]:
    told = Notification.objects.filter(recipient=person, kind="survey").order_by("-id")
    return [re.search(r"/surveys/answer/([^/]+)/", n.url).group(1) for n in told]


def test_invitees_are_the_teams_customers_over_the_window(org, catalog):
    customers = _customers(org, catalog, 3)
    request_create(requester=org.member, service=catalog.wheels, title="Our own")
    survey = _survey(org)
    invited = set(survey.invitations.values_list("person_id", flat=True))
    assert invited == {p.pk for p in customers}  # not Max, who sits in Assembly
    Worker().run_until_idle()
    assert len(_links(customers[0])) == 1
    assert Notification.objects.get(recipient=customers[0]).title == (
        "Survey invitation: How do we serve you?"
    )


def test_a_window_with_nobody_asking_is_refused(org, catalog):
    _customers(org, catalog, 1)
    long_ago = date(2020, 1, 1)
    with pytest.raises(InvalidInput, match="window_start: nobody outside the team"):
        _survey(org, window_start=long_ago, window_end=long_ago + timedelta(days=5))


def test_only_the_teams_lead_starts_a_survey(org, catalog):
    _customers(org, catalog, 1)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _survey(org, actor=org.member)


def test_each_invitee_answers_once_and_the_answer_keeps_no_name(org, catalog):
    [customer] = _customers(org, catalog, 1)
    _survey(org)
    Worker().run_until_idle()
    [token] = _links(customer)
    answer = survey_answer(token=token, answers=ANSWER, comment="Fine")
    assert {f.name for f in SurveyAnswer._meta.get_fields()} >= {"survey", "own"}
    assert not {"person", "invitation", "created_at"} & {
        f.name for f in SurveyAnswer._meta.get_fields()
    }
    assert answer.reliability == 6 and Invitation.objects.get().used
    with pytest.raises(Conflict, match="answered with this link already"):
        survey_answer(token=token, answers=ANSWER)
    assert SurveyAnswer.objects.count() == 1


@pytest.mark.parametrize(
    ("changed", "field"),
    [
        ({"reliability": 0}, "reliability"),
        ({"empathy": 8}, "empathy"),
        ({"recommend": 11}, "recommend"),
        ({"recommend": None}, "recommend"),
    ],
)
def test_answers_off_the_scale_are_refused_and_burn_nothing(org, catalog, changed, field):
    [customer] = _customers(org, catalog, 1)
    _survey(org)
    Worker().run_until_idle()
    [token] = _links(customer)
    with pytest.raises(InvalidInput) as refused:
        survey_answer(token=token, answers=ANSWER | changed)
    assert field in refused.value.errors
    assert not Invitation.objects.get().used


def test_an_answer_after_the_survey_closed_is_refused(org, catalog):
    [customer] = _customers(org, catalog, 1)
    survey = _survey(org)
    Worker().run_until_idle()
    [token] = _links(customer)
    with pytest.raises(Conflict, match="closed"):
        survey_answer(token=token, answers=ANSWER, now=survey.closes_at)
    page = Client().post(f"/surveys/answer/{token}/", {k: str(v) for k, v in ANSWER.items()})
    assert page.status_code == 302  # still open now: on to the thanks
    assert "are in, with no name beside them" in Client().get(page["Location"]).text
    assert Client().get(f"/surveys/answer/{token}/").status_code == 409  # used


def test_a_forged_link_is_refused(org, catalog):
    assert Client().get("/surveys/answer/not-a-token/").status_code == 400
    with pytest.raises(InvalidInput, match="link"):
        survey_answer(token="not-a-token", answers=ANSWER)


def test_reminders_reach_only_those_who_have_not_answered_with_a_fresh_link(org, catalog):
    first, second = _customers(org, catalog, 2)
    survey = _survey(org)
    Worker().run_until_idle()
    [token] = _links(first)
    survey_answer(token=token, answers=ANSWER)
    assert survey_remind(actor=org.lead, survey=survey) == 1
    Worker().run_until_idle()
    assert len(_links(first)) == 1
    fresh, old = _links(second)
    assert Client().get(f"/surveys/answer/{old}/").status_code == 400
    assert Client().get(f"/surveys/answer/{fresh}/").status_code == 200


def test_results_per_dimension_recommend_and_gap_once_closed(org, catalog):
    customers = _customers(org, catalog, 5)
    for n in range(3):
        Person.objects.create(email=f"m{n}@example.com", name=f"Member {n}", team=org.assembly)
    survey = _survey(org, self_survey=True)
    Worker().run_until_idle()
    recommend = [10, 9, 8, 6, 3]
    for person, score in zip(customers, recommend, strict=True):
        survey_answer(token=_links(person)[0], answers=ANSWER | {"recommend": score})
    team = Person.objects.filter(team=org.assembly)
    for person in team:
        survey_answer(token=_links(person)[0], answers=ANSWER | {"reliability": 7, "recommend": 10})
    lead = signed_in_client(org.lead)
    assert b"Results are shown once the survey closes" in lead.get(f"/surveys/{survey.pk}/").content
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now())
    page = lead.get(f"/surveys/{survey.pk}/").content.decode()
    # 2 promoters, 2 detractors of 5: 0 ± 1.96 * sqrt(0.8 / 5) * 100 = 78
    assert "Recommend score: <strong>0</strong> ± 78" in page
    assert '<th scope="row">Reliability</th><td>6.0</td><td>7.0</td><td>1.0</td>' in page


def test_fewer_than_k_answers_show_nothing(org, catalog):
    customers = _customers(org, catalog, 4)
    survey = _survey(org, closes_at=timezone.now() + timedelta(seconds=30))
    Worker().run_until_idle()
    for person in customers:
        survey_answer(token=_links(person)[0], answers=ANSWER, comment="Slow")
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now())
    page = signed_in_client(org.admin).get(f"/surveys/{survey.pk}/").content.decode()
    assert "4 answers: fewer than 5, so nothing is shown" in page
    assert "Slow" not in page and "Recommend" not in page


def test_only_the_teams_members_and_leads_see_its_surveys(org, catalog):
    _customers(org, catalog, 1)
    survey = _survey(org)
    outsider = signed_in_client(org.outsider)
    assert outsider.get(f"/surveys/{survey.pk}/").status_code == 403
    assert outsider.get(f"/teams/{org.assembly.pk}/surveys/").status_code == 403
    assert outsider.post(f"/surveys/{survey.pk}/").status_code == 403
    assert signed_in_client(org.member).get(f"/surveys/{survey.pk}/").status_code == 200


def test_an_open_survey_reminds_by_itself_once_halfway_through(org, catalog):
    from relaydesk.feedback.services import survey_reminders_send

    first, second = _customers(org, catalog, 2)
    survey = _survey(org)
    Worker().run_until_idle()
    survey_answer(token=_links(first)[0], answers=ANSWER)
    assert survey_reminders_send(now=survey.opens_at + timedelta(days=6)) == 0  # not halfway yet
    halfway = survey.opens_at + (survey.closes_at - survey.opens_at) / 2
    assert survey_reminders_send(now=halfway) == 1
    assert survey_reminders_send(now=halfway + timedelta(hours=1)) == 0  # once
    Worker().run_until_idle()
    assert (len(_links(first)), len(_links(second))) == (1, 2)
    assert Notification.objects.filter(
        recipient=second, title__startswith="Survey reminder"
    ).exists()
