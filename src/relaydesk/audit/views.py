"""The audit log page, for admins only."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from relaydesk.audit import selectors
from relaydesk.audit.forms import FiltersForm
from relaydesk.pagination import InvalidCursor


def entries(request: HttpRequest) -> HttpResponse:
    if not request.user.is_admin:
        raise PermissionDenied("Only admins read the audit log.")
    form = FiltersForm(request.GET)
    page = None
    if form.is_valid():
        try:
            page = selectors.entries(
                filters=form.filters(request.user.timezone), cursor=request.GET.get("after")
            )
        except InvalidCursor as exc:
            raise BadRequest(f"after: {exc}") from None
    context = {"form": form, "page": page}
    return render(request, "audit/entries.html", context, status=400 if form.errors else 200)
