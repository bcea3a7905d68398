"""The outside world: email over SMTP and webhooks over HTTP.

Called by the worker with no database transaction open. A send that fails raises, and the
worker retries it with back-off. A send that succeeded but was not recorded (a crash in
between) is sent again: both carry an id that stays the same across retries (`Message-ID`,
`X-Relaydesk-Delivery`) so that a receiver can drop the repeat.
"""

import hashlib
import hmac
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
from email.utils import formataddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from relaydesk.directory.models import Person
from relaydesk.notify.models import Kind, Webhook
from relaydesk.notify.rules import Notice


class WebhookFailed(Exception):
    """The receiver did not take the event: no answer in time, or not a 2xx."""


def absolute(path: str) -> str:
    return settings.RELAYDESK_BASE_URL.rstrip("/") + path


# -- email ------------------------------------------------------------------------------------


def email_send(
    *,
    person: Person,
    kind: str,
    title: str,
    body: str,
    url: str,
    delivery_id: str,
    unsubscribe_token: str,
) -> None:
    unsubscribe_url = absolute(reverse("notify:unsubscribe", args=[unsubscribe_token]))
    context = {
        "person": person,
        "kind": Kind(kind),
        "title": title,
        "body": body,
        "url": absolute(url),
        "unsubscribe_url": unsubscribe_url,
        "settings_url": absolute(reverse("notify:settings")),
    }
    message = EmailMultiAlternatives(
        subject=" ".join(title.split()),  # a header is one line
        body=render_to_string("notify/email/notification.txt", context),
        from_email=settings.RELAYDESK_EMAIL_FROM,
        to=[formataddr((person.name, person.email))],
        headers={
            "Message-ID": message_id(delivery_id),
            "X-Relaydesk-Delivery": delivery_id,
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string("notify/email/notification.html", context), "text/html"
    )
    message.send()


def message_id(delivery_id: str) -> str:
    """The same Message-ID for every attempt at one delivery."""
    digest = hashlib.sha256(delivery_id.encode()).hexdigest()[:32]
    host = urlsplit(settings.RELAYDESK_BASE_URL).hostname or "relaydesk"
    return f"<{digest}@{host}>"


# -- webhooks ---------------------------------------------------------------------------------


def webhook_document(notice: Notice, at: str) -> dict[str, Any]:
    """What a webhook is told about a request event; built once, sent the same on a retry."""
    request = notice.request
    return {
        "kind": notice.kind.value,
        "title": notice.title,
        "text": notice.body,
        "url": absolute(notice.url),
        "at": at,
        "request": {
            "id": request.pk,
            "title": request.title,
            "service": request.service.name,
            "priority": request.priority,
            "status": request.status,
            "team": request.provider_team.name if request.provider_team else None,
        },
    }


def webhook_body(webhook: Webhook, document: dict[str, Any], delivery_id: str) -> bytes:
    if webhook.format == Webhook.Format.SLACK:
        payload: dict[str, Any] = {"text": _slack_text(document)}
    else:
        payload = {"id": delivery_id, **document}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def _slack_text(document: dict[str, Any]) -> str:
    def escaped(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    head = f"<{document['url']}|{escaped(document['title'])}>"
    return f"{head}\n{escaped(document['text'])}" if document["text"] else head


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over `timestamp.body`: a receiver recomputes it with the shared secret, and
    refuses an old timestamp to stop a replay."""
    signed = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirected POST would arrive as a GET somewhere else: count it as a failure instead.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def forbidden_target(url: str, *, resolve: bool) -> str | None:
    """Why a webhook may not reach `url`'s host, or None. Loopback (this server's own ports)
    and link-local addresses (a cloud's metadata service) are off limits unless
    RELAYDESK_WEBHOOK_ALLOW_LOOPBACK says otherwise; private networks are allowed, since an
    organisation's own chat server usually lives there. `resolve` looks the name up (the worker
    does, just before sending); without it only literal addresses and localhost are judged."""
    host = urlsplit(url).hostname or ""
    if not resolve:
        if host == "localhost" or host.endswith(".localhost"):
            return _forbidden(host, ipaddress.ip_address("127.0.0.1"))
        try:
            return _forbidden(host, ipaddress.ip_address(host))
        except ValueError:
            return None  # a name: judged when it is sent
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return None  # unresolvable: the send fails on its own and says so
    for *_, address in found:
        reason = _forbidden(host, ipaddress.ip_address(address[0].split("%")[0]))
        if reason:
            return reason
    return None


def _forbidden(host: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    where = host.strip("[]") if host.strip("[]") == str(address) else f"{host} ({address})"
    if address.is_link_local or address.is_multicast or address.is_unspecified:
        return f"{where} is an address webhooks may not reach"
    if address.is_loopback and not settings.RELAYDESK_WEBHOOK_ALLOW_LOOPBACK:
        return f"{where} is this server's own loopback, which webhooks may not reach"
    return None


def webhook_post(*, webhook: Webhook, document: dict[str, Any], delivery_id: str) -> None:
    refused = forbidden_target(webhook.url, resolve=True)
    if refused:
        raise WebhookFailed(f"{webhook.name}: {refused}")
    body = webhook_body(webhook, document, delivery_id)
    timestamp = str(int(time.time()))
    signed = signature(webhook.secret, timestamp, body)
    outgoing = urllib.request.Request(
        webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Relaydesk-Webhook/1",
            "X-Relaydesk-Delivery": delivery_id,
            "X-Relaydesk-Event": document["kind"],
            "X-Relaydesk-Signature": f"t={timestamp},v1={signed}",
        },
    )
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(outgoing, timeout=settings.RELAYDESK_WEBHOOK_TIMEOUT) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise WebhookFailed(f"{webhook.name}: the receiver answered {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WebhookFailed(f"{webhook.name}: no answer from the receiver ({reason})") from None
