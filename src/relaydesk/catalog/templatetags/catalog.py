from django import template

from relaydesk.core.durations import format_minutes

register = template.Library()


@register.filter
def business_duration(minutes: int) -> str:
    return format_minutes(minutes)
