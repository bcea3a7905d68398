"""What the notification tests share besides fixtures: the receivers' records."""

import email
import email.policy
import json
from dataclasses import dataclass, field
from email.message import EmailMessage

from relaydesk.events.models import OutboxEvent


class Mailbox:
    """An SMTP server's handler: keeps what it accepts, refuses while told to."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refusals: list[str] = []  # SMTP replies to give, one per message, before accepting

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refusals:
            return self.refusals.pop(0)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if address in message["To"]]

    def subjects(self) -> list[tuple[str, str]]:
        """(recipient address, subject) of every message, in order."""
        return [(m["To"].addresses[0].addr_spec, m["Subject"]) for m in self.messages]


def text_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """An HTTP server that takes webhook POSTs; slow or failing while told to."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    delays: list[float] = field(default_factory=list)  # seconds to stall, one per POST
    statuses: list[int] = field(default_factory=list)  # statuses to answer, one per POST


def outbox(kind: str) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(kind=kind).order_by("id"))
