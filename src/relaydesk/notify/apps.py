from django.apps import AppConfig


class NotifyConfig(AppConfig):
    """Notifications (SPEC §3.7): in-app, email and outgoing webhooks, sent from the outbox."""

    name = "relaydesk.notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from relaydesk.notify import handlers  # noqa: F401  (subscribes them)
