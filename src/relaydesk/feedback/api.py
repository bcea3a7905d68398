"""Feedback in the API: rating a finished request, the clarity mark, kudos and team figures.

An anonymous rating or kudos sent with an Idempotency-Key leaves no idempotency record (which
keeps the person beside the answer): a rating is one per request anyway, so a retry gets 409.
"""

import functools
import json
from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from relaydesk.api_schemas import (
    BoundedDate,
    BoundedDateTime,
    DatabaseId,
    responses,
)
from relaydesk.directory.models import Person, Team
from relaydesk.errors import InvalidInput, NotFound
from relaydesk.feedback import selectors, services
from relaydesk.feedback.forms import FeedbackFilterForm
from relaydesk.feedback.models import (
    COMMENT_LENGTH,
    KUDOS_LENGTH,
    REASON_LENGTH,
    Kudos,
    Rating,
    Survey,
)
from relaydesk.idempotency import idempotent
from relaydesk.servicerequests.models import Request
from relaydesk.servicerequests.permissions import visible_requests

router = Router(tags=["feedback"])


def _anonymous(request: HttpRequest) -> bool:
    try:
        # Anything but a plain "no" counts: a lax "true" must not leave a record either.
        return json.loads(request.body).get("anonymous", False) is not False
    except (ValueError, AttributeError):
        return False


idempotent_unless_anonymous = functools.partial(idempotent, unless=_anonymous)


class RatingIn(Schema):
    satisfaction: int = Field(description="1 (very unsatisfied) to 5 (very satisfied).")
    ease: int = Field(description='"They made it easy for me": 1 (disagree) to 7 (agree).')
    comment: str = Field("", max_length=COMMENT_LENGTH)
    anonymous: bool = Field(
        False,
        description="Counted only in team figures; no author is kept beside it, and it cannot "
        "be changed.",
    )


class RatingChangeIn(Schema):
    satisfaction: int
    ease: int
    comment: str = Field("", max_length=COMMENT_LENGTH)


class RatingOut(Schema):
    request_id: int | None = Field(description="Null when anonymous.")
    satisfaction: int
    ease: int
    comment: str
    anonymous: bool
    rated_on: date


class ClarityIn(Schema):
    score: int = Field(description="1 (unclear) to 5 (clear and complete).")
    reason: str = Field("", max_length=REASON_LENGTH, examples=["missing the cost centre"])


class ClarityOut(Schema):
    request_id: int
    score: int
    reason: str


class KudosIn(Schema):
    message: str = Field(max_length=KUDOS_LENGTH, examples=["Thank you for the quick fix!"])
    to_person_id: DatabaseId | None = None
    to_team_id: DatabaseId | None = None
    request_id: DatabaseId | None = None
    public: bool = True
    anonymous: bool = False


class KudosOut(Schema):
    id: int
    giver: str | None = Field(description="The giver's name; null when anonymous.")
    to_person_id: int | None
    to_team_id: int | None
    to_name: str
    request_id: int | None
    message: str
    public: bool
    created_at: datetime

    @staticmethod
    def resolve_giver(kudos: Kudos) -> str | None:
        return None if kudos.anonymous else kudos.giver.name

    @staticmethod
    def resolve_to_name(kudos: Kudos) -> str:
        return kudos.recipient.name


class ShareOut(Schema):
    share: float
    low: float
    high: float
    n: int


class FiguresOut(Schema):
    n: int = Field(description="Ratings in the group (shown even when its figures are not).")
    satisfaction: ShareOut | None = Field(description="Share of 4-5; null when suppressed.")
    ease: ShareOut | None = Field(description="Share of 5-7; null when suppressed.")
    comments: list[str] = Field(description="Only for groups of 10 or more.")


class ServiceFiguresOut(Schema):
    service: str
    by_quarter: dict[str, FiguresOut]
    all: FiguresOut


class SelectionOut(Schema):
    shown: bool = Field(
        description="False when the table's own figures do not already tell the selection's: "
        "then its figures are null, so no filter or difference of two reveals a small group."
    )
    figures: FiguresOut


class TeamFeedbackOut(Schema):
    team_id: int
    k: int
    quarters: list[str]
    services: list[ServiceFiguresOut]
    by_quarter: dict[str, FiguresOut]
    total: FiguresOut
    selection: SelectionOut | None = Field(
        None, description="The free filter's figures, when a service, first or last is given."
    )


class FeedbackFilterParams(Schema):
    service: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, description="Services by name (any number); all when none."
    )
    first: str | None = Field(None, max_length=7, examples=["2026-Q1"], description="From quarter")
    last: str | None = Field(None, max_length=7, examples=["2026-Q3"], description="To quarter")


def _rating_out(rating: Rating) -> RatingOut:
    return RatingOut(
        request_id=rating.request_id,
        satisfaction=rating.satisfaction,
        ease=rating.ease,
        comment=rating.comment,
        anonymous=rating.anonymous,
        rated_on=rating.rated_on,
    )


def _own_request(request: HttpRequest, request_id: int) -> Request:
    found = Request.objects.filter(pk=request_id, requester=request.auth).first()
    if found is None:
        raise NotFound("there is no such request of yours")
    return found


@router.post("/requests/{request_id}/rating", response=responses(201, RatingOut, 404, 409, 422))
@idempotent_unless_anonymous
def rating_create(request: HttpRequest, request_id: DatabaseId, payload: RatingIn):
    """Rate your own finished request: once per request."""
    rating = services.rating_give(
        request=_own_request(request, request_id), author=request.auth, **payload.dict()
    )
    return Status(201, _rating_out(rating))


@router.put("/requests/{request_id}/rating", response=responses(200, RatingOut, 404, 409, 422))
def rating_update(request: HttpRequest, request_id: DatabaseId, payload: RatingChangeIn):
    """Change your named rating, within 7 days of giving it."""
    rating = services.rating_change(
        request=_own_request(request, request_id), author=request.auth, **payload.dict()
    )
    return Status(200, _rating_out(rating))


@router.get("/requests/{request_id}/rating", response=responses(200, RatingOut, 404))
def rating_read(request: HttpRequest, request_id: DatabaseId):
    """Your own named rating of a request (an anonymous one is nobody's, yours included)."""
    rating = Rating.objects.filter(request=_own_request(request, request_id)).first()
    if rating is None:
        raise NotFound("you have no named rating of this request")
    return Status(200, _rating_out(rating))


@router.put("/requests/{request_id}/clarity", response=responses(200, ClarityOut, 403, 404, 422))
def clarity_put(request: HttpRequest, request_id: DatabaseId, payload: ClarityIn):
    """Mark how clear and complete a request you work on was."""
    marked = get_object_or_404(
        Request.objects.filter(visible_requests(request.auth)), pk=request_id
    )
    mark = services.clarity_mark(request=marked, by=request.auth, **payload.dict())
    return Status(200, ClarityOut(request_id=request_id, score=mark.score, reason=mark.reason))


@router.post("/kudos", response=responses(201, KudosOut, 404, 422))
@idempotent_unless_anonymous
def kudos_create(request: HttpRequest, payload: KudosIn):
    """Thank a person or a team, optionally for a request you may see."""
    thanked = None
    if payload.request_id is not None:
        thanked = Request.objects.filter(pk=payload.request_id).first()
        if thanked is None:
            raise NotFound("there is no such request, or it is not yours to see")
    people = Person.objects.filter(pk=payload.to_person_id) if payload.to_person_id else None
    teams = Team.objects.filter(pk=payload.to_team_id) if payload.to_team_id else None
    to_person = people.first() if people is not None else None
    to_team = teams.first() if teams is not None else None
    if (payload.to_person_id and to_person is None) or (payload.to_team_id and to_team is None):
        raise InvalidInput({"to": ["no such person or team"]})
    kudos = services.kudos_give(
        giver=request.auth,
        message=payload.message,
        to_person=to_person,
        to_team=to_team,
        request=thanked,
        public=payload.public,
        anonymous=payload.anonymous,
    )
    return Status(201, kudos)


@router.get("/kudos", response=responses(200, list[KudosOut]))
def kudos_list(request: HttpRequest):
    """The newest kudos you may see: public ones, and private ones to you or from you."""
    return Status(200, selectors.kudos_feed(person=request.auth))


def _figures(figures: selectors.Figures) -> FiguresOut:
    def share(s):
        return None if s is None else ShareOut(share=s.value, low=s.low, high=s.high, n=s.n)

    return FiguresOut(
        n=figures.n,
        satisfaction=share(figures.satisfaction),
        ease=share(figures.ease),
        comments=figures.comments,
    )


@router.get("/teams/{team_id}/feedback", response=responses(200, TeamFeedbackOut, 403, 404))
def team_feedback(request: HttpRequest, team_id: DatabaseId, params: Query[FeedbackFilterParams]):
    """A team's ratings by service and closed quarter; groups under k are suppressed, and the
    next smallest with them, so no difference of figures reveals a small group. A free filter
    (some services over a run of quarters) is answered only when the table already tells it."""
    team = get_object_or_404(Team, pk=team_id)
    if not selectors.may_see_team_feedback(request.auth, team):
        raise PermissionDenied("the feedback of a team is for its members and leads")
    fb = selectors.team_feedback(team=team)
    selection = None
    wanted = params.dict(exclude_defaults=True)
    if wanted:
        form = FeedbackFilterForm(wanted, services=fb.services, quarters=fb.quarters)
        if not form.is_valid():
            raise InvalidInput(form.errors)
        chosen = fb.selection(*form.chosen())
        selection = SelectionOut(shown=chosen.shown, figures=_figures(chosen.figures))
    return Status(
        200,
        TeamFeedbackOut(
            team_id=team.pk,
            k=fb.k,
            quarters=fb.quarters,
            services=[
                ServiceFiguresOut(
                    service=service,
                    by_quarter={q: _figures(f) for q, f in zip(fb.quarters, cells, strict=True)},
                    all=_figures(whole),
                )
                for service, cells, whole in fb.rows
            ],
            by_quarter={q: _figures(f) for q, f in fb.by_quarter.items()},
            total=_figures(fb.total),
            selection=selection,
        ),
    )


# -- surveys ----------------------------------------------------------------------------------


class SurveyIn(Schema):
    title: str = Field(max_length=200, examples=["How do we serve you?"])
    window_start: BoundedDate = Field(
        description="Invite who requested from the team from this day…"
    )
    window_end: BoundedDate = Field(description="…to this day.")
    opens_at: BoundedDateTime
    closes_at: BoundedDateTime
    self_survey: bool = Field(False, description="The team answers the same items itself.")


class SurveyOut(Schema):
    id: int
    team_id: int
    title: str
    window_start: date
    window_end: date
    opens_at: datetime
    closes_at: datetime
    invited: int

    @staticmethod
    def resolve_invited(survey: Survey) -> int:
        return survey.invitations.count()


class SurveyAnswerIn(Schema):
    token: str = Field(max_length=100, description="The one-time token of the invitation link.")
    reliability: int
    responsiveness: int
    assurance: int
    empathy: int
    communication: int
    recommend: int = Field(description="0 (not at all) to 10 (certainly).")
    comment: str = Field("", max_length=COMMENT_LENGTH)


class RecommendOut(Schema):
    score: float = Field(description="% of 9-10 minus % of 0-6, from -100 to 100.")
    margin: float = Field(description="Its 95 % margin of error, in points.")
    n: int


class SideOut(Schema):
    n: int
    shown: bool = Field(description="False until the survey closes, and under k answers.")
    means: dict[str, float | None]
    recommend: RecommendOut | None
    comments: list[str]


class SurveyResultsOut(Schema):
    survey_id: int
    k: int
    closed: bool
    invited: int
    customers: SideOut
    own: SideOut
    gap: dict[str, float | None] | None = Field(
        description="How much higher the team rates itself, item by item; null unless both "
        "sides are shown."
    )


def _surveyed_team(request: HttpRequest, survey_id: int) -> Survey:
    survey = get_object_or_404(Survey.objects.select_related("team"), pk=survey_id)
    if not selectors.may_see_team_feedback(request.auth, survey.team):
        raise PermissionDenied("a team's surveys are for its members and leads")
    return survey


@router.post("/teams/{team_id}/surveys", response=responses(201, SurveyOut, 403, 404, 422))
@idempotent
def survey_create(request: HttpRequest, team_id: DatabaseId, payload: SurveyIn):
    """Start a survey of your team by the colleagues it served in the window; invitations,
    each with a one-time link, go out at once."""
    team = get_object_or_404(Team, pk=team_id)
    return Status(201, services.survey_create(actor=request.auth, team=team, **payload.dict()))


@router.post("/surveys/{survey_id}/reminders", response=responses(200, dict[str, int], 403, 409))
def survey_remind(request: HttpRequest, survey_id: DatabaseId):
    """Send a fresh link to every invitee who has not answered yet."""
    survey = _surveyed_team(request, survey_id)
    return Status(200, {"reminded": services.survey_remind(actor=request.auth, survey=survey)})


@router.post("/surveys/answers", auth=None, response=responses(204, None, 409, 422))
def survey_answer(request: HttpRequest, payload: SurveyAnswerIn):
    """Answer with the one-time token of your invitation: no sign-in, no name kept."""
    answers = payload.dict()
    token, comment = answers.pop("token"), answers.pop("comment")
    services.survey_answer(token=token, answers=answers, comment=comment)
    return Status(204, None)


@router.get("/surveys/{survey_id}/results", response=responses(200, SurveyResultsOut, 403, 404))
def survey_results(request: HttpRequest, survey_id: DatabaseId):
    """Results once closed, each side only from k answers, comments from 10."""
    results = selectors.survey_results(survey=_surveyed_team(request, survey_id))
    return Status(
        200,
        SurveyResultsOut(
            survey_id=survey_id,
            k=results.k,
            closed=results.closed,
            invited=results.invited,
            customers=SideOut(**vars(results.customers)),
            own=SideOut(**vars(results.own)),
            gap=results.gap,
        ),
    )
