import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from relaydesk.cli import command_line
from relaydesk.feedback.tests.conftest import anonymous_ratings

Q1 = date(2026, 2, 10)


def _report(*args: str) -> str:
    out = StringIO()
    call_command("report_feedback", *args, stdout=out)
    return out.getvalue()


def test_it_is_spelled_as_two_words():
    assert command_line(["report", "feedback", "--team", "Assembly"])[0] == "report_feedback"


def test_the_team_report_prints_the_share_its_interval_n_and_effort(org, catalog):
    anonymous_ratings(catalog.wheels, org.member, Q1, [(5, 7)] * 8 + [(2, 3)] * 2)
    table = _report("--team", "Plant / Assembly")
    assert "Wheel fitting  10  80%        49%  94%   80%" in table
    shown = json.loads(_report("--team", "Assembly", "--format", "json"))
    assert shown["groups"][0] == {
        "group": "Wheel fitting",
        "n": 10,
        "satisfied": 0.8,
        "low": 0.4902,
        "high": 0.9433,
        "easy": 0.8,
    }
    assert _report("--service", "wheel-fitting", "--format", "csv").splitlines() == [
        "group,n,satisfied,low,high,easy",
        "Wheel fitting,10,0.8,0.4902,0.9433,0.8",
    ]


def test_a_group_under_k_is_hidden_in_every_format(org, catalog):
    anonymous_ratings(catalog.wheels, org.member, Q1, [(1, 1)] * 3)
    assert "Wheel fitting  3  hidden" in _report("--team", "Assembly")
    assert "Wheel fitting,3,,,," in _report("--service", "wheel-fitting", "--format", "csv")
    assert json.loads(_report("--team", "Assembly", "--format", "json"))["groups"][0]["low"] is None


def test_unknown_teams_and_services_are_refused(org, catalog):
    with pytest.raises(CommandError, match="no team"):
        _report("--team", "Nowhere")
    with pytest.raises(CommandError, match="no service has the slug 'nope'"):
        _report("--service", "nope")


def _closed_survey(org, customers: list[tuple[int, int]], own: list[tuple[int, int]]):
    """A survey of Assembly that closed yesterday: (score on every item, recommend) answers."""
    from datetime import timedelta

    from django.utils import timezone

    from relaydesk.feedback.models import ITEMS, Survey, SurveyAnswer

    now = timezone.now()
    survey = Survey.objects.create(
        team=org.assembly,
        title="Autumn",
        window_start=date(2026, 6, 1),
        window_end=date(2026, 9, 30),
        opens_at=now - timedelta(days=14),
        closes_at=now - timedelta(days=1),
    )
    for is_own, answers in ((False, customers), (True, own)):
        for score, recommend in answers:
            SurveyAnswer.objects.create(
                survey=survey, own=is_own, recommend=recommend, **dict.fromkeys(ITEMS, score)
            )
    return survey


def test_the_team_report_gives_its_latest_closed_survey_with_the_gap(org, catalog):
    _closed_survey(org, customers=[(4, 10)] * 3 + [(5, 6)] * 2, own=[(6, 9)] * 5)

    shown = json.loads(_report("--team", "Assembly", "--format", "json"))["survey"]
    table = _report("--team", "Assembly")

    assert shown["n"] == 5 and shown["shown"]
    assert shown["dimensions"]["reliability"] == 4.4
    assert shown["gap"]["reliability"] == pytest.approx(1.6)
    assert shown["recommend"] == 20.0  # 60 % promoters minus 40 % detractors
    assert "reliability: 4.40 of 7 (the team's own view +1.60)" in table
    assert "recommend: +20 ±" in table


def test_a_survey_under_k_answers_is_hidden_in_the_report(org, catalog):
    _closed_survey(org, customers=[(2, 0)] * 4, own=[])

    shown = json.loads(_report("--team", "Assembly", "--format", "json"))["survey"]

    assert shown["shown"] is False and shown["dimensions"] == {} and shown["recommend"] is None
    assert "4 answers: hidden (fewer than k)" in _report("--team", "Assembly")
