"""The request pages (SPEC §3.2, §3.4): ask a service, follow a request, work the queues.

Views parse, call one service or selector, and render in the viewer's timezone. An action on a
request that changed meanwhile (409) or with bad input shows the request page again with
what went wrong beside the form, never an error page.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from relaydesk.catalog import selectors as catalog_selectors
from relaydesk.catalog.models import Service
from relaydesk.catalog.permissions import may_request
from relaydesk.core import lifecycle
from relaydesk.core.lifecycle import Side
from relaydesk.core.queue_policy import RULES, TIE_BREAK, QueuePolicy
from relaydesk.directory.forms import QueuePolicyForm
from relaydesk.directory.models import Person, Team
from relaydesk.directory.selectors import absence_now, may_lead
from relaydesk.directory.services import team_queue_policy_set
from relaydesk.errors import Conflict, InvalidInput, NotFound
from relaydesk.pagination import InvalidCursor, Page
from relaydesk.servicerequests import forms, permissions, presenters, selectors, services
from relaydesk.servicerequests.invitations import invitation_response
from relaydesk.servicerequests.models import Request, Status
from relaydesk.servicerequests.selectors import RequestFilters

PAGE_SIZE = selectors.PAGE_SIZE


# -- asking a service -------------------------------------------------------------------------


def request_new(request: HttpRequest, slug: str) -> HttpResponse:
    service = get_object_or_404(
        Service.objects.select_related("provider_team", "provider_person", "calendar"),
        slug=slug,
    )
    if not may_request(request.user, service):
        return render(
            request, "servicerequests/request_refused.html", {"service": service}, status=403
        )
    promises = catalog_selectors.promises_in_priority_order(service)
    form = forms.RequestForm(request.POST or None, service=service, promises=promises)
    if request.method == "POST" and service.is_active and form.is_valid():
        try:
            created = services.request_create(
                requester=request.user, service=service, **form.request_fields()
            )
        except InvalidInput as invalid:
            form.add_invalid_input(invalid)
        else:
            messages.success(request, f"Your request is sent to {service.provider}.")
            return redirect(created)
    previews = forms.promise_previews(promises, service.calendar.engine(), timezone.now())
    chosen = form["priority"].value()
    context = {
        "service": service,
        "form": form,
        "previews": previews,
        "preview": next((p for p in previews if p.priority == chosen), None),
        "timezone_name": request.user.timezone,
        **_provider_state(service),
    }
    return render(
        request, "servicerequests/request_new.html", context, status=400 if form.errors else 200
    )


def _provider_state(service: Service) -> dict[str, Any]:
    """For a personal service: whether its provider is away, or at their work limit."""
    if service.provider_person_id is None:
        return {}
    away = absence_now(service.provider_person_id, now=timezone.now())
    busy = None if away else selectors.own_queue(service.provider_person)
    return {"away": away, "busy": busy if busy and busy.at_limit else None}


# -- one request ------------------------------------------------------------------------------


def request_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_page(request, pk)


def _request_page(
    request: HttpRequest,
    pk: int,
    *,
    bound: dict[str, django_forms.Form] | None = None,
    kept: dict[str, dict] | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    shown = selectors.request_for(request.user, pk)
    if shown is None:
        raise Http404("no such request, or not yours to see")
    now = timezone.now()
    calendar = shown.service.calendar.engine()
    until = shown.done_at or shown.cancelled_at or now
    context = {
        "shown": shown,
        "notice": notice,
        "is_approval": shown.service.kind == Service.Kind.APPROVAL,
        "clocks": presenters.clock_views(shown, calendar, now, live=True),
        "time_used": list(selectors.time_used(shown, until=until).items()),
        "working_day": calendar.working_day,
        "picked_slot": (
            forms.slot_label(shown.slot_start, shown.slot_end) if shown.slot_start else ""
        ),
        "proposed_times": [forms.slot_label(s["start"], s["end"]) for s in shown.proposed_slots],
        **_actions(request.user, shown, bound or {}, kept or {}),
    }
    return render(request, "servicerequests/request.html", context, status=status)


def _actions(
    person: Person, shown: Request, bound: dict[str, django_forms.Form], kept: dict[str, dict]
) -> dict[str, Any]:
    """The forms this viewer may use on this request now, and nothing more."""
    sides = shown.viewer_sides
    provider = Side.PROVIDER in sides
    is_open = shown.is_open
    steering = is_open and permissions.may_steer(person, shown)
    is_approval = shown.service.kind == Service.Kind.APPROVAL
    # The requester answers a question by writing back, which resumes the request by itself.
    answering = shown.status == Status.WAITING_ON_REQUESTER and not provider
    moves = [
        to
        for to, allowed in lifecycle.TRANSITIONS[shown.status].items()
        if allowed & sides and not (answering and to == Status.IN_PROGRESS)
    ]

    def form(key: str, form_class: type, offered: bool, **kwargs: Any):
        if not offered:
            return None
        if key in bound:
            return bound[key]
        initial = {"version": shown.version, **kept.get(key, {})}
        return form_class(initial=initial, **kwargs)

    slot_form = form(
        "slot",
        forms.SlotForm,
        provider and is_open and bool(shown.proposed_slots),
    )
    if slot_form is not None:
        slot_form.offer(shown.proposed_slots)
    comment_form = form("comment", forms.CommentForm, bool(sides))
    composer_kinds = _composer_kinds(provider, moves)
    if comment_form is not None:
        comment_form.offer(composer_kinds)
    return {
        "buttons": [
            (to, _move_label(shown.status, to))
            for to in moves
            if to != Status.WAITING_ON_REQUESTER and not (to == Status.DONE and is_approval)
        ],
        "move_form": form("move", forms.StatusForm, bool(moves), variant="move"),
        "decide_form": form(
            "decide", forms.StatusForm, is_approval and Status.DONE in moves, variant="decide"
        ),
        "comment_form": comment_form,
        "composer_kinds": composer_kinds,
        "answering": answering and Side.REQUESTER in sides,
        "take_form": form(
            "take",
            forms.AssignForm,
            provider
            and is_open
            and shown.assignee_id != person.pk
            and (shown.assignee_id is None or steering),
            prefix="take",
        ),
        "assign_form": form("assign", forms.AssignForm, steering),
        "assignable": _assignable(shown) if steering else [],
        "transfer_form": form("transfer", forms.TransferForm, provider and is_open),
        "other_teams": (
            Team.objects.exclude(pk=shown.provider_team_id).values_list("pk", "name")
            if provider and is_open
            else []
        ),
        "split_form": form("split", forms.SplitForm, provider and is_open),
        "suggested_services": (
            shown.service.fed_by.filter(is_active=True).only("slug", "name")
            if provider and is_open
            else []
        ),
        "slot_form": slot_form,
    }


def _composer_kinds(provider: bool, moves: list[str]) -> list[str]:
    """What the composer offers: the provider side may also ask (while the request may wait
    on its requester) or write a note; the requester writes to the provider."""
    if not provider:
        return [forms.CommentForm.REPLY]
    asking = [forms.CommentForm.ASK] if Status.WAITING_ON_REQUESTER in moves else []
    return [forms.CommentForm.REPLY, *asking, forms.CommentForm.NOTE]


def _move_label(current: str, to: str) -> str:
    if to == Status.IN_PROGRESS:
        if current in (Status.DONE, Status.CANCELLED):
            return "Reopen"
        if current == Status.WAITING_ON_REQUESTER:
            return "Carry on without an answer"
        return "Start work"
    return {
        Status.ACKNOWLEDGED: "Acknowledge",
        Status.DONE: "Mark done",
        Status.CANCELLED: "Cancel the request",
    }[to]


def _assignable(shown: Request) -> list[Person]:
    """The people who work the request's queue: its team, or the providing person."""
    people = Person.objects.filter(is_active=True).only("name")
    if shown.provider_team_id is not None:
        return list(people.filter(team_id=shown.provider_team_id))
    return list(people.filter(pk=shown.provider_person_id))


@require_POST
def request_status(request: HttpRequest, pk: int) -> HttpResponse:
    variant = "decide" if request.POST.get("form") == "decide" else "move"
    form = forms.StatusForm(request.POST, variant=variant)
    return _act(
        request,
        pk,
        variant,
        form,
        lambda data: services.request_transition(
            actor=request.user,
            request_id=pk,
            to=data["to"],
            message=data["message"],
            decision=data["decision"],
            expected_version=data["version"],
        ),
    )


@require_POST
def request_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """The composer: a reply, a question that pauses the clock, or an internal note."""
    form = forms.CommentForm(request.POST)

    def write(data: dict) -> Request:
        if data["kind"] == forms.CommentForm.ASK:
            return services.request_transition(
                actor=request.user,
                request_id=pk,
                to=Status.WAITING_ON_REQUESTER,
                message=data["body"],
                expected_version=data["version"],
            )
        return services.request_comment(
            actor=request.user,
            request_id=pk,
            body=data["body"],
            internal=data["kind"] == forms.CommentForm.NOTE,
            expected_version=data["version"],
        )

    return _act(request, pk, "comment", form, write)


@require_POST
def request_assign(request: HttpRequest, pk: int) -> HttpResponse:
    key = "take" if "take-version" in request.POST else "assign"
    form = forms.AssignForm(request.POST, prefix="take" if key == "take" else None)
    return _act(
        request,
        pk,
        key,
        form,
        lambda data: services.request_assign(
            actor=request.user,
            request_id=pk,
            assignee=data["assignee"],
            expected_version=data["version"],
        ),
    )


@require_POST
def request_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.TransferForm(request.POST)
    return _act(
        request,
        pk,
        "transfer",
        form,
        lambda data: services.request_transfer(
            actor=request.user,
            request_id=pk,
            team=data["team"],
            message=data["message"],
            expected_version=data["version"],
        ),
    )


@require_POST
def request_split(request: HttpRequest, pk: int) -> HttpResponse:
    def split(data: dict) -> Request:
        if not may_request(request.user, data["service"]):
            name = data["service"].name
            message = f"choose a service that takes requests from you: {name} does not"
            raise InvalidInput({"service": [message]})
        return services.subrequest_create(
            actor=request.user,
            parent_id=pk,
            service=data["service"],
            title=data["title"],
            details=data["details"],
            priority=data["priority"],
        )

    return _act(request, pk, "split", forms.SplitForm(request.POST), split)


@require_POST
def request_slot(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.SlotForm(request.POST)
    return _act(
        request,
        pk,
        "slot",
        form,
        lambda data: services.request_pick_slot(
            actor=request.user, request_id=pk, index=data["slot"], expected_version=data["version"]
        ),
    )


def _act(
    request: HttpRequest,
    pk: int,
    key: str,
    form: django_forms.Form,
    write: Callable[[dict], object],
) -> HttpResponse:
    """Run one write from a posted form: back to the page when it worked, else the page again
    with the form's errors, or — when the request moved on meanwhile — a 409 saying so."""
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except NotFound:
            raise Http404("no such request, or not yours to see") from None
        except Conflict as conflict:
            return _conflict(request, pk, key, form, str(conflict))
        except InvalidInput as invalid:
            form.add_invalid_input(invalid)
        else:
            if not permissions.may_see(request.user, Request(pk=pk)):
                # Moved to a team whose queue this person does not see.
                messages.success(request, f"Request #{pk} is out of your hands now.")
                return redirect("servicerequests:queue")
            return redirect("servicerequests:request", pk=pk)
    return _request_page(request, pk, bound={key: form}, status=400)


def _conflict(
    request: HttpRequest, pk: int, key: str, form: django_forms.Form, message: str
) -> HttpResponse:
    seen = form.cleaned_data.get("version")
    current = Request.objects.filter(pk=pk).values_list("version", flat=True).first()
    if seen is not None and current is not None and seen != current:
        message = (
            "This request changed since you loaded it, so nothing was saved. "
            "Here it is as it is now: check what happened, then try again."
        )
    else:
        message = f"Nothing was saved: {message}."
    # What the person typed is kept; the version becomes the one they now see.
    typed = {name: value for name, value in form.cleaned_data.items() if name != "version"}
    return _request_page(request, pk, kept={key: typed}, notice=message, status=409)


def request_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    """The iCalendar invitation to a face-time request's picked time."""
    shown = selectors.request_for(request.user, pk)
    if shown is None:
        raise Http404("no such request, or not yours to see")
    response = invitation_response(shown, url=request.build_absolute_uri(shown.get_absolute_url()))
    if response is None:
        raise Http404("no time has been picked for this request yet")
    return response


# -- lists ------------------------------------------------------------------------------------

MINE_STATUSES = {"open": "Open", "done": "Done", "cancelled": "Cancelled", "all": "All"}
QUEUE_STATUSES = {
    "open": "All open",
    Status.NEW: "New",
    Status.ACKNOWLEDGED: "Acknowledged",
    Status.IN_PROGRESS: "In progress",
    Status.WAITING_ON_REQUESTER: "Waiting on the requester",
}


def my_requests(request: HttpRequest) -> HttpResponse:
    status = _chosen(request, MINE_STATUSES)
    page = _paged(
        request,
        selectors.my_requests,
        person=request.user,
        filters=RequestFilters(status=None if status == "all" else status),
    )
    context = _list_context(page, {"status": status}, MINE_STATUSES)
    return render(request, "servicerequests/my_requests.html", context)


def my_queue(request: HttpRequest) -> HttpResponse:
    status = _chosen(request, QUEUE_STATUSES)
    own = selectors.own_queue(request.user)
    page = _paged(
        request,
        selectors.my_queue,
        person=request.user,
        filters=RequestFilters(status=status),
        policy=own.policy,
    )
    context = _list_context(page, {"status": status}, QUEUE_STATUSES)
    context.update(own=own, **_policy_context(own.policy))
    return render(request, "servicerequests/my_queue.html", context)


def team_queue(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    if not selectors.may_see_team_queue(request.user, team):
        raise PermissionDenied("only the team's members, its leads and admins see its queue")
    status = _chosen(request, QUEUE_STATUSES)
    unassigned = request.GET.get("unassigned") == "1"
    page = _paged(
        request,
        selectors.team_queue,
        person=request.user,
        team=team,
        filters=RequestFilters(status=status, unassigned=unassigned),
    )
    params = {"status": status, "unassigned": "1" if unassigned else ""}
    context = _list_context(page, params, QUEUE_STATUSES)
    context.update(
        team=team,
        # One's own team's queue is part of "My queue"; another team's is reached from its page.
        nav_current=(
            "servicerequests:queue" if team.pk == request.user.team_id else "directory:teams"
        ),
        assignee_links=[
            ("?" + _query(params | {"unassigned": ""}), "Assigned or not", not unassigned),
            ("?" + _query(params | {"unassigned": "1"}), "Unassigned only", unassigned),
        ],
        policy_form=(
            QueuePolicyForm(initial={"policy": team.queue_policy})
            if may_lead(request.user, team)
            else None
        ),
        **_policy_context(QueuePolicy(team.queue_policy)),
    )
    return render(request, "servicerequests/team_queue.html", context)


@require_POST
def team_queue_policy(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    form = QueuePolicyForm(request.POST)
    if not form.is_valid():
        raise BadRequest(f"policy: {'; '.join(form.errors.get('policy', []))}")
    team_queue_policy_set(actor=request.user, team=team, policy=form.cleaned_data["policy"])
    messages.success(request, f"The queue now follows “{team.get_queue_policy_display()}”.")
    return redirect("servicerequests:team_queue", pk=team.pk)


def _policy_context(policy: QueuePolicy) -> dict[str, str]:
    return {"policy_rule": RULES[policy], "policy_tie_break": TIE_BREAK}


def _chosen(request: HttpRequest, choices: dict[str, str]) -> str:
    status = request.GET.get("status", "open")
    return status if status in choices else "open"


def _paged(request: HttpRequest, selector: Callable[..., Page], **arguments: Any) -> Page:
    try:
        return selector(cursor=request.GET.get("after") or None, size=PAGE_SIZE, **arguments)
    except InvalidCursor as exc:
        raise BadRequest(f"after: {exc}") from None
    except (ValidationError, ValueError):
        # A cursor of the right shape holding values of the wrong kind fails only in the query.
        raise BadRequest("after: cursor is not one this server gave out") from None


def _query(params: dict[str, str]) -> str:
    return urlencode({name: value for name, value in params.items() if value})


def _list_context(page: Page, params: dict[str, str], statuses: dict[str, str]) -> dict:
    now = timezone.now()
    return {
        "rows": [
            (row, presenters.row_clock(row, row.service.calendar.engine(), now))
            for row in page.items
        ],
        "status": params["status"],
        "status_links": [
            ("?" + _query(params | {"status": value}), label, value == params["status"])
            for value, label in statuses.items()
        ],
        "next_page": (
            "?" + _query(params | {"after": page.next_cursor}) if page.next_cursor else None
        ),
    }
