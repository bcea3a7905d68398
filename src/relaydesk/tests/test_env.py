import pytest
from django.core.exceptions import ImproperlyConfigured

from relaydesk.env import env_bool, env_int, env_list


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
