from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from relaydesk.notify.selectors import UNREAD_SHOWN, unread_count


def notifications(request: HttpRequest) -> dict:
    """The bell's unread count ("" for none, "99+" for many): one small query, made only by a
    page that shows the bell."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def label() -> str:
        count = unread_count(person=user)
        return f"{UNREAD_SHOWN}+" if count > UNREAD_SHOWN else str(count or "")

    return {"unread_notifications": SimpleLazyObject(label)}
