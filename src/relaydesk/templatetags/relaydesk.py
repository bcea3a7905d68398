from django import template
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_link(context: dict, url_name: str, label: str, *also_current: str) -> str:
    """A navigation link marked as the current page for its own and its related views.

    A view whose place in the menu depends on what it shows names that place in `nav_current`.
    """
    request: HttpRequest = context["request"]
    match = request.resolver_match
    if context.get("nav_current"):
        current = context["nav_current"] == url_name
    else:
        current = match is not None and match.view_name in {url_name, *also_current}
    return format_html(
        '<a href="{}"{}>{}</a>',
        reverse(url_name),
        mark_safe(' aria-current="page"') if current else "",
        label,
    )


@register.filter(is_safe=True)
def sentence(message: str) -> str:
    """A message as a sentence: a capital first letter and a stop at the end. The services
    word their messages for the API, as fragments ('keep it under 200 characters'); pages show
    every error this way, through the project's error list template."""
    text = str(message).strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else f"{text}."
