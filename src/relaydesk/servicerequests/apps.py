from django.apps import AppConfig


class ServiceRequestsConfig(AppConfig):
    """Requests to services: lifecycle, SLA clocks, queues, the event log (SPEC §3.2)."""

    name = "relaydesk.servicerequests"
    label = "servicerequests"
    verbose_name = "Requests"

    def ready(self) -> None:
        from relaydesk.servicerequests import handlers  # noqa: F401  (subscribes them)
