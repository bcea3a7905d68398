"""Notifications in the API: one's own list, marking one or all read."""

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from relaydesk.api_schemas import Cursor, DatabaseId, page_schema, responses
from relaydesk.notify import selectors, services
from relaydesk.notify.channels import absolute
from relaydesk.notify.models import Kind, Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: Kind
    title: str
    body: str
    url: str = Field(description="Where it leads, an absolute address.")
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_url(notification: Notification) -> str:
        return absolute(notification.url)


NotificationPage = page_schema(NotificationOut)


class NotificationParams(Schema):
    unread: bool = Field(False, description="Only those not read yet.")
    cursor: Cursor = None
    limit: int = Field(selectors.PAGE_SIZE, ge=1, le=200)


class MarkedOut(Schema):
    marked: int = Field(description="How many were unread and are read now.")


@router.get("/notifications", response=responses(200, NotificationPage, 400, 422))
def notification_list(request: HttpRequest, params: Query[NotificationParams]):
    """My notifications, newest first, a page at a time."""
    return selectors.notifications_for(
        person=request.auth, cursor=params.cursor, size=params.limit, unread=params.unread
    )


@router.post("/notifications/read-all", response=responses(200, MarkedOut))
def notification_read_all(request: HttpRequest):
    """Mark every notification of mine read."""
    return {"marked": services.notifications_mark_all_read(person=request.auth)}


@router.post("/notifications/{notification_id}/read", response=responses(200, NotificationOut, 404))
def notification_read(request: HttpRequest, notification_id: DatabaseId):
    """Mark one notification of mine read (again is fine)."""
    get_object_or_404(Notification, pk=notification_id, recipient=request.auth)
    return services.notification_mark_read(person=request.auth, notification_id=notification_id)
