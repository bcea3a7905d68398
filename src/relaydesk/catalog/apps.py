from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """The service catalog: calendars, services and their promises (SPEC §2, §3.1)."""

    name = "relaydesk.catalog"
    verbose_name = "Catalog"
