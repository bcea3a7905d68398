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


Q3 = date(2026, 8, 10)


def _three_by_three(org, catalog) -> None:
    balancing = _balancing(org, catalog)
    storage = service_save(
        actor=None,
        spec=ServiceSpec(
            slug="tyre-storage",
            name="Tyre storage",
            kind="work_item",
            calendar=catalog.office,
            provider_team=org.assembly,
            promises={"normal": PromiseSpec(60, 480)},
        ),
    )
    for service, sizes in (
        (catalog.wheels, (10, 9, 12)),
        (balancing, (8, 2, 6)),
        (storage, (5, 7, 3)),
    ):
        for day, size in zip((Q1, Q2, Q3), sizes, strict=True):
            anonymous_ratings(service, org.member, day, [(5, 7)] * (size - 1) + [(2, 2)])


def test_a_free_filter_is_shown_only_when_the_table_already_tells_it(org, catalog):
    _three_by_three(org, catalog)
    lead = signed_in_client(org.lead)
    url = f"/teams/{org.assembly.pk}/feedback/"
    # Balancing in Q1 alone (8 answers) is hidden: with its row's total it would tell Q2's 2.
    page = lead.get(url, {"service": "Wheel balancing", "first": "2026-Q1", "last": "2026-Q1"})
    assert "Not shown: with the figures above" in page.content.decode()
    # The whole of Balancing is its row's total: shown.
    page = lead.get(url, {"service": "Wheel balancing"}).content.decode()
    selection = page.split('id="selection"')[1]
    assert "n=16)" in selection and "Not shown" not in selection


def _known_groups(fb: dict) -> list[tuple[frozenset, int]]:
    """What the table shows: each shown cell, row, column and the total, as cells with n."""
    quarters, known = fb["quarters"], []
    everything = set()
    for row in fb["services"]:
        cells = {(row["service"], q) for q in quarters}
        everything |= cells
        if row["all"]["satisfaction"] is not None:
            known.append((frozenset(cells), row["all"]["n"]))
        for q, cell in row["by_quarter"].items():
            if cell["satisfaction"] is not None:
                known.append((frozenset({(row["service"], q)}), cell["n"]))
    for q, column in fb["by_quarter"].items():
        if column["satisfaction"] is not None:
            known.append((frozenset(c for c in everything if c[1] == q), column["n"]))
    if fb["total"]["satisfaction"] is not None:
        known.append((frozenset(everything), fb["total"]["n"]))
    return known


def test_no_filter_or_pair_of_filters_reveals_a_small_group_by_difference(org, catalog):
    """The attack: every filter the API answers, and every difference of two of them or of one
    and the table, holds no group of 1 to k-1 answers."""
    from itertools import combinations

    _three_by_three(org, catalog)
    lead = signed_in_client(org.lead)
    url = f"/api/v1/teams/{org.assembly.pk}/feedback"
    fb = lead.get(url).json()
    services, quarters = [row["service"] for row in fb["services"]], fb["quarters"]
    known = _known_groups(fb)
    answered = refused = 0
    for size in range(1, len(services) + 1):
        for chosen in combinations(services, size):
            for i, first in enumerate(quarters):
                for last in quarters[i:]:
                    got = lead.get(url, {"service": chosen, "first": first, "last": last}).json()
                    selection = got["selection"]
                    if not selection["shown"]:
                        assert selection["figures"]["satisfaction"] is None
                        refused += 1
                        continue
                    answered += 1
                    run = {q for q in quarters if first <= q <= last}
                    cells = frozenset((s, q) for s in chosen for q in run)
                    known.append((cells, selection["figures"]["n"]))
    assert answered and refused  # the filters are free, and some are refused
    k = fb["k"]
    for (a, n_a), (b, n_b) in combinations(known, 2):
        smaller, larger = ((a, n_a), (b, n_b)) if len(a) <= len(b) else ((b, n_b), (a, n_a))
        if smaller[0] < larger[0]:
            assert larger[1] - smaller[1] == 0 or larger[1] - smaller[1] >= k


def test_a_filter_names_what_is_wrong_with_it(org, catalog):
    _three_by_three(org, catalog)
    lead = signed_in_client(org.lead)
    api = f"/api/v1/teams/{org.assembly.pk}/feedback"
    unknown = lead.get(api, {"service": "Paint shop"})
    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.json()["errors"]] == ["service"]
    backwards = lead.get(api, {"first": "2026-Q3", "last": "2026-Q1"})
    assert backwards.status_code == 422
    assert [e["field"] for e in backwards.json()["errors"]] == ["last"]
    page = lead.get(f"/teams/{org.assembly.pk}/feedback/", {"first": "2026-Q3", "last": "2026-Q1"})
    assert page.status_code == 400
    assert "Choose a quarter on or after the first one." in page.content.decode()
