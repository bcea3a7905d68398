from django.apps import AppConfig


class RelaydeskConfig(AppConfig):
    """The project itself: base layout, home page, static assets, `serve`, system checks."""

    name = "relaydesk"
    verbose_name = "Relaydesk"

    def ready(self) -> None:
        from relaydesk import checks  # noqa: F401  (registers the system checks)
