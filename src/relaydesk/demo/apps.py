from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Builds deterministic demo organisations that tell the product's story."""

    name = "relaydesk.demo"
    verbose_name = "Demo"
