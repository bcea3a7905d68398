from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Domain events: the transactional outbox, its handlers and the worker that runs them."""

    name = "relaydesk.events"
    verbose_name = "Events"
