"""Sign-in throttling keyed by the person, not by how their address was typed."""

from django.conf import settings
from django.http import HttpRequest


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The address whose failed sign-ins count toward a lock-out, trimmed and case-folded as a
    person is found by it: no spelling of one address gets more guesses than another."""
    field = settings.AXES_USERNAME_FORM_FIELD
    typed = credentials.get(field) if credentials else request.POST.get(field)
    return typed.strip().casefold() if isinstance(typed, str) else typed
