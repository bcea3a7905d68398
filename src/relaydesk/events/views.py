"""The outbox page: admins see whether the worker keeps up, why events fail, and retry them."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from relaydesk.events import selectors, services


def _admin_only(request: HttpRequest) -> None:
    if not request.user.is_admin:
        raise PermissionDenied("Only admins see the outbox.")


def outbox(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    health = selectors.outbox_health()
    return render(
        request,
        "events/outbox.html",
        {
            "health": health,
            "max_attempts": settings.OUTBOX_MAX_ATTEMPTS,
            "parked": selectors.parked_events(),
            "failing": selectors.failing_events(),
            "jobs": selectors.periodic_jobs(),
        },
    )


@require_POST
def outbox_retry(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    raw = request.POST.get("event", "")
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        messages.error(request, "No such parked event.")
        return redirect("events:outbox")
    retried = services.parked_retry(actor=request.user, event_ids=[int(raw)] if raw else None)
    messages.success(request, f"{retried} parked event(s) put back in line.")
    return redirect("events:outbox")
