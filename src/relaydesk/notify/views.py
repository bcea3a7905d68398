"""The notification pages: the list, the channel settings, webhooks, and unsubscribing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from relaydesk.directory.models import Person
from relaydesk.errors import InvalidInput
from relaydesk.notify import selectors, services
from relaydesk.notify.forms import PreferencesForm, WebhookForm
from relaydesk.notify.models import Channel, Notification, Webhook
from relaydesk.pagination import InvalidCursor


def notifications(request: HttpRequest) -> HttpResponse:
    try:
        page = selectors.notifications_for(person=request.user, cursor=request.GET.get("after"))
    except InvalidCursor as exc:
        raise BadRequest(f"after: {exc}") from None
    return render(request, "notify/notifications.html", {"page": page})


@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notification = services.notification_mark_read(person=request.user, notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404("no such notification of yours") from None
    # "Open" marks it read on the way to what it tells of.
    return redirect(notification.url if "open" in request.POST else "notify:list")


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(person=request.user)
    return redirect("notify:list")


def settings_page(request: HttpRequest) -> HttpResponse:
    grid = selectors.preference_grid(person=request.user)
    form = PreferencesForm(request.POST or None, grid=grid)
    if request.method == "POST" and form.is_valid():
        services.preferences_save(person=request.user, enabled=form.enabled())
        messages.success(request, "Your choices are saved.")
        return redirect("notify:settings")
    return render(request, "notify/settings.html", {"form": form})


def webhooks(request: HttpRequest) -> HttpResponse:
    """A team lead's webhooks for their teams' requests; an admin's for every team and the
    organisation."""
    person = request.user
    teams = selectors.webhook_teams_for(person=person)
    if not person.is_admin and not teams.exists():
        raise PermissionDenied("Only team leads and admins set up webhooks.")
    form = WebhookForm(request.POST or None, teams=teams, organisation=person.is_admin)
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_create(
                actor=person,
                name=form.cleaned_data["name"],
                url=form.cleaned_data["url"],
                team=form.chosen_team(),
                kinds=form.cleaned_data["kinds"],
                format=form.cleaned_data["format"],
            )
        except InvalidInput as invalid:
            form.add_invalid_input(invalid)
        else:
            messages.success(request, "The webhook is set up.")
            return redirect("notify:webhooks")
    context = {"form": form, "webhooks": selectors.webhooks_managed_by(person=person)}
    return render(request, "notify/webhooks.html", context, status=400 if form.errors else 200)


@require_POST
def webhook_active(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.webhook_set_active(
            actor=request.user, webhook_id=pk, active=request.POST.get("active") == "on"
        )
    except Webhook.DoesNotExist:
        raise Http404("no such webhook of yours") from None
    return redirect("notify:webhooks")


@require_POST
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.webhook_delete(actor=request.user, webhook_id=pk)
    except Webhook.DoesNotExist:
        raise Http404("no such webhook of yours") from None
    messages.success(request, "The webhook is removed.")
    return redirect("notify:webhooks")


# The field a mail program's one-click unsubscribe posts (RFC 8058).
ONE_CLICK = "List-Unsubscribe"


# The signed link is the proof of who asks, so it works without signing in; it takes a POST
# without a CSRF token because mail programs send one ("List-Unsubscribe-Post", RFC 8058).
# A GET only asks: link checkers in mail filters open links, and must not unsubscribe anyone.
@login_not_required
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        person, kind = services.email_unsubscribe(token=token, apply=request.method == "POST")
    except (signing.BadSignature, Person.DoesNotExist, ValueError, TypeError):
        raise BadRequest(
            "This unsubscribe link is not valid: it was changed or cut short. Use the link in "
            "the email exactly as it is, or sign in and choose on your notification settings."
        ) from None
    if request.method == "POST" and ONE_CLICK not in request.POST:
        # A person's click: on to the link's own page, which now says it is done, so that a
        # reload posts nothing. A mail program's one-click POST is answered as it is.
        return redirect(request.path)
    enabled = selectors.enabled_channels(people=[person.pk], kind=kind)[person.pk]
    context = {"person": person, "kind": kind, "done": Channel.EMAIL not in enabled}
    return render(request, "notify/unsubscribe.html", context)
