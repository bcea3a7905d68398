"""The feedback pages: rating a finished request (in the app and by its emailed link), the
provider's clarity mark, the requester's own pattern, kudos, team figures and the unsung."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from relaydesk.directory.models import Person, Team
from relaydesk.errors import Conflict, InvalidInput, NotFound
from relaydesk.feedback import links, selectors, services
from relaydesk.feedback.forms import (
    ChangeRatingForm,
    ClarityForm,
    FeedbackFilterForm,
    KudosForm,
    RatingForm,
    SurveyAnswerForm,
    SurveyForm,
)
from relaydesk.feedback.models import RatedRequest, Survey
from relaydesk.servicerequests.models import Request
from relaydesk.servicerequests.selectors import request_for


def _own_done_request(request: HttpRequest, pk: int) -> Request:
    found = (
        Request.objects.select_related("service", "provider_team")
        .filter(pk=pk, requester=request.user)
        .first()
    )
    if found is None:
        raise Http404("no such request of yours")
    return found


def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """Rate one's own finished request, or change one's named rating within the week."""
    rated = _own_done_request(request, pk)
    state = selectors.request_feedback(request=rated)
    changing = state.rating is not None
    form_class = ChangeRatingForm if changing else RatingForm
    initial = (
        {
            "satisfaction": state.rating.satisfaction,
            "ease": state.rating.ease,
            "comment": state.rating.comment,
        }
        if changing
        else {}
    )
    form = form_class(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            scores = {k: data[k] for k in ("satisfaction", "ease", "comment")}
            try:
                if changing:
                    services.rating_change(request=rated, author=request.user, **scores)
                else:
                    services.rating_give(
                        request=rated, author=request.user, anonymous=data["anonymous"], **scores
                    )
            except InvalidInput as invalid:
                form.add_invalid_input(invalid)
            except Conflict as conflict:
                form.add_error(None, str(conflict))
                status = 409
            else:
                messages.success(request, "Thank you: your rating is saved.")
                return redirect(rated)
    context = {"shown": rated, "form": form, "state": state, "changing": changing}
    return render(request, "feedback/rate.html", context, status=status)


@login_not_required
def rate_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: works without signing in, for 7 days, once."""
    try:
        rated = (
            Request.objects.select_related("service").filter(pk=links.request_id_of(token)).first()
        )
    except links.BadLink as bad:
        return render(request, "feedback/link_refused.html", {"why": str(bad)}, status=400)
    if rated is None:
        raise Http404("this request no longer exists")
    if RatedRequest.objects.filter(request=rated).exists():
        why = "This link was used already: there is one rating per request."
        return render(request, "feedback/link_refused.html", {"why": why}, status=409)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rating_give_by_link(
                token=token,
                **{k: data[k] for k in ("satisfaction", "ease", "comment", "anonymous")},
            )
        except InvalidInput as invalid:
            form.add_invalid_input(invalid)
        except Conflict as conflict:
            return render(request, "feedback/link_refused.html", {"why": str(conflict)}, status=409)
        else:
            return redirect("feedback:rate_by_link_thanks", token)
    status = 400 if request.method == "POST" else 200
    return render(request, "feedback/rate.html", {"shown": rated, "form": form}, status=status)


@login_not_required
def rate_by_link_thanks(request: HttpRequest, token: str) -> HttpResponse:
    """Where a rating by link lands once saved; before that, the link itself says why not."""
    try:
        rated = Request.objects.filter(pk=links.request_id_of(token)).first()
    except links.BadLink:
        rated = None
    if rated is None or not RatedRequest.objects.filter(request=rated).exists():
        return redirect("feedback:rate_by_link", token)
    return render(request, "feedback/link_thanks.html", {"shown": rated})


@require_POST
def clarity(request: HttpRequest, pk: int) -> HttpResponse:
    marked = request_for(request.user, pk)
    if marked is None:
        raise Http404("no such request, or not yours to see")
    form = ClarityForm(request.POST)
    if not form.is_valid():
        return render(
            request, "feedback/clarity_refused.html", {"form": form, "shown": marked}, status=400
        )
    services.clarity_mark(request=marked, by=request.user, **form.cleaned_data)
    messages.success(request, "Your mark of how clear the request was is saved.")
    return redirect(marked)


def mine(request: HttpRequest) -> HttpResponse:
    """The requester's own pattern, which nobody else sees."""
    pattern = selectors.clarity_pattern(person=request.user)
    return render(request, "feedback/mine.html", {"pattern": pattern})


def _recipient(request: HttpRequest, thanked: Request | None) -> Person | Team | None:
    chosen = request.POST.get("to") or request.GET.get("to")
    if chosen:
        kind, _, pk = chosen.partition("-")
        model = {"person": Person, "team": Team}.get(kind)
        if model is None or not pk.isdigit():
            return None
        return model.objects.filter(pk=pk).first()
    if thanked is None:
        return None
    provider = thanked.assignee or thanked.provider_person or thanked.provider_team
    # On their own work, a provider thanks the requester.
    return thanked.requester if provider == request.user else provider


def kudos(request: HttpRequest) -> HttpResponse:
    """The feed, and the thank-you form: from a request it is filled in, so one click sends it."""
    raw = request.POST.get("request") or request.GET.get("request")
    thanked = request_for(request.user, int(raw)) if raw and raw.isdigit() else None
    to = _recipient(request, thanked)
    key = f"{'team' if isinstance(to, Team) else 'person'}-{to.pk}" if to else ""
    form = KudosForm(request.POST or None, initial={"to": key, "request": thanked and thanked.pk})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if to is None:
                raise InvalidInput({"to": ["choose whom to thank"]})
            services.kudos_give(
                giver=request.user,
                message=data["message"],
                request=thanked,
                to_person=to if isinstance(to, Person) else None,
                to_team=to if isinstance(to, Team) else None,
                public=data["public"],
                anonymous=data["anonymous"],
            )
        except InvalidInput as invalid:
            form.add_invalid_input(invalid)
        except NotFound as missing:
            raise Http404(str(missing)) from None
        else:
            messages.success(request, f"Your thanks went to {to.name}.")
            return redirect(thanked or "feedback:kudos")
    if request.method == "POST":
        status = 400
    context = {
        "form": form,
        "to": to,
        "thanked": thanked,
        "feed": selectors.kudos_feed(person=request.user),
    }
    return render(request, "feedback/kudos.html", context, status=status)


def team(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(Team, pk=pk)
    if not selectors.may_see_team_feedback(request.user, shown):
        raise PermissionDenied("the feedback of a team is for its members and leads")
    fb = selectors.team_feedback(team=shown)
    context: dict = {"fb": fb, "filter": None, "selection": None}
    if fb.services:
        form = FeedbackFilterForm(request.GET or None, services=fb.services, quarters=fb.quarters)
        context["filter"] = form
        if form.is_bound and not form.is_valid():
            return render(request, "feedback/team.html", context, status=400)
        if form.is_bound:
            context["selection"] = fb.selection(*form.chosen())
    return render(request, "feedback/team.html", context)


def unsung(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_admin or request.user.led_teams.exists()):
        raise PermissionDenied("the unsung view is for team leads")
    return render(request, "feedback/unsung.html", {"people": selectors.unsung(lead=request.user)})


def team_surveys(request: HttpRequest, pk: int) -> HttpResponse:
    """A team's surveys; its lead starts one here."""
    shown = get_object_or_404(Team, pk=pk)
    if not selectors.may_see_team_feedback(request.user, shown):
        raise PermissionDenied("a team's surveys are for its members and leads")
    form = SurveyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                survey = services.survey_create(actor=request.user, team=shown, **form.cleaned_data)
            except InvalidInput as invalid:
                form.add_invalid_input(invalid)
            else:
                messages.success(request, f"{survey.invitations.count()} colleagues are invited.")
                return redirect("feedback:survey", survey.pk)
    context = {"team": shown, "form": form, "surveys": selectors.surveys_of(team=shown)}
    return render(request, "feedback/surveys.html", context, status=status)


def survey(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(Survey.objects.select_related("team"), pk=pk)
    if not selectors.may_see_team_feedback(request.user, shown.team):
        raise PermissionDenied("a team's surveys are for its members and leads")
    if request.method == "POST":
        try:
            reminded = services.survey_remind(actor=request.user, survey=shown)
        except Conflict as conflict:
            messages.error(request, str(conflict))
        else:
            messages.success(request, f"{reminded} reminder(s) sent.")
        return redirect("feedback:survey", shown.pk)
    results = selectors.survey_results(survey=shown)
    return render(request, "feedback/survey.html", {"results": results})


@login_not_required
def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link an invitee answers through: it works once, while the survey is open."""
    invitation = selectors.invitation_for(token=token)
    if invitation is None:
        why = "This is not a survey link Relaydesk gave out (a reminder replaces older links)."
        return render(request, "feedback/link_refused.html", {"why": why}, status=400)
    if invitation.used or not invitation.survey.is_open(timezone.now()):
        why = "This survey was answered with this link already, or it is not open."
        return render(request, "feedback/link_refused.html", {"why": why}, status=409)
    form = SurveyAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        comment = data.pop("comment")
        try:
            services.survey_answer(token=token, answers=data, comment=comment)
        except InvalidInput as invalid:
            form.add_invalid_input(invalid)
        except Conflict as conflict:
            return render(request, "feedback/link_refused.html", {"why": str(conflict)}, status=409)
        else:
            return redirect("feedback:survey_thanks", token)
    context = {"form": form, "survey": invitation.survey, "own": invitation.own}
    return render(
        request, "feedback/survey_answer.html", context, status=400 if form.errors else 200
    )


@login_not_required
def survey_thanks(request: HttpRequest, token: str) -> HttpResponse:
    """Where answers by a survey link land once saved; before that, the link itself says why not."""
    invitation = selectors.invitation_for(token=token)
    if invitation is None or not invitation.used:
        return redirect("feedback:survey_answer", token)
    return render(request, "feedback/survey_thanks.html", {"survey": invitation.survey})
