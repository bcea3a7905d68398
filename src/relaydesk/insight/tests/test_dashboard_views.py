"""The dashboards on known data: every figure with its n, open requests counted as open,
ratings hidden under k, CSV exports, and who may see which dashboard."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from relaydesk.events.worker import Worker
from relaydesk.feedback.models import ITEMS, Rating, Survey, SurveyAnswer
from relaydesk.servicerequests.services import request_create
from relaydesk.testing import signed_in_client


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def figure(table: list[list[str]], name: str) -> list[str]:
    return next(row for row in table if row[0].startswith(name))


def test_the_team_dashboard_counts_every_request_and_the_open_one_as_open(org, catalog, served):
    client = signed_in_client(org.lead)
    url = f"/insight/teams/{org.assembly.pk}/?period=30d&export=figures"

    got = client.get(url)

    assert got.status_code == 200
    assert got["Content-Type"].startswith("text/csv")
    got = rows(got)
    assert figure(got, "requests created")[1] == "3"
    assert figure(got, "requests finished")[1] == "2"
    assert figure(got, "open now")[1] == "1"
    on_time = figure(got, "resolution on time %")
    assert on_time[1:3] == ["100.0", "2"]  # 1 h and 2 h of business time, 8 h promised
    assert "small sample" in on_time[5]
    early = figure(got, "early %")
    assert early[1:3] == ["100.0", "2"]


def test_the_page_shows_figures_trend_and_drill_down(org, catalog, served):
    page = signed_in_client(org.admin).get("/insight/?period=90d")

    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text and 'id="trend"' in text
    assert f'href="/insight/teams/{org.plant.pk}/?period=90d"' in text  # drill down
    department = signed_in_client(org.admin).get(f"/insight/teams/{org.plant.pk}/")
    assert f'href="/insight/teams/{org.assembly.pk}/' in department.content.decode()


def test_satisfaction_is_hidden_under_k_and_shown_with_its_interval_from_k(org, catalog, settings):
    settings.RELAYDESK_MIN_GROUP = 3
    last_quarter = timezone.now().date().replace(day=1) - timedelta(days=100)

    def rate(n: int) -> None:
        Rating.objects.bulk_create(
            Rating(
                service=catalog.wheels,
                provider_team=org.assembly,
                satisfaction=5,
                ease=6,
                rated_on=last_quarter,
            )
            for _ in range(n)
        )

    client = signed_in_client(org.lead)
    url = f"/insight/teams/{org.assembly.pk}/?period=365d&export=figures"
    rate(2)
    hidden = figure(rows(client.get(url)), "satisfied")
    assert hidden[1:3] == ["", "2"] and "hidden" in hidden[5]
    rate(1)
    shown = figure(rows(client.get(url)), "satisfied")
    assert shown[1:3] == ["100.0", "3"] and "95 % interval 44-100 %" in shown[5]


def test_the_trend_and_drill_down_export_as_csv(org, catalog, served):
    client = signed_in_client(org.admin)

    trend = rows(client.get("/insight/?period=30d&export=trend"))
    lines = rows(client.get("/insight/?period=30d&export=lines"))

    assert trend[0][:2] == ["week from", "created"]
    assert sum(int(row[1]) for row in trend[1:]) == 3
    assert lines[1][:3] == ["Plant", "3", "2"]


@pytest.mark.parametrize(
    ("who", "where", "status"),
    [
        ("member", "team", 200),
        ("outsider", "team", 403),
        ("lead", "org", 403),
        ("admin", "org", 200),
        ("outsider", "service", 403),
        ("lead", "service", 200),
        ("lead", "person", 200),
        ("outsider", "person", 403),
    ],
)
def test_who_may_see_which_dashboard(org, catalog, who, where, status):
    urls = {
        "team": f"/insight/teams/{org.assembly.pk}/",
        "org": "/insight/",
        "service": f"/insight/services/{catalog.wheels.slug}/",
        "person": f"/insight/people/{org.member.pk}/",
    }
    assert signed_in_client(getattr(org, who)).get(urls[where]).status_code == status


@pytest.mark.parametrize(
    "query",
    ["period=fortnight", "period=custom&start=2026-02-01&end=2026-01-01", "period=custom&start=x"],
)
def test_a_bad_period_is_a_clear_400(org, query):
    got = signed_in_client(org.admin).get(f"/insight/?{query}")
    assert got.status_code == 400
    assert b"period" in got.content or b"start" in got.content


def test_the_team_dashboard_gives_its_latest_closed_survey_under_k_rules(org, settings):
    settings.RELAYDESK_MIN_GROUP = 3
    now = timezone.now()
    survey = Survey.objects.create(
        team=org.assembly,
        title="Autumn",
        window_start=now.date() - timedelta(days=90),
        window_end=now.date(),
        opens_at=now - timedelta(days=20),
        closes_at=now - timedelta(days=1),
    )
    answers = [(6, 10), (5, 9), (4, 3)]  # (every dimension, recommend)
    client = signed_in_client(org.lead)
    url = f"/insight/teams/{org.assembly.pk}/?export=figures"

    for score, recommend in answers[:2]:
        SurveyAnswer.objects.create(
            survey=survey, recommend=recommend, **dict.fromkeys(ITEMS, score)
        )
    assert "hidden" in figure(rows(client.get(url)), "survey 'Autumn'")[5]

    SurveyAnswer.objects.create(survey=survey, recommend=3, **dict.fromkeys(ITEMS, 4))
    table = rows(client.get(url))
    assert figure(table, "survey 'Autumn': reliability")[1:3] == ["5.0", "3"]
    recommend = figure(table, "survey 'Autumn': recommend")
    assert recommend[1:3] == ["33", "3"]  # 2 of 3 promoters, 1 detractor
    assert "margin of error" in recommend[5]


def test_a_lead_home_and_the_team_page_open_with_the_team_health(org, catalog, served):
    late = request_create(
        requester=org.outsider,
        service=catalog.wheels,
        title="Late",
        now=timezone.now() - timedelta(days=20),
    )
    Worker().run_until_idle()

    home = signed_in_client(org.lead).get("/").content.decode()
    team_page = signed_in_client(org.member).get(f"/teams/{org.assembly.pk}/").content.decode()
    outsider = signed_in_client(org.outsider).get(f"/teams/{org.assembly.pk}/").content.decode()

    for shown in (home, team_page):
        assert "Assembly at a glance" in shown
        assert "of 2 open" in shown  # late: the one from a week ago and the one from 20 days
        assert f'href="/insight/teams/{org.assembly.pk}/"' in shown
        assert "100 % of 2 finished" in shown or "nothing finished" in shown
    assert "at a glance" not in outsider
    assert late.pk


@pytest.mark.parametrize("extra", [0, 12])
def test_dashboards_cost_a_fixed_number_of_queries(
    org, catalog, served, extra, django_assert_num_queries
):
    for n in range(extra):
        request_create(requester=org.outsider, service=catalog.wheels, title=f"More {n}")
    Worker().run_until_idle()
    client = signed_in_client(org.admin)
    client.get("/")

    # session, person; the team tree; the organisation's days this period and the one before,
    # its top departments' days; the backlog; ratings, and by department; kudos
    with django_assert_num_queries(10):
        client.get("/insight/?period=90d")
    # session, person, the team; the tree; its days, the period before, its sub-teams' days; the
    # backlog; ratings, and by sub-team; kudos; the latest survey; the teams led
    with django_assert_num_queries(12):
        client.get(f"/insight/teams/{org.plant.pk}/?period=365d")


def test_a_custom_period_is_shown_by_month_with_its_days(org, served):
    half_year = "/insight/?period=custom&start=2026-01-01&end=2026-06-30"

    trend = rows(signed_in_client(org.admin).get(half_year + "&export=trend"))
    shown = signed_in_client(org.admin).get(half_year).content.decode()

    assert trend[0][0] == "month"  # by month past a quarter's worth of days
    assert [row[0] for row in trend[1:]] == [f"2026-0{month}-01" for month in range(1, 7)]
    assert 'value="2026-06-30"' in shown
    assert "2026-01-01 to 2026-06-30 (181 days, UTC)" in shown


def test_the_drill_down_hides_a_small_group_and_the_next_smallest_with_it(
    org, catalog, served, settings
):
    settings.RELAYDESK_MIN_GROUP = 3
    last_quarter = timezone.now().date().replace(day=1) - timedelta(days=100)
    Rating.objects.bulk_create(
        Rating(service=service, provider_team=team, satisfaction=5, ease=6, rated_on=last_quarter)
        for service, team, n in (
            (catalog.wheels, org.assembly, 6),
            (catalog.approvals, org.purchasing, 1),
        )
        for _ in range(n)
    )
    Rating.objects.bulk_create(
        Rating(
            service=catalog.wheels,
            provider_team=org.plant,
            satisfaction=2,
            ease=2,
            rated_on=last_quarter,
        )
        for _ in range(4)
    )

    lines = {
        row[0]: row[-2:]
        for row in rows(
            signed_in_client(org.admin).get(
                f"/insight/teams/{org.plant.pk}/?period=365d&export=lines"
            )
        )[1:]
    }

    assert lines["Purchasing"] == ["1", "hidden"]  # one rating: under k
    assert lines["Plant itself"] == ["4", "hidden"]  # the next smallest, or 11 - 6 tells it
    assert lines["Assembly"] == ["6", "100.0"]
