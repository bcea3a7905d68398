"""A team's figures: groups under k hidden, and the next smallest with them (SPEC §3.5)."""

from datetime import date

from relaydesk.catalog.services import PromiseSpec, ServiceSpec, service_save
from relaydesk.feedback.tests.conftest import anonymous_ratings
from relaydesk.testing import signed_in_client

Q1, Q2, NOW = date(2026, 2, 10), date(2026, 5, 10), date(2026, 12, 3)


def _balancing(org, catalog):
    return service_save(
        actor=None,
        spec=ServiceSpec(
            slug="wheel-balancing",
            name="Wheel balancing",
            kind="work_item",
            calendar=catalog.office,
            provider_team=org.assembly,
            promises={"normal": PromiseSpec(60, 480)},
        ),
    )


def test_shares_are_shown_with_their_interval_and_n(org, catalog, settings):
    anonymous_ratings(catalog.wheels, org.member, Q1, [(5, 7)] * 8 + [(2, 3)] * 2)
    page = signed_in_client(org.lead).get(f"/teams/{org.assembly.pk}/feedback/").content.decode()
    assert '80 % <small class="muted">(0.49 to 0.94, n=10)' in page


def test_a_small_service_hides_the_next_smallest_too(org, catalog):
    balancing = _balancing(org, catalog)
    anonymous_ratings(catalog.wheels, org.member, Q1, [(5, 7)] * 12)
    anonymous_ratings(balancing, org.member, Q1, [(1, 1)] * 3)
    api = signed_in_client(org.lead).get(f"/api/v1/teams/{org.assembly.pk}/feedback").json()
    rows = {row["service"]: row for row in api["services"]}
    # Balancing has 3 answers, under k=5; shown, wheels minus the total would tell them.
    assert rows["Wheel balancing"]["all"]["satisfaction"] is None
    assert rows["Wheel fitting"]["all"]["satisfaction"] is None
    assert api["total"]["satisfaction"]["n"] == 15


def test_a_pair_of_filters_reveals_no_small_group_by_difference(org, catalog):
    balancing = _balancing(org, catalog)
    anonymous_ratings(catalog.wheels, org.member, Q1, [(5, 7)] * 10)
    anonymous_ratings(catalog.wheels, org.member, Q2, [(5, 7)] * 9)
    anonymous_ratings(balancing, org.member, Q1, [(4, 7)] * 8)
    anonymous_ratings(balancing, org.member, Q2, [(1, 1)] * 2)
    fb = signed_in_client(org.lead).get(f"/api/v1/teams/{org.assembly.pk}/feedback").json()
    shown = {
        (row["service"], quarter): cell["satisfaction"]
        for row in fb["services"]
        for quarter, cell in row["by_quarter"].items()
    }
    # Balancing in Q2 (2 answers) is hidden; every cell in its row and column would tell it.
    assert all(value is None for value in shown.values())


def test_comments_need_10_answers(org, catalog, settings):
    anonymous_ratings(catalog.wheels, org.member, Q1, [(5, 7)] * 9, comment="Lovely")
    api = signed_in_client(org.lead).get(f"/api/v1/teams/{org.assembly.pk}/feedback").json()
    assert api["total"]["satisfaction"] is not None and api["total"]["comments"] == []
    anonymous_ratings(catalog.wheels, org.member, Q1, [(5, 7)], comment="Lovely")
    api = signed_in_client(org.lead).get(f"/api/v1/teams/{org.assembly.pk}/feedback").json()
    assert len(api["total"]["comments"]) == 10


def test_k_is_configurable(org, catalog, settings):
    anonymous_ratings(catalog.wheels, org.member, Q1, [(5, 7)] * 4)
    settings.RELAYDESK_MIN_GROUP = 3
    api = signed_in_client(org.lead).get(f"/api/v1/teams/{org.assembly.pk}/feedback").json()
    assert (api["k"], api["total"]["satisfaction"]["n"]) == (3, 4)


def test_ratings_of_the_running_quarter_wait_until_it_closes(org, catalog):
    from django.utils import timezone

    anonymous_ratings(catalog.wheels, org.member, timezone.localdate(), [(5, 7)] * 12)
    api = signed_in_client(org.lead).get(f"/api/v1/teams/{org.assembly.pk}/feedback").json()
    assert api["total"]["n"] == 0


def test_only_the_teams_members_and_leads_see_its_feedback(org, catalog):
    assert (
        signed_in_client(org.member).get(f"/teams/{org.assembly.pk}/feedback/").status_code == 200
    )
    assert signed_in_client(org.admin).get(f"/teams/{org.assembly.pk}/feedback/").status_code == 200
    outsider = signed_in_client(org.outsider)
    assert outsider.get(f"/teams/{org.assembly.pk}/feedback/").status_code == 403
    assert outsider.get(f"/api/v1/teams/{org.assembly.pk}/feedback").status_code == 403


def test_the_unsung_are_rated_highly_and_rarely_thanked(org, catalog):
    anonymous_ratings(catalog.wheels, org.member, Q1, [(5, 7)] * 20)
    anonymous_ratings(catalog.wheels, org.lead, Q1, [(5, 7)] * 20)
    from relaydesk.feedback.services import kudos_give

    for n in range(2):
        kudos_give(giver=org.outsider, to_person=org.lead, message=f"Thanks {n}")
    page = signed_in_client(org.lead).get("/feedback/unsung/").content.decode()
    listed = page.split('<ul class="plain-list">')[-1]
    assert "Max Member" in listed and "Lena Lead" not in listed
    assert signed_in_client(org.member).get("/feedback/unsung/").status_code == 403
