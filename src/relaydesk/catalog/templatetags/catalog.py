from django import template

from relaydesk.catalog.models import Priority, Service
from relaydesk.catalog.selectors import headline_promise
from relaydesk.core.durations import format_minutes, promise_text

register = template.Library()


@register.filter
def business_duration(minutes: int) -> str:
    return format_minutes(minutes)


@register.filter
def promise_summary(service: Service) -> str:
    """What the service promises most requests, in the working days of its calendar ('first
    answer within 30 min, done within 4 working days'); '' when it promises nothing."""
    promise = headline_promise(service)
    if promise is None:
        return ""
    text = promise_text(
        promise.first_response_minutes * 60,
        promise.resolution_minutes * 60,
        service.calendar.engine().working_day,
    )
    if promise.priority == Priority.NORMAL:
        return text
    return f"{text} ({promise.get_priority_display().lower()} priority)"
