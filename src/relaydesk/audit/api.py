"""The audit log in the API: admins read it, newest first, a page at a time."""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from relaydesk.api_schemas import BoundedDate, Cursor, DatabaseId, page_schema, responses
from relaydesk.audit import selectors
from relaydesk.audit.models import Action

router = Router(tags=["audit"])


class ActorOut(Schema):
    id: int
    name: str


class EntryOut(Schema):
    id: int
    at: datetime
    actor: ActorOut | None = Field(description="Null: the operator at the command line.")
    action: Action
    target_type: str = Field(examples=["service"])
    target_id: int | None
    target_label: str = Field(description="What it was called at the time.")
    before: dict[str, Any] = Field(description="The fields that changed, as they were.")
    after: dict[str, Any] = Field(description="The same fields afterwards ({}: removed).")


EntryPage = page_schema(EntryOut)


class EntryParams(Schema):
    actor_id: DatabaseId | None = Field(None, description="Only what this person did.")
    action: Action | None = None
    since: BoundedDate | None = Field(None, description="From the start of this day (UTC).")
    until: BoundedDate | None = Field(None, description="To the end of this day (UTC).")
    cursor: Cursor = None
    limit: int = Field(selectors.PAGE_SIZE, ge=1, le=200)


@router.get("/audit", response=responses(200, EntryPage, 400, 403, 422))
def audit_entries(request: HttpRequest, params: Query[EntryParams]):
    """The audit log, newest first (admins only)."""
    if not request.auth.is_admin:
        raise PermissionDenied("Only admins read the audit log.")
    filters = selectors.Filters(
        actor_id=params.actor_id, action=params.action, since=params.since, until=params.until
    )
    return selectors.entries(filters=filters, cursor=params.cursor, size=params.limit)
