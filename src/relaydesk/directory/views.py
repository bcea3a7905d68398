from django.contrib import messages
from django.core.exceptions import BadRequest
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from relaydesk.core.assignment import at_work_limit
from relaydesk.directory import selectors
from relaydesk.directory.forms import AbsenceForm, TokenForm
from relaydesk.directory.models import Absence, ApiToken, Party, Person, Team
from relaydesk.directory.services import (
    absence_declare,
    absence_end,
    api_token_create,
    api_token_revoke,
)
from relaydesk.errors import InvalidInput
from relaydesk.pagination import InvalidCursor
from relaydesk.servicerequests import selectors as request_selectors
from relaydesk.servicerequests.services import request_hand_back

# How many open requests a person's or a team's page lists; their queues list them all.
LISTED_REQUESTS = 10
# How many of the services and teams serving an external party its page names, busiest first.
LISTED_SERVING = 10


def people(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    try:
        page = selectors.people_search(query=query, cursor=request.GET.get("after"))
    except InvalidCursor as exc:
        raise BadRequest(f"after: {exc}") from None
    return render(request, "directory/people.html", {"query": query, "page": page})


def person(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(selectors.people_with_profile(), pk=pk)
    held = request_selectors.held_by(viewer=request.user, person=shown, size=LISTED_REQUESTS)
    return render(request, "directory/person.html", {"person": shown, "held": held})


def teams(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/teams.html", {"tree": selectors.teams_as_tree()})


def team(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(selectors.teams_with_members(), pk=pk)
    context = {
        "team": shown,
        "ancestors": selectors.team_ancestors(shown),
        "over_limit": _over_limit(request.user, shown),
        "late": (
            request_selectors.late_in_team_queue(
                viewer=request.user, team=shown, now=timezone.now(), size=LISTED_REQUESTS
            )
            if request_selectors.may_see_team_queue(request.user, shown)
            else []
        ),
    }
    return render(request, "directory/team.html", context)


def _over_limit(viewer: Person, shown: Team) -> list[tuple[Person, int, int]]:
    """The members at or above their work-in-progress limit, with their load: for its leads.
    A team without limits costs no query."""
    members = list(shown.members.all())
    limits = {member.pk: member.work_limit(shown.wip_limit) for member in members}
    if not any(limits.values()) or not selectors.may_lead(viewer, shown):
        return []
    loads = request_selectors.open_loads(members)
    return [
        (member, loads.get(member.pk, 0), limits[member.pk])
        for member in members
        if at_work_limit(loads.get(member.pk, 0), limits[member.pk])
    ]


def parties(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/parties.html", {"parties": selectors.parties_by_kind()})


def party(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(Party, pk=pk)
    serving = request_selectors.serving_party(shown, size=LISTED_SERVING)
    return render(request, "directory/party.html", {"party": shown, "serving": serving})


# A new token's secret rides in the (server-side) session from the POST to the one page that
# shows it, so that a reload neither makes another token nor shows the secret twice.
NEW_SECRET_KEY = "directory.new_token_secret"


def tokens(request: HttpRequest) -> HttpResponse:
    """One's own personal API tokens; a new one is shown once, on the page after it is made."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, secret = api_token_create(person=request.user, name=form.cleaned_data["name"])
        request.session[NEW_SECRET_KEY] = secret
        return redirect("directory:tokens")
    context = {
        "form": form,
        "new_secret": request.session.pop(NEW_SECRET_KEY, None),
        "tokens": ApiToken.objects.filter(person=request.user),
    }
    return render(request, "directory/tokens.html", context, status=400 if form.errors else 200)


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        api_token_revoke(person=request.user, token_id=pk)
    except ApiToken.DoesNotExist:
        raise Http404("no such token of yours") from None
    messages.success(request, "The token is revoked: scripts using it are refused from now on.")
    return redirect("directory:tokens")


# -- absences ---------------------------------------------------------------------------------


def absences(request: HttpRequest) -> HttpResponse:
    """One's own absences, those one covers or leads, and the form to declare one."""
    people = Person.objects.filter(
        Q(pk=request.user.pk) | Q(team_id__in=selectors.teams_led_by(request.user), is_active=True)
    ).only("name")
    form = AbsenceForm(request.POST or None, people=people, initial={"person": request.user})
    if request.method == "POST" and form.is_valid():
        try:
            declared = absence_declare(actor=request.user, **form.cleaned_data)
        except InvalidInput as invalid:
            form.add_invalid_input(invalid)
        else:
            messages.success(request, "The absence is saved.")
            return redirect("directory:absence", pk=declared.pk)
    context = {
        "form": form,
        "absences": selectors.absences_seen_by(request.user, now=timezone.now()),
    }
    return render(request, "directory/absences.html", context, status=400 if form.errors else 200)


def absence(request: HttpRequest, pk: int) -> HttpResponse:
    """An absence: who covers, what the absent person holds, what their absence reaches."""
    shown = get_object_or_404(Absence.objects.select_related("person", "backup"), pk=pk)
    if not selectors.may_see_absence(request.user, shown):
        raise Http404("no such absence, or not yours to see")
    context = {
        "absence": shown,
        "held": request_selectors.held_by(viewer=request.user, person=shown.person),
        "covered": (
            request_selectors.covered_by(person=shown.person, backup=shown.backup)
            if shown.backup and request.user.pk == shown.person_id
            else []
        ),
        "may_end": selectors.may_manage_absences_of(request.user, shown.person)
        and shown.ends_at > timezone.now(),
        "impact_url": _impact_url(shown),
    }
    return render(request, "directory/absence.html", context)


def _impact_url(shown: Absence) -> str | None:
    """The customer map's impact of the absence, where that page exists."""
    try:
        page = reverse("chains:impact")
    except NoReverseMatch:
        return None
    period = {"person": shown.person_id, "from": shown.starts_at.date(), "to": shown.ends_at.date()}
    return f"{page}?person={period['person']}&from={period['from']}&to={period['to']}"


@require_POST
def absence_ended(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(Absence.objects.select_related("person"), pk=pk)
    if not selectors.may_see_absence(request.user, shown):
        raise Http404("no such absence, or not yours to see")
    try:
        absence_end(actor=request.user, absence=shown)
    except InvalidInput as invalid:
        raise BadRequest("; ".join(invalid.errors["absence"])) from None
    # Handing back is the returning person's choice, never automatic.
    chosen = {int(pk) for pk in request.POST.getlist("hand_back") if pk.isdigit()}
    if chosen and shown.backup and request.user.pk == shown.person_id:
        for held in request_selectors.covered_by(person=shown.person, backup=shown.backup):
            if held.pk in chosen:
                request_hand_back(actor=request.user, request_id=held.pk, backup=shown.backup)
    messages.success(request, f"{shown.person}'s absence is ended; new requests reach them again.")
    return redirect("directory:absences")
