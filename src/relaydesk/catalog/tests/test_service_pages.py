from relaydesk.catalog.models import Service
from relaydesk.testing import signed_in_client


def form_data(org, catalog, **changes) -> dict:
    data = {
        "name": "Tyre pressure advice",
        "slug": "tyre-pressure-advice",
        "kind": "advice",
        "description": "",
        "keywords": "tyres, pressure",
        "provider_team": org.assembly.pk,
        "provider_person": "",
        "calendar": catalog.office.pk,
        "audience": "everyone",
        "requester_people": "",
        "customer_people": "olga.outsider@example.com",
        "customer_parties": [org.dealer.pk],
        "feeds": "wheel-fitting",
        "warning_percent": 75,
        "is_active": "on",
        "normal_first_response": "30m",
        "normal_resolution": "4h",
    }
    return data | changes


def test_the_catalog_lists_active_services_with_their_providers(org, catalog):
    catalog.approvals.is_active = False
    catalog.approvals.save()

    page = signed_in_client(org.member).get("/services/").text

    assert "Wheel fitting" in page and ">Assembly</a>" in page
    assert "Purchase approval" not in page


def test_the_catalog_filters_by_kind(org, catalog):
    page = signed_in_client(org.member).get("/services/", {"kind": "approval"}).text

    assert "Purchase approval" in page and "Wheel fitting" not in page


def test_who_do_i_ask_lands_on_the_service(org, catalog):
    page = signed_in_client(org.member).get("/services/", {"q": "tyres"}).text

    assert "Who do I ask?" in page
    assert 'href="/services/wheel-fitting/"' in page


def test_a_service_page_shows_promises_customers_and_chain(org, catalog):
    page = signed_in_client(org.outsider).get("/services/wheel-fitting/").text

    assert "<h1>Wheel fitting</h1>" in page
    assert "<td>1 h</td><td>8 h</td>" in page  # normal: first answer, done
    assert "<td>15 min</td><td>2 h</td>" in page  # urgent
    assert "Harbour Motors" in page
    assert 'href="/services/purchase-approval/">Purchase approval</a>' in page  # fed by
    assert "Edit</a>" not in page


def test_the_service_page_costs_a_fixed_number_of_queries(org, catalog, django_assert_num_queries):
    client = signed_in_client(org.lead)
    client.get("/")

    # session, person; service with provider and calendar; 8 prefetches; teams led (may edit);
    # the bell's unread count
    with django_assert_num_queries(13):
        client.get("/services/wheel-fitting/")


def test_a_lead_creates_a_service_through_the_form(org, catalog):
    response = signed_in_client(org.lead).post("/services/new/", form_data(org, catalog))

    assert response.status_code == 302
    assert response.headers["Location"] == "/services/tyre-pressure-advice/"
    created = Service.objects.get(slug="tyre-pressure-advice")
    assert created.keywords == ["tyres", "pressure"]
    assert [p.email for p in created.customer_people.all()] == ["olga.outsider@example.com"]
    promise = created.promises.get()
    assert (promise.first_response_minutes, promise.resolution_minutes) == (30, 240)


def test_the_form_shows_each_error_beside_its_field(org, catalog):
    response = signed_in_client(org.lead).post(
        "/services/new/",
        form_data(
            org,
            catalog,
            customer_people="nobody@example.com",
            normal_resolution="2d",
            slug="wheel-fitting",
        ),
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["customer_people"] == [
        "no active person with the name or email “nobody@example.com”"
    ]
    assert "write business hours instead (e.g. 16h" in form.errors["normal_resolution"][0]
    assert Service.objects.count() == 2


def test_both_promise_errors_show_each_beside_its_own_field(org, catalog):
    response = signed_in_client(org.lead).post(
        "/services/new/",
        form_data(
            org,
            catalog,
            normal_first_response="soon",
            normal_resolution="2d",
            urgent_first_response="0m",
            urgent_resolution="1h",
            high_first_response="2h",
            high_resolution="1h",
            low_resolution="8h",
        ),
    )

    form = response.context["form"]
    assert "not 'soon'" in form.errors["normal_first_response"][0]
    assert "days are not a unit here" in form.errors["normal_resolution"][0]
    assert form.errors["urgent_first_response"] == ["promise at least one business minute"]
    assert "urgent_resolution" not in form.errors
    assert form.errors["high_resolution"] == ["promise to be done no sooner than the first answer"]
    assert "high_first_response" not in form.errors
    assert form.errors["low_first_response"] == ["give this time too: a promise has both"]
    first_cell = response.text.index('name="normal_first_response"')
    assert response.text.index("not &#x27;soon&#x27;") < response.text.index(
        'name="normal_resolution"'
    )  # rendered under the first answer, not under "done within"
    assert first_cell < response.text.index("not &#x27;soon&#x27;")
    assert Service.objects.count() == 2


def test_a_lead_may_not_publish_for_another_team_through_the_form(org, catalog):
    response = signed_in_client(org.lead).post(
        "/services/new/", form_data(org, catalog, provider_team=org.purchasing.pk)
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.context["form"].errors["provider_team"][0]


def test_a_lead_edits_their_teams_service_with_the_form_filled_in(org, catalog):
    client = signed_in_client(org.lead)
    form = client.get("/services/wheel-fitting/edit/").context["form"]

    assert form.initial["normal_resolution"] == "8h"
    assert form.initial["urgent_first_response"] == "15m"
    data = form_data(org, catalog, slug="wheel-fitting", name="Wheel & tyre fitting", feeds="")
    assert client.post("/services/wheel-fitting/edit/", data).status_code == 302
    catalog.wheels.refresh_from_db()
    assert catalog.wheels.name == "Wheel & tyre fitting"


def test_who_may_not_edit_a_service(org, catalog):
    assert signed_in_client(org.member).get("/services/new/").status_code == 403
    assert signed_in_client(org.member).get("/services/wheel-fitting/edit/").status_code == 403
    assert signed_in_client(org.lead).get("/services/purchase-approval/edit/").status_code == 403
    assert signed_in_client(org.admin).get("/services/purchase-approval/edit/").status_code == 200


def test_an_unknown_service_is_a_404(org, catalog):
    assert signed_in_client(org.member).get("/services/nope/").status_code == 404
