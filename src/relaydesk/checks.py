"""System checks that stop a dangerous configuration from serving."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def secret_key_is_not_the_development_one(app_configs, **kwargs) -> list[Error]:
    if settings.DEBUG:
        return []
    key = settings.SECRET_KEY
    if key == settings.DEVELOPMENT_SECRET_KEY or key.startswith("django-insecure") or len(key) < 32:
        return [
            Error(
                "RELAYDESK_SECRET_KEY is the development key or too short (< 32 characters).",
                hint="Unset it to use a generated key kept in RELAYDESK_DATA_DIR, or set a long "
                "random value.",
                id="relaydesk.E001",
            )
        ]
    return []
