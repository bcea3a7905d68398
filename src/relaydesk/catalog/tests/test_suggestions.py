"""What the service form's pickers suggest as one types (issue 14): services by name, people
by name or email, teams by name with their department; a handful, to signed-in people only,
nothing the catalog does not show."""

from django.test import Client

from relaydesk.catalog.models import Service
from relaydesk.catalog.services import ServiceSpec, service_save
from relaydesk.catalog.views import SUGGESTIONS_SHOWN
from relaydesk.directory.models import Team
from relaydesk.testing import signed_in_client


def suggested(person, url: str, **params) -> list[dict]:
    response = signed_in_client(person).get(url, params)
    assert response.status_code == 200
    return response.json()["results"]


def labels(results: list[dict]) -> list[str]:
    return [result["label"] for result in results]


def test_it_suggests_services_by_the_start_of_their_name_in_any_case(org, catalog):
    results = suggested(org.member, "/suggest/services/", q="PURCH")

    assert results == [
        {"key": "purchase-approval", "label": "Purchase approval", "detail": "Purchasing"}
    ]


def test_it_suggests_what_who_do_i_ask_finds(org, catalog):
    assert labels(suggested(org.member, "/suggest/services/", q="tyres")) == ["Wheel fitting"]


def test_it_leaves_out_the_service_being_edited(org, catalog):
    assert suggested(org.lead, "/suggest/services/", q="wheel", exclude="wheel-fitting") == []


def test_it_suggests_a_handful_however_many_match(org, catalog):
    for n in range(SUGGESTIONS_SHOWN + 3):
        service_save(
            actor=None,
            spec=ServiceSpec(
                slug=f"torque-{n}",
                name=f"Torque check {n}",
                kind="work_item",
                calendar=catalog.office,
                provider_team=org.assembly,
            ),
        )

    assert len(suggested(org.member, "/suggest/services/", q="torque")) == SUGGESTIONS_SHOWN


def test_it_never_suggests_a_service_closed_for_requests(org, catalog):
    Service.objects.filter(pk=catalog.wheels.pk).update(is_active=False)

    assert suggested(org.member, "/suggest/services/", q="wheel") == []
    assert suggested(org.member, "/suggest/services/", q="tyres") == []


def test_a_confidential_service_shows_only_what_the_catalog_shows(org, catalog):
    Service.objects.filter(pk=catalog.wheels.pk).update(
        confidential=True, description="Disciplinary matters of the wheel team."
    )

    results = suggested(org.outsider, "/suggest/services/", q="wheel")

    # Listed, as in the catalog (requests to it are what is confidential), but nothing more.
    assert results == [{"key": "wheel-fitting", "label": "Wheel fitting", "detail": "Assembly"}]


def test_it_suggests_people_by_name_or_email_in_any_case(org, catalog):
    by_name = suggested(org.lead, "/suggest/people/", q="oLGA")
    by_email = suggested(org.lead, "/suggest/people/", q="OLGA.OUTSIDER@")

    olga = {
        "key": "olga.outsider@example.com",
        "label": "Olga Outsider",
        "detail": "olga.outsider@example.com · Purchasing",
    }
    assert by_name == by_email == [olga]


def test_it_never_suggests_someone_who_has_left(org, catalog):
    org.outsider.is_active = False
    org.outsider.save()

    assert suggested(org.lead, "/suggest/people/", q="olga") == []


def test_for_a_provider_it_suggests_only_whom_one_may_publish_for(org, catalog):
    everyone = suggested(org.lead, "/suggest/people/", q="example.com")
    providers = suggested(org.lead, "/suggest/people/", q="example.com", among="providers")

    assert "Olga Outsider" in labels(everyone)
    assert labels(providers) == ["Lena Lead", "Max Member"]  # Assembly, which Lena leads


def test_it_suggests_teams_in_any_case_each_with_its_department(org, catalog):
    works = Team.objects.create(name="Works")
    Team.objects.create(name="Assembly", parent=works)

    results = suggested(org.member, "/suggest/teams/", q="ASSEM")

    # The same name twice, told apart; the key is the path, which the form takes.
    assert results == [
        {"key": "Plant / Assembly", "label": "Assembly (Plant)", "detail": "Plant / Assembly"},
        {"key": "Works / Assembly", "label": "Assembly (Works)", "detail": "Works / Assembly"},
    ]
    assert labels(suggested(org.member, "/suggest/teams/", q="works assembly")) == [
        "Assembly (Works)"
    ]


def test_it_suggests_a_handful_of_teams_however_many_match(org, catalog):
    Team.objects.bulk_create(
        Team(name=f"Line {n}", parent=org.assembly) for n in range(SUGGESTIONS_SHOWN + 3)
    )

    assert len(suggested(org.member, "/suggest/teams/", q="line")) == SUGGESTIONS_SHOWN


def test_nothing_typed_suggests_nothing(org, catalog):
    assert suggested(org.member, "/suggest/services/", q="  ") == []
    assert suggested(org.member, "/suggest/people/") == []
    assert suggested(org.member, "/suggest/teams/", q=" ") == []


def test_who_may_not_ask_for_suggestions(org, catalog):
    for url in ("/suggest/services/?q=wheel", "/suggest/people/?q=olga", "/suggest/teams/?q=p"):
        response = Client().get(url)

        assert response.status_code == 302
        assert response.headers["Location"].startswith("/accounts/login/")
