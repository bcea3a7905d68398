from relaydesk.catalog.models import Service
from relaydesk.testing import signed_in_client


def service_payload(org, catalog, **changes) -> dict:
    payload = {
        "slug": "tyre-pressure-advice",
        "name": "Tyre pressure advice",
        "kind": "advice",
        "provider_team_id": org.assembly.pk,
        "calendar_id": catalog.office.pk,
        "keywords": ["tyres", "pressure"],
        "customer_party_ids": [org.dealer.pk],
        "feeds": ["wheel-fitting"],
        "promises": {"normal": {"first_response_minutes": 30, "resolution_minutes": 240}},
    }
    return payload | changes


def post(client, payload):
    return client.post("/api/v1/services", payload, content_type="application/json")


def test_services_are_listed_with_their_promises_and_chain(org, catalog):
    body = signed_in_client(org.outsider).get("/api/v1/services").json()

    purchase, wheels = body["items"]
    assert purchase["feeds"] == ["wheel-fitting"]
    assert wheels["provider"] == {"kind": "team", "id": org.assembly.pk, "name": "Assembly"}
    assert wheels["promises"] == {
        "normal": {"first_response_minutes": 60, "resolution_minutes": 480},
        "urgent": {"first_response_minutes": 15, "resolution_minutes": 120},
    }
    assert wheels["customer_party_ids"] == [org.dealer.pk]


def test_the_list_filters_by_kind_and_provider(org, catalog):
    client = signed_in_client(org.member)

    approvals = client.get("/api/v1/services", {"kind": "approval"}).json()["items"]
    assembly = client.get("/api/v1/services", {"provider_team_id": org.assembly.pk}).json()

    assert [s["slug"] for s in approvals] == ["purchase-approval"]
    assert [s["slug"] for s in assembly["items"]] == ["wheel-fitting"]


def test_the_list_costs_a_fixed_number_of_queries(org, catalog, django_assert_max_num_queries):
    client = signed_in_client(org.member)
    for n in range(15):
        post(
            signed_in_client(org.lead), service_payload(org, catalog, slug=f"s-{n}", name=f"S {n}")
        )

    with django_assert_max_num_queries(12):
        assert len(client.get("/api/v1/services").json()["items"]) == 17


def test_a_lead_publishes_a_service_for_their_team(org, catalog):
    response = post(signed_in_client(org.lead), service_payload(org, catalog))

    assert response.status_code == 201, response.json()
    created = Service.objects.get(slug="tyre-pressure-advice")
    assert created.provider_team == org.assembly
    assert list(created.feeds.values_list("slug", flat=True)) == ["wheel-fitting"]
    assert response.json()["promises"]["normal"]["resolution_minutes"] == 240


def test_a_lead_may_not_publish_for_another_team(org, catalog):
    payload = service_payload(org, catalog, provider_team_id=org.purchasing.pk)

    response = post(signed_in_client(org.lead), payload)

    assert response.status_code == 403
    assert not Service.objects.filter(slug="tyre-pressure-advice").exists()


def test_a_member_may_not_publish_services(org, catalog):
    assert post(signed_in_client(org.member), service_payload(org, catalog)).status_code == 403


def test_an_admin_edits_any_service(org, catalog):
    payload = service_payload(
        org,
        catalog,
        slug="purchase-approval",
        name="PO approval",
        kind="approval",
        provider_team_id=org.purchasing.pk,
        feeds=[],
    )

    response = signed_in_client(org.admin).put(
        "/api/v1/services/purchase-approval", payload, content_type="application/json"
    )

    assert response.status_code == 200
    catalog.approvals.refresh_from_db()
    assert catalog.approvals.name == "PO approval"
    assert not catalog.approvals.feeds.exists()


def test_unknown_references_are_named_all_at_once(org, catalog):
    payload = service_payload(
        org, catalog, calendar_id=999, customer_party_ids=[org.dealer.pk, 998], feeds=["nope"]
    )

    response = post(signed_in_client(org.admin), payload)

    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors == {
        "calendar_id": "no calendar with pk 999",
        "customer_party_ids": "no party with pk 998",
        "feeds": "no service with slug nope",
    }


def test_a_bad_slug_kind_or_promise_is_a_422_naming_the_field(org, catalog):
    client = signed_in_client(org.admin)

    bad_slug = post(client, service_payload(org, catalog, slug="Not a slug"))
    bad_kind = post(client, service_payload(org, catalog, kind="favour"))
    bad_promise = post(
        client,
        service_payload(
            org,
            catalog,
            promises={"normal": {"first_response_minutes": 120, "resolution_minutes": 60}},
        ),
    )
    bad_priority = post(
        client,
        service_payload(
            org,
            catalog,
            promises={"someday": {"first_response_minutes": 1, "resolution_minutes": 2}},
        ),
    )

    assert [e["field"] for e in bad_slug.json()["errors"]] == ["slug"]
    assert [e["field"] for e in bad_kind.json()["errors"]] == ["kind"]
    assert bad_promise.json()["errors"] == [
        {
            "field": "promises.normal",
            "message": "resolution cannot be promised before the first response",
        }
    ]
    assert bad_priority.status_code == 422
    assert not Service.objects.filter(slug="tyre-pressure-advice").exists()


def test_a_taken_slug_is_refused(org, catalog):
    response = post(
        signed_in_client(org.admin), service_payload(org, catalog, slug="wheel-fitting")
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "slug"


def test_a_service_needs_exactly_one_provider(org, catalog):
    both = service_payload(org, catalog, provider_person_id=org.member.pk)
    neither = service_payload(org, catalog, provider_team_id=None)

    for payload in (both, neither):
        response = post(signed_in_client(org.admin), payload)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "provider"


def test_a_chain_that_loops_is_refused_and_nothing_is_written(org, catalog):
    # purchase-approval feeds wheel-fitting already; wheel-fitting feeding it back would loop.
    payload = service_payload(
        org,
        catalog,
        slug="wheel-fitting",
        name="Wheel fitting",
        kind="work_item",
        feeds=["purchase-approval"],
    )

    response = signed_in_client(org.admin).put(
        "/api/v1/services/wheel-fitting", payload, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "feeds",
        "message": "this would make the chain loop: wheel-fitting → purchase-approval → "
        "wheel-fitting",
    }
    catalog.wheels.refresh_from_db()
    assert catalog.wheels.kind == "work_item" and catalog.wheels.name == "Wheel fitting"
    assert catalog.wheels.keywords == ["wheels", "tyres"]


def test_an_unknown_service_is_a_404(org, catalog):
    assert signed_in_client(org.member).get("/api/v1/services/nope").status_code == 404


def test_search_finds_who_to_ask(org, catalog):
    body = signed_in_client(org.member).get("/api/v1/services/search", {"q": "tyres"}).json()

    assert [s["slug"] for s in body["services"]] == ["wheel-fitting"]
    assert body["services"][0]["promises"]["urgent"]["first_response_minutes"] == 15


def test_search_needs_a_query(org, catalog):
    response = signed_in_client(org.member).get("/api/v1/services/search")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "q"
