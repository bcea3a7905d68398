"""Typed readers for settings from environment variables; a bad value stops start-up loudly."""

import os

import dj_email_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_email_url(name: str, default: str) -> dict:
    """Django's email settings from one URL in the 12-factor convention: smtp://user:pw@host:587,
    smtp+tls://… (STARTTLS), smtp+ssl://… (TLS from the start) or console://."""
    url = os.environ.get(name, default)
    scheme = url.partition("://")[0]
    # dj-email-url spells the TLS variants as a query (?tls=1, ?ssl=1); take the usual names too.
    wrapped = {"smtp+tls": "tls", "smtp+ssl": "ssl"}.get(scheme)
    if wrapped:
        url = f"smtp{url[len(scheme) :]}{'&' if '?' in url else '?'}{wrapped}=1"
    try:
        parsed = dj_email_url.parse(url)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid address: {exc}") from None
    if "://" not in url or "EMAIL_BACKEND" not in parsed:
        raise ImproperlyConfigured(
            f"{name} must start with smtp://, smtp+tls://, smtp+ssl:// or console://, "
            f"not {scheme!r}"
        )
    return parsed
