from django.core.checks import run_checks


def test_a_production_server_refuses_the_development_key(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY

    assert [error.id for error in run_checks()] == ["relaydesk.E001"]


def test_a_production_server_refuses_a_short_key(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "changeme"

    assert [error.id for error in run_checks()] == ["relaydesk.E001"]


def test_the_generated_key_passes(settings):
    settings.DEBUG = False

    assert run_checks() == []
