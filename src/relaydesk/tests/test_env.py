import pytest
from django.core.exceptions import ImproperlyConfigured

from relaydesk.env import env_bool, env_email_url, env_int, env_list


def test_booleans_read_the_usual_words(monkeypatch):
    monkeypatch.setenv("RELAYDESK_X", "Yes")
    assert env_bool("RELAYDESK_X", False) is True
    monkeypatch.setenv("RELAYDESK_X", "off")
    assert env_bool("RELAYDESK_X", True) is False


def test_a_bad_boolean_stops_start_up_naming_the_variable(monkeypatch):
    monkeypatch.setenv("RELAYDESK_HTTPS", "maybe")

    with pytest.raises(ImproperlyConfigured, match="RELAYDESK_HTTPS must be true or false"):
        env_bool("RELAYDESK_HTTPS", False)


def test_a_bad_number_stops_start_up_naming_the_variable(monkeypatch):
    monkeypatch.setenv("RELAYDESK_WEB_WORKERS", "two")

    with pytest.raises(ImproperlyConfigured, match="RELAYDESK_WEB_WORKERS must be a whole number"):
        env_int("RELAYDESK_WEB_WORKERS", 2)


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("RELAYDESK_ALLOWED_HOSTS", "desk.example.com, localhost,")

    assert env_list("RELAYDESK_ALLOWED_HOSTS", []) == ["desk.example.com", "localhost"]


def email_url(monkeypatch, url: str) -> dict:
    monkeypatch.setenv("EMAIL_URL", url)
    return env_email_url("EMAIL_URL", "console://")


def test_one_email_url_reads_the_usual_forms(monkeypatch):
    plain = email_url(monkeypatch, "smtp://relay:s%40cret@mail.example.com:2525")
    starttls = email_url(monkeypatch, "smtp+tls://relay:pw@mail.example.com:587")
    tls = email_url(monkeypatch, "smtp+ssl://mail.example.com:465")

    assert plain["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (plain["EMAIL_HOST"], plain["EMAIL_PORT"], plain["EMAIL_HOST_PASSWORD"]) == (
        "mail.example.com",
        2525,
        "s@cret",
    )
    assert not plain["EMAIL_USE_TLS"] and not plain["EMAIL_USE_SSL"]
    assert starttls["EMAIL_USE_TLS"] and starttls["EMAIL_PORT"] == 587
    assert tls["EMAIL_USE_SSL"] and not tls["EMAIL_USE_TLS"]
    assert email_url(monkeypatch, "console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")


@pytest.mark.parametrize("url", ["mail.example.com", "imap://mail.example.com", "smtp://h:port/"])
def test_a_bad_email_url_stops_start_up_naming_the_variable(monkeypatch, url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_url(monkeypatch, url)


def test_a_number_below_its_minimum_stops_start_up(monkeypatch):
    monkeypatch.setenv("RELAYDESK_OUTBOX_BATCH", "0")

    with pytest.raises(ImproperlyConfigured, match="RELAYDESK_OUTBOX_BATCH must be at least 1"):
        env_int("RELAYDESK_OUTBOX_BATCH", 50, minimum=1)
