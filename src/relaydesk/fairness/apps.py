from django.apps import AppConfig


class FairnessConfig(AppConfig):
    """Who comes last? How long a team's colleagues wait beside its external work (SPEC §3.4)."""

    name = "relaydesk.fairness"
    verbose_name = "Fairness"
