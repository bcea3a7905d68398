from django.apps import AppConfig


class InsightConfig(AppConfig):
    """Dashboards (SPEC §3.6), read from rollups the worker keeps up to date."""

    name = "relaydesk.insight"
    verbose_name = "Insight"

    def ready(self) -> None:
        from relaydesk.insight import handlers  # noqa: F401  (subscribes to request events)
