import pytest
from django.core.management import CommandError, call_command

from relaydesk.servicerequests.services import request_create
from relaydesk.servicerequests.tests.conftest import MONDAY_9


def test_the_command_records_what_is_due_once(org, catalog, capsys):
    request = request_create(
        requester=org.outsider, service=catalog.wheels, title="x", now=MONDAY_9
    )

    call_command("clocks_check")
    call_command("clocks_check")

    assert capsys.readouterr().out.splitlines() == [
        "4 warning(s) and breach(es) recorded",
        "0 warning(s) and breach(es) recorded",
    ]
    assert request.events.filter(kind="breach").count() == 2


def test_a_bad_interval_is_refused(db):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("clocks_check", "--every", "0")
