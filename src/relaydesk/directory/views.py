from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from relaydesk.directory import selectors
from relaydesk.directory.forms import TokenForm
from relaydesk.directory.models import ApiToken, Party
from relaydesk.directory.services import api_token_create
from relaydesk.pagination import InvalidCursor


def people(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    try:
        page = selectors.people_search(query=query, cursor=request.GET.get("after"))
    except InvalidCursor as exc:
        raise BadRequest(f"after: {exc}") from None
    return render(request, "directory/people.html", {"query": query, "page": page})


def person(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(selectors.people_with_profile(), pk=pk)
    return render(request, "directory/person.html", {"person": shown})


def teams(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/teams.html", {"tree": selectors.teams_as_tree()})


def team(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(selectors.teams_with_members(), pk=pk)
    context = {"team": shown, "ancestors": selectors.team_ancestors(shown)}
    return render(request, "directory/team.html", context)


def parties(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/parties.html", {"parties": selectors.parties_by_kind()})


def party(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "directory/party.html", {"party": get_object_or_404(Party, pk=pk)})


def tokens(request: HttpRequest) -> HttpResponse:
    """One's own personal API tokens; a new one is shown on this response only."""
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        _, new_secret = api_token_create(person=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    context = {
        "form": form,
        "new_secret": new_secret,
        "tokens": ApiToken.objects.filter(person=request.user),
    }
    return render(request, "directory/tokens.html", context)


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(ApiToken, pk=pk, person=request.user).delete()
    return redirect("directory:tokens")
