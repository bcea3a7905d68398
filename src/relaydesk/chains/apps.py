from django.apps import AppConfig


class ChainsConfig(AppConfig):
    """The customer map: who depends on whose work, onward to the external parties (SPEC §3.3)."""

    name = "relaydesk.chains"
    verbose_name = "Customer map"
