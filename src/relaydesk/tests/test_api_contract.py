"""The OpenAPI document is an exact contract: every operation says which errors it may answer,
with examples; every input has its bounds; created objects link to what can be done with them.
It is read as a client reads it, from /api/v1/openapi.json, so new operations are held to it."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from ninja import Schema

from relaydesk.clean_input import BIGGEST

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return Client().get("/api/v1/openapi.json").json()


def operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def resolved(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def leaves(document: dict, schema: dict, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every string and integer an input schema takes, with where it sits."""
    schema = resolved(document, schema)
    for choice in schema.get("anyOf", []):
        yield from leaves(document, choice, where)
    for name, inner in schema.get("properties", {}).items():
        yield from leaves(document, inner, f"{where}.{name}")
    if schema.get("type") == "array":
        yield from leaves(document, schema["items"], f"{where}[]")
    if schema.get("type") in {"string", "integer"}:
        yield where, schema


def inputs(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, operation in operations(document):
        for parameter in operation.get("parameters", []):
            yield from leaves(document, parameter["schema"], f"{name} {parameter['name']}")
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            yield from leaves(document, body["schema"], f"{name} body")


def test_every_operation_documents_the_errors_it_can_answer_with_examples(document):
    missing = []
    for name, operation in operations(document):
        answers = operation["responses"]
        expected = {"422"}
        if operation.get("security"):
            expected.add("401")
        if "{" in name:
            expected.add("404")
        if "requestBody" in operation:
            expected |= {"400", "413"}
        missing += [f"{name}: {status}" for status in sorted(expected - set(answers))]
        for status, answer in answers.items():
            if status >= "400":
                example = answer["content"]["application/json"]["example"]
                assert example["message"], f"{name} {status} has no example"
    assert missing == []


def test_stale_versions_and_reused_secret_keys_are_documented_as_conflicts(document):
    paths = document["paths"]
    assert "409" in paths["/api/v1/requests/{request_id}/transitions"]["post"]["responses"]
    assert "409" in paths["/api/v1/tokens"]["post"]["responses"]


def test_every_text_input_has_a_length_and_every_id_the_database_range(document):
    unbounded = []
    for where, schema in inputs(document):
        if schema["type"] == "string":
            if "maxLength" not in schema and "enum" not in schema and "format" not in schema:
                unbounded.append(where)
        elif where.endswith(("_id", "_ids[]", "unblocks[]", " pk", " person")) and (
            schema.get("minimum"),
            schema.get("maximum"),
        ) != (1, BIGGEST):
            unbounded.append(where)
    assert unbounded == []


def test_a_created_request_links_to_what_can_be_done_with_it(document):
    created = document["paths"]["/api/v1/requests"]["post"]["responses"]["201"]

    links = created["links"]

    for action in ("transition", "comment", "transfer", "assignment", "detail"):
        link = links[f"relaydesk_servicerequests_api_request_{action}"]
        assert link["parameters"] == {"request_id": "$response.body#/id"}


def test_a_list_links_its_first_item_to_the_operations_on_one(document):
    listed = document["paths"]["/api/v1/teams"]["get"]["responses"]["200"]

    link = listed["links"]["relaydesk_servicerequests_api_team_queue"]

    assert link["parameters"] == {"team_id": "$response.body#/items/0/id"}


def test_no_two_schemas_share_a_name_in_the_document(document):
    # The document names each schema by its class: a second class of the same name would
    # silently replace the first, and answers would be checked against the wrong shape.
    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {c for c in subclasses(Schema) if c.__module__.startswith("relaydesk.")}
    names = [c.__name__ for c in ours]
    assert sorted({n for n in names if names.count(n) > 1}) == []
