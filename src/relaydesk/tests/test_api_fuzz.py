"""The API keeps its contract under generated input: schemathesis, driven by the OpenAPI
document, calls the real app in this process as a member, a lead and an admin, one operation at
a time and along the document's links (a created request to its transitions, comments,
transfer...). No answer may be a server error, a status the document does not name, or a body
or content type other than documented. Derandomized with a small budget, so CI is stable and
quick; whatever operations exist are covered."""

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from relaydesk.directory.services import api_token_create
from relaydesk.servicerequests.services import request_create

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROLES = ["member", "lead", "admin"]
FIXED = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def _document():
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


# Every phase: the document's examples, then the boundaries of each input (the coverage phase:
# lengths and ranges at and past their limits, missing fields, other methods), then generated
# input. The boundaries cost the most, so one role walks them: the admin, whom no role check
# stops before the input's own.
schema = _document()
# The document's examples and generated input, for every role.
fuzzing = _document()
fuzzing.config.phases.update(phases=["examples", "fuzzing"])
# Along the links, valid input gets past the first refusal to the operations deeper inside.
valid_only = _document()
valid_only.config.generation.update(modes=[GenerationMode.POSITIVE])


@pytest.fixture
def served_in_process() -> Iterator[None]:
    # Each answer would close the test's database connection, and its transaction with it
    # (Django's test client keeps it open the same way).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def existing(org, catalog) -> dict[str, object]:
    """Objects to act on, by the path parameter that names them."""
    wheels = request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")
    request_create(requester=org.member, service=catalog.approvals, title="Approve tyres")
    return {
        "request_id": wheels.pk,
        "team_id": org.assembly.pk,
        "person_id": org.member.pk,
        "party_id": org.dealer.pk,
        "calendar_id": catalog.office.pk,
        "slug": catalog.wheels.slug,
    }


@pytest.fixture
def bearer(org, existing, served_in_process, role: str) -> dict[str, str]:
    """The role's personal token."""
    _, secret = api_token_create(person=getattr(org, role), name="fuzz")
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("role", ["admin"])
@schema.parametrize()
@settings(FIXED, max_examples=3)
def test_every_operation_keeps_its_contract_at_the_bounds_of_its_input(case, bearer, existing):
    _call_and_validate(case, bearer, existing)


@pytest.mark.parametrize("role", ROLES)
@fuzzing.parametrize()
@settings(FIXED, max_examples=10)
def test_every_operation_keeps_its_contract(case, bearer, existing):
    _call_and_validate(case, bearer, existing)


def _call_and_validate(case, bearer: dict[str, str], existing: dict[str, object]) -> None:
    # Half the generated ids name an object that exists, so that the operation goes past
    # its 404 to what it does (chosen by the id's length: the same on every run).
    for name, value in (case.path_parameters or {}).items():
        if name in existing and len(str(value)) % 2:
            case.path_parameters[name] = existing[name]
    case.call_and_validate(headers=bearer, checks=CHECKS)


@pytest.mark.parametrize("role", ROLES)
def test_operations_followed_along_their_links_keep_their_contract(bearer):
    class Workflow(valid_only.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": bearer}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, headers=bearer)

    run_state_machine_as_test(
        Workflow, settings=settings(FIXED, max_examples=8, stateful_step_count=6)
    )
