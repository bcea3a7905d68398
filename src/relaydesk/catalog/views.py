from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from relaydesk.catalog import permissions, search, selectors
from relaydesk.catalog.forms import CalendarForm, ServiceForm, team_key, team_label
from relaydesk.catalog.models import Calendar, Service
from relaydesk.catalog.services import calendar_save, service_feeds_set, service_save
from relaydesk.core.calendar_dates import calendar_dates
from relaydesk.directory.models import Person, Team
from relaydesk.directory.selectors import people_search, teams_led_by, teams_search
from relaydesk.errors import InvalidInput
from relaydesk.pagination import InvalidCursor, keyset_page

SERVICES_PAGE_SIZE = 50
# "Who do I ask?" lists the best answers only; further down they match a word or two at most.
SEARCH_RESULTS_SHOWN = 20
# A picker suggests a handful as one types; typing more narrows them.
SUGGESTIONS_SHOWN = 10


def services(request: HttpRequest) -> HttpResponse:
    """The catalog, or — with a question in `q` — "who do I ask?"."""
    query = request.GET.get("q", "").strip()[: search.QUERY_MAX_CHARS]
    context = {"query": query, "may_manage": permissions.may_manage_catalog(request.user)}
    if query:
        found = search.search_services(query=query, limit=SEARCH_RESULTS_SHOWN)
        shown = found.services
        context.update(results=shown, corrected_query=found.corrected_query)
    else:
        kind = request.GET.get("kind", "")
        listed = selectors.services_listed()
        if kind in Service.Kind.values:
            listed = listed.filter(kind=kind)
        try:
            page = keyset_page(
                listed,
                order=("name", "id"),
                cursor=request.GET.get("after"),
                size=SERVICES_PAGE_SIZE,
            )
        except InvalidCursor as exc:
            raise BadRequest(f"after: {exc}") from None
        shown = page.items
        context.update(page=page, kind=kind, kinds=Service.Kind.choices)
    context["requestable"] = permissions.requestable_among(request.user, shown)
    return render(request, "catalog/services.html", context)


def service(request: HttpRequest, slug: str) -> HttpResponse:
    shown = get_object_or_404(selectors.services_with_details(), slug=slug)
    context = {
        "service": shown,
        "promises": selectors.promises_in_priority_order(shown),
        "may_edit": permissions.may_edit_service(request.user, shown),
    }
    return render(request, "catalog/service.html", context)


def service_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    existing = get_object_or_404(selectors.services_with_details(), slug=slug) if slug else None
    allowed = (
        permissions.may_edit_service(request.user, existing)
        if existing
        else permissions.may_manage_catalog(request.user)
    )
    if not allowed:
        raise PermissionDenied
    form = ServiceForm(
        request.POST or None,
        initial=ServiceForm.initial_for(existing) if existing else {"audience": "everyone"},
        service=existing,
        **_providers_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved = service_save(actor=request.user, spec=form.spec(), service=existing)
                service_feeds_set(
                    actor=request.user, service=saved, feeds=form.cleaned_data["feeds"]
                )
        except InvalidInput as invalid:
            form.add_invalid_input(invalid)
        else:
            messages.success(request, f"{saved.name} is saved.")
            return redirect(saved)
    context = {"form": form, "service": existing}
    return render(request, "catalog/service_form.html", context, status=400 if form.errors else 200)


def suggest_services(request: HttpRequest) -> JsonResponse:
    """A picker's suggestions as one types a service's name: active services, as the catalog
    lists them, but for the one being edited (`exclude`, its address)."""
    found = search.services_suggested(
        query=_typed(request),
        limit=SUGGESTIONS_SHOWN,
        excluded=request.GET.get("exclude", ""),
    )
    return _suggestions((service.slug, service.name, str(service.provider)) for service in found)


def suggest_people(request: HttpRequest) -> JsonResponse:
    """A picker's suggestions as one types a colleague's name or email: active people, or
    with `among=providers` those the signed-in person may publish services for."""
    query = _typed(request)
    if not query:
        return _suggestions([])
    among = None
    if request.GET.get("among") == "providers":
        among = _providers_for(request.user)["provider_people"]
    found = people_search(query=query, cursor=None, size=SUGGESTIONS_SHOWN, people=among)
    return _suggestions(
        (
            person.email,
            person.name,
            " · ".join(filter(None, [person.email, str(person.team or "")])),
        )
        for person in found.items
    )


def suggest_teams(request: HttpRequest) -> JsonResponse:
    """A picker's suggestions as one types a team's name (or its department's): each with its
    department, as names repeat across departments, and its whole path."""
    query = _typed(request)
    if not query:
        return _suggestions([])
    found = teams_search(query=query, size=SUGGESTIONS_SHOWN)
    return _suggestions((team_key(path), team_label(path), team_key(path)) for path in found)


def _typed(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[: search.QUERY_MAX_CHARS]


def _suggestions(found: Iterable[tuple[str, str, str]]) -> JsonResponse:
    results = [{"key": key, "label": label, "detail": detail} for key, label, detail in found]
    return JsonResponse({"results": results})


def calendars(request: HttpRequest) -> HttpResponse:
    context = {
        "calendars": Calendar.objects.select_related("owner_team"),
        "may_manage": permissions.may_manage_catalog(request.user),
    }
    return render(request, "catalog/calendars.html", context)


def calendar(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(Calendar.objects.select_related("owner_team"), pk=pk)
    context = {
        "calendar": shown,
        "dates": calendar_dates(shown.engine(), timezone.now()),
        "services": shown.services.filter(is_active=True).select_related("provider_team"),
        "may_edit": permissions.may_edit_calendar(request.user, shown),
    }
    return render(request, "catalog/calendar.html", context)


def calendar_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    existing = get_object_or_404(Calendar, pk=pk) if pk else None
    allowed = (
        permissions.may_edit_calendar(request.user, existing)
        if existing
        else permissions.may_manage_catalog(request.user)
    )
    if not allowed:
        raise PermissionDenied
    form = CalendarForm(
        request.POST or None,
        initial=CalendarForm.initial_for(existing) if existing else {"timezone": "Europe/Berlin"},
        owner_teams=_providers_for(request.user)["provider_teams"],
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = calendar_save(
                actor=request.user,
                calendar=existing,
                name=form.cleaned_data["name"],
                definition=form.definition(),
                owner_team=form.cleaned_data["owner_team"],
            )
        except InvalidInput as invalid:
            form.add_invalid_input(invalid)
        else:
            messages.success(request, f"{saved.name} is saved.")
            return redirect("catalog:calendar", pk=saved.pk)
    context = {"form": form, "calendar": existing}
    return render(
        request, "catalog/calendar_form.html", context, status=400 if form.errors else 200
    )


def _providers_for(person: Person) -> dict:
    """The teams and people a person may publish services for."""
    if person.is_admin:
        return {
            "provider_teams": Team.objects.all(),
            "provider_people": Person.objects.filter(is_active=True),
        }
    led = teams_led_by(person)
    return {
        "provider_teams": Team.objects.filter(pk__in=led),
        "provider_people": Person.objects.filter(is_active=True, team__in=led),
    }
