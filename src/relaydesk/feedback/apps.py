from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """Feedback both ways, and kudos (SPEC §3.5), with anonymity that holds."""

    name = "relaydesk.feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        from relaydesk.feedback import handlers  # noqa: F401  (registers the periodic job)
