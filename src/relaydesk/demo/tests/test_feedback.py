"""The demo's feedback: ratings that differ by service, clarity marks, kudos, and a closed
survey whose team rates itself higher than its customers do."""

from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.db.models import Avg, Count

from relaydesk.demo.feedback import build_feedback
from relaydesk.demo.history import build_activity
from relaydesk.demo.story import build_story
from relaydesk.feedback.models import ClarityMark, Kudos, RatedRequest, Rating, Survey
from relaydesk.feedback.selectors import survey_results

NOW = datetime(2026, 4, 15, 11, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        build_story()
        build_activity(requests=1500, seed=1, now=NOW)
        yield build_feedback(seed=1, now=NOW)
        transaction.set_rollback(True)


def test_it_rates_a_share_of_finished_requests_some_anonymously(built, db):
    assert built["ratings"] == Rating.objects.count() == RatedRequest.objects.count() > 100
    anonymous = Rating.objects.filter(author__isnull=True).count()
    assert 0.1 < anonymous / built["ratings"] < 0.4
    assert not Rating.objects.filter(author__isnull=True, request__isnull=False).exists()


def test_services_are_rated_differently(built, db):
    means = (
        Rating.objects.values("service")
        .annotate(n=Count("pk"), mean=Avg("satisfaction"))
        .filter(n__gte=20)
        .values_list("mean", flat=True)
    )
    assert max(means) - min(means) > 0.3


def test_it_marks_clarity_and_gives_kudos(built, db):
    assert ClarityMark.objects.filter(score__lte=2).exclude(reason="").exists()
    assert Kudos.objects.filter(giver__isnull=True).exists()
    assert Kudos.objects.filter(giver__isnull=False).exists()


def test_the_closed_survey_shows_the_self_survey_gap(built, db, settings):
    results = survey_results(survey=Survey.objects.get(), now=NOW)
    assert results.closed and results.customers.shown and results.own.shown
    assert results.customers.recommend.n == results.customers.n
    assert sum(results.gap.values()) > 0  # the team rates itself higher
