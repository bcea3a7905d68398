from datetime import timedelta

import pytest
from django.utils import timezone

from relaydesk.errors import Conflict, InvalidInput, NotFound
from relaydesk.feedback.models import RatedRequest, Rating
from relaydesk.feedback.services import rating_change, rating_give
from relaydesk.servicerequests.services import request_create


def test_the_requester_rates_a_finished_request_once(org, done):
    rating = rating_give(request=done, author=org.outsider, satisfaction=5, ease=6, comment="Fast")
    assert (rating.request, rating.author, rating.provider_person) == (
        done,
        org.outsider,
        org.member,
    )
    assert rating.provider_team == done.provider_team
    with pytest.raises(Conflict, match="one rating per request"):
        rating_give(request=done, author=org.outsider, satisfaction=1, ease=1)
    assert Rating.objects.get().satisfaction == 5


def test_an_anonymous_rating_keeps_no_author_no_request_and_no_day(org, done):
    rating = rating_give(request=done, author=org.outsider, satisfaction=4, ease=5, anonymous=True)
    rating.refresh_from_db()
    assert (rating.author, rating.request, rating.given_at) == (None, None, None)
    assert rating.rated_on.weekday() == 0  # the Monday of its week, not the day
    assert RatedRequest.objects.filter(request=done).exists()


@pytest.mark.parametrize(
    ("satisfaction", "ease", "field"),
    [
        (0, 4, "satisfaction"),
        (6, 4, "satisfaction"),
        (3, 0, "ease"),
        (3, 9, "ease"),
        (True, 4, "satisfaction"),
    ],
)
def test_scores_off_the_scale_are_refused_naming_the_field(org, done, satisfaction, ease, field):
    with pytest.raises(InvalidInput) as refused:
        rating_give(request=done, author=org.outsider, satisfaction=satisfaction, ease=ease)
    assert field in refused.value.errors
    assert not Rating.objects.exists() and not RatedRequest.objects.exists()


def test_a_comment_with_a_null_character_is_refused(org, done):
    with pytest.raises(InvalidInput, match="comment: null characters"):
        rating_give(request=done, author=org.outsider, satisfaction=3, ease=3, comment="a\x00b")


def test_someone_else_may_not_rate_the_request(org, done):
    with pytest.raises(NotFound):
        rating_give(request=done, author=org.admin, satisfaction=5, ease=7)


def test_an_open_request_cannot_be_rated_yet(org, catalog):
    open_one = request_create(requester=org.outsider, service=catalog.wheels, title="Tyres")
    with pytest.raises(Conflict, match="once it is done"):
        rating_give(request=open_one, author=org.outsider, satisfaction=5, ease=7)


def test_a_named_rating_may_be_changed_for_a_week(org, done):
    given = timezone.now()
    rating_give(request=done, author=org.outsider, satisfaction=2, ease=2, now=given)
    changed = rating_change(
        request=done, author=org.outsider, satisfaction=4, ease=6, now=given + timedelta(days=6)
    )
    assert (changed.satisfaction, changed.ease) == (4, 6)
    with pytest.raises(Conflict, match="7 days"):
        rating_change(
            request=done,
            author=org.outsider,
            satisfaction=5,
            ease=7,
            now=given + timedelta(days=7, seconds=1),
        )
    assert Rating.objects.get().satisfaction == 4


def test_an_anonymous_rating_cannot_be_changed(org, done):
    rating_give(request=done, author=org.outsider, satisfaction=2, ease=2, anonymous=True)
    with pytest.raises(NotFound):
        rating_change(request=done, author=org.outsider, satisfaction=5, ease=7)
