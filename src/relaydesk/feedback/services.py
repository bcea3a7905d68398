"""Writes: rating a finished request (in the app or by its emailed link), changing a named
rating, the provider's clarity mark, kudos, and survey campaigns.

An anonymous rating is written with no author and no request, and publishes nothing: an
anonymous answer is never an event with an actor.
"""

import secrets
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from relaydesk.core.lifecycle import Side
from relaydesk.directory.models import Person, Team
from relaydesk.directory.selectors import teams_led_by
from relaydesk.errors import Conflict, InvalidInput, NotFound
from relaydesk.events.outbox import publish
from relaydesk.feedback import links
from relaydesk.feedback.models import (
    CLARITY,
    COMMENT_LENGTH,
    EASE,
    ITEMS,
    KUDOS_LENGTH,
    PERCEPTION,
    REASON_LENGTH,
    RECOMMEND,
    SATISFACTION,
    ClarityMark,
    Invitation,
    Kudos,
    RatedRequest,
    Rating,
    Survey,
    SurveyAnswer,
    token_digest,
)
from relaydesk.servicerequests import permissions
from relaydesk.servicerequests.models import Request, Status

CHANGEABLE_FOR = timedelta(days=7)
KUDOS_EVENT = "feedback.kudos"


def _scale(errors: dict[str, list[str]], name: str, value: object, scale: range) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value not in scale:
        errors[name] = [f"give a whole number from {scale.start} to {scale.stop - 1}"]


def _text(errors: dict[str, list[str]], name: str, value: str, limit: int) -> str:
    value = value.strip()
    if "\x00" in value:
        errors[name] = ["null characters are not allowed"]
    elif len(value) > limit:
        errors[name] = [f"keep it to {limit} characters (it has {len(value)})"]
    return value


def _checked_scores(satisfaction: int, ease: int, comment: str) -> str:
    errors: dict[str, list[str]] = {}
    _scale(errors, "satisfaction", satisfaction, SATISFACTION)
    _scale(errors, "ease", ease, EASE)
    comment = _text(errors, "comment", comment, COMMENT_LENGTH)
    if errors:
        raise InvalidInput(errors)
    return comment


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


# -- rating a request -------------------------------------------------------------------------


def rating_give(
    *,
    request: Request,
    author: Person,
    satisfaction: int,
    ease: int,
    comment: str = "",
    anonymous: bool = False,
    now: datetime | None = None,
) -> Rating:
    """The requester's one rating of their finished request."""
    if request.requester_id != author.pk:
        raise NotFound("there is no such request of yours")
    if request.status != Status.DONE:
        raise Conflict("a request can be rated once it is done")
    comment = _checked_scores(satisfaction, ease, comment)
    now = now or timezone.now()
    today = timezone.localdate(now)
    try:
        with transaction.atomic():
            RatedRequest.objects.create(request=request)
            return Rating.objects.create(
                request=None if anonymous else request,
                author=None if anonymous else author,
                given_at=None if anonymous else now,
                rated_on=_monday(today) if anonymous else today,
                service_id=request.service_id,
                provider_team_id=request.provider_team_id,
                provider_person_id=request.assignee_id or request.provider_person_id,
                satisfaction=satisfaction,
                ease=ease,
                comment=comment,
            )
    except IntegrityError:
        raise Conflict("this request was rated already; there is one rating per request") from None


def rating_give_by_link(
    *, token: str, satisfaction: int, ease: int, comment: str = "", anonymous: bool = False
) -> Rating:
    """A rating through the emailed link: signed for the request, for 7 days, used once."""
    try:
        request_id = links.request_id_of(token)
    except links.BadLink as bad:
        raise InvalidInput({"link": [str(bad)]}) from None
    request = Request.objects.select_related("requester").filter(pk=request_id).first()
    if request is None:
        raise InvalidInput({"link": ["this request no longer exists"]})
    if RatedRequest.objects.filter(request=request).exists():
        raise Conflict("this link was used already; there is one rating per request")
    return rating_give(
        request=request,
        author=request.requester,
        satisfaction=satisfaction,
        ease=ease,
        comment=comment,
        anonymous=anonymous,
    )


def rating_change(
    *,
    request: Request,
    author: Person,
    satisfaction: int,
    ease: int,
    comment: str = "",
    now: datetime | None = None,
) -> Rating:
    """Change one's named rating, for a week after giving it. An anonymous rating has no author
    to recognise, so it cannot be changed."""
    rating = Rating.objects.filter(request=request, author=author).first()
    if rating is None:
        raise NotFound("you have no named rating of this request to change")
    now = now or timezone.now()
    if now - rating.given_at > CHANGEABLE_FOR:
        raise Conflict("a rating can be changed for 7 days after it was given")
    rating.comment = _checked_scores(satisfaction, ease, comment)
    rating.satisfaction, rating.ease = satisfaction, ease
    rating.save(update_fields=["satisfaction", "ease", "comment"])
    return rating


# -- the other direction ----------------------------------------------------------------------


def clarity_mark(*, request: Request, by: Person, score: int, reason: str = "") -> ClarityMark:
    """The provider's mark of how clear and complete the request was; marking again replaces it."""
    if Side.PROVIDER not in permissions.sides_of(by, request):
        raise PermissionDenied("only those who work a request may mark how clear it was")
    errors: dict[str, list[str]] = {}
    _scale(errors, "score", score, CLARITY)
    reason = _text(errors, "reason", reason, REASON_LENGTH)
    if errors:
        raise InvalidInput(errors)
    mark, _ = ClarityMark.objects.update_or_create(
        request=request,
        defaults={"by": by, "score": score, "reason": reason, "marked_at": timezone.now()},
    )
    return mark


# -- kudos ------------------------------------------------------------------------------------


@transaction.atomic
def kudos_give(
    *,
    giver: Person,
    message: str,
    to_person: Person | None = None,
    to_team: Team | None = None,
    request: Request | None = None,
    public: bool = True,
    anonymous: bool = False,
) -> Kudos:
    """Thank a person or a team, optionally for a request. Its recipients are told; an
    anonymous thank-you is told without a name, and its event carries none."""
    errors: dict[str, list[str]] = {}
    if (to_person is None) == (to_team is None):
        errors["to"] = ["thank one person or one team"]
    elif to_person is not None and to_person.pk == giver.pk:
        errors["to"] = ["kudos to oneself are not kudos; thank someone else"]
    elif to_person is not None and not to_person.is_active:
        errors["to"] = ["this person has left"]
    message = _text(errors, "message", message, KUDOS_LENGTH)
    if not message and "message" not in errors:
        errors["message"] = ["say what you thank them for"]
    if errors:
        raise InvalidInput(errors)
    if request is not None and not permissions.may_see(giver, request):
        raise NotFound("there is no such request, or it is not yours to see")
    kudos = Kudos.objects.create(
        giver=None if anonymous else giver,
        to_person=to_person,
        to_team=to_team,
        request=request,
        message=message,
        public=public,
    )
    told = [to_person] if to_person else [*to_team.members.filter(is_active=True), to_team.lead]
    # An anonymous giver in the thanked team is told too: leaving them out would name them.
    told = [p for p in told if p is not None and (anonymous or p.pk != giver.pk)]
    publish(
        KUDOS_EVENT,
        {
            "to": sorted({p.pk for p in told}),
            "title": f"{'Someone' if anonymous else giver.name} thanked {kudos.recipient.name}",
            "body": message,
            "url": reverse("feedback:kudos"),
        },
        key=f"kudos:{kudos.pk}",
    )
    return kudos


# -- surveys ----------------------------------------------------------------------------------

SURVEY_EVENT = "feedback.survey"
LONGEST_WINDOW = timedelta(days=366)


def _invite(invitation: Invitation, *, reminder: bool) -> None:
    """Give the invitee a fresh one-time token and tell them, with the link that holds it."""
    token = secrets.token_urlsafe(24)
    invitation.token_digest = token_digest(token)
    invitation.save(update_fields=["token_digest"])
    survey = invitation.survey
    what = "reminder" if reminder else "invitation"
    publish(
        SURVEY_EVENT,
        {
            "to": [invitation.person_id],
            "title": f"Survey {what}: {survey.title}",
            "body": f"How does {survey.team.name} serve you? Five questions and one comment, "
            f"anonymous, until {survey.closes_at:%d %b %Y}.",
            "url": reverse("feedback:survey_answer", args=[token]),
        },
        key=f"survey:{survey.pk}:{invitation.pk}:{what}:{invitation.token_digest[:12]}",
    )


@transaction.atomic
def survey_create(
    *,
    actor: Person,
    team: Team,
    title: str,
    window_start: date,
    window_end: date,
    opens_at: datetime,
    closes_at: datetime,
    self_survey: bool = False,
) -> Survey:
    """A survey of `team` by who requested from it in the window (its own members aside),
    and, with `self_survey`, by its members about itself. Invitations go out at once."""
    if not (actor.is_admin or team.pk in teams_led_by(actor)):
        raise PermissionDenied("a team's lead starts its surveys")
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", title, 200)
    if not title and "title" not in errors:
        errors["title"] = ["give the survey a title"]
    if window_end < window_start:
        errors["window_end"] = ["the window ends before it starts"]
    elif window_end - window_start > LONGEST_WINDOW:
        errors["window_end"] = ["a window of at most a year"]
    if closes_at <= opens_at:
        errors["closes_at"] = ["the survey closes before it opens"]
    if errors:
        raise InvalidInput(errors)
    survey = Survey.objects.create(
        team=team,
        title=title,
        window_start=window_start,
        window_end=window_end,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor,
    )
    members = set(team.members.filter(is_active=True).values_list("pk", flat=True))
    if team.lead_id:
        members.add(team.lead_id)
    customers = (
        set(
            Request.objects.filter(
                provider_team=team,
                created_at__date__gte=window_start,
                created_at__date__lte=window_end,
                requester__is_active=True,
            ).values_list("requester_id", flat=True)
        )
        - members
    )
    if not customers:
        raise InvalidInput({"window_start": ["nobody outside the team asked it for anything then"]})
    invited = [
        *(
            Invitation(
                survey=survey, person_id=pk, token_digest=token_digest(secrets.token_urlsafe(24))
            )
            for pk in sorted(customers)
        ),
        *(
            Invitation(
                survey=survey,
                person_id=pk,
                own=True,
                token_digest=token_digest(secrets.token_urlsafe(24)),
            )
            for pk in sorted(members)
            if self_survey
        ),
    ]
    Invitation.objects.bulk_create(invited)
    for invitation in Invitation.objects.filter(survey=survey).select_related("survey__team"):
        _invite(invitation, reminder=False)
    return survey


@transaction.atomic
def survey_remind(*, actor: Person, survey: Survey, now: datetime | None = None) -> int:
    """A fresh link for every invitee who has not answered yet; returns how many."""
    if not (actor.is_admin or survey.team_id in teams_led_by(actor)):
        raise PermissionDenied("a team's lead reminds its invitees")
    now = now or timezone.now()
    if not survey.is_open(now):
        raise Conflict("only an open survey sends reminders")
    return _remind(survey, now)


def survey_reminders_send(*, now: datetime | None = None) -> int:
    """The reminder each open survey sends by itself halfway through, once; returns how many
    surveys reminded. Idempotent."""
    now = now or timezone.now()
    due = Survey.objects.filter(opens_at__lte=now, closes_at__gt=now, reminded_at__isnull=True)
    reminded = 0
    for survey in due:
        if now >= survey.opens_at + (survey.closes_at - survey.opens_at) / 2:
            with transaction.atomic():
                _remind(survey, now)
            reminded += 1
    return reminded


def _remind(survey: Survey, now: datetime) -> int:
    waiting = list(survey.invitations.filter(used=False).select_related("survey__team"))
    for invitation in waiting:
        _invite(invitation, reminder=True)
    survey.reminded_at = now
    survey.save(update_fields=["reminded_at"])
    return len(waiting)


def survey_answer(
    *, token: str, answers: dict[str, int], comment: str = "", now: datetime | None = None
) -> SurveyAnswer:
    """One answer per invitee: the token is burnt, and the answer keeps nothing of whose."""
    errors: dict[str, list[str]] = {}
    for item in ITEMS:
        _scale(errors, item, answers.get(item), PERCEPTION)
    _scale(errors, "recommend", answers.get("recommend"), RECOMMEND)
    comment = _text(errors, "comment", comment, COMMENT_LENGTH)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("survey")
            .filter(token_digest=token_digest(token))
            .first()
        )
        if invitation is None:
            raise InvalidInput({"link": ["this is not a survey link Relaydesk gave out"]})
        if invitation.used:
            raise Conflict("this survey was answered with this link already")
        if not invitation.survey.is_open(now or timezone.now()):
            raise Conflict("this survey is closed")
        invitation.used = True
        invitation.save(update_fields=["used"])
        return SurveyAnswer.objects.create(
            survey=invitation.survey,
            own=invitation.own,
            comment=comment,
            **{item: answers[item] for item in (*ITEMS, "recommend")},
        )
