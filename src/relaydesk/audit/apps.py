from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit log: who changed who may see or do what, when, from what to what (SPEC §6)."""

    name = "relaydesk.audit"
    verbose_name = "Audit log"
