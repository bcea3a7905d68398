"""Who reacts to which domain event, and which jobs run on a schedule.

Apps register in their AppConfig.ready() by importing their `handlers` module; no app imports
another app's services to react to what happened there.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from relaydesk.events.models import OutboxEvent

Handler = Callable[[OutboxEvent], None]


@dataclass(frozen=True)
class Subscription:
    name: str  # module.function: what `pending` keeps
    kind: str
    handler: Handler
    # True: the handler's writes commit with the record that it ran (exactly once).
    # False: it talks to the outside world (SMTP, HTTP) and must not hold a database
    # transaction open while it does; it runs at least once, and is recorded right after.
    atomic: bool


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    job: Callable[[], object]


SUBSCRIPTIONS: dict[str, Subscription] = {}
PERIODIC: dict[str, Periodic] = {}


def subscribe(kind: str, *, atomic: bool = True) -> Callable[[Handler], Handler]:
    """Run the decorated function for every event of `kind` published from now on."""

    def register(handler: Handler) -> Handler:
        name = f"{handler.__module__}.{handler.__qualname__}"
        SUBSCRIPTIONS[name] = Subscription(name, kind, handler, atomic)
        return handler

    return register


def periodic(name: str, *, every: timedelta) -> Callable[[Callable[[], object]], Callable]:
    """Run the decorated function about every `every`, by one worker at a time."""

    def register(job: Callable[[], object]) -> Callable[[], object]:
        PERIODIC[name] = Periodic(name, every, job)
        return job

    return register


def handlers_for(kind: str) -> list[str]:
    return [name for name, sub in SUBSCRIPTIONS.items() if sub.kind == kind]
