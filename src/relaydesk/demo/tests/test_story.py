from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from relaydesk.demo.story import DEMO_PASSWORD, SAMPLE_ACCOUNTS, build_story
from relaydesk.directory.models import Party, Person, Team


def test_the_story_is_a_plant_with_departments_teams_and_a_reporting_tree(db):
    build_story()

    director = Person.objects.get(manager__isnull=True)
    assert director.name == "Katharina Berg"
    assert Person.objects.count() == 40
    assert Team.objects.get(name="Assembly Line").parent.name == "Plant Operations"
    assert Team.objects.filter(lead__isnull=True).count() == 0
    # every team lead reports to their department's head
    for team in Team.objects.filter(parent__parent__isnull=False).select_related("lead", "parent"):
        assert team.lead.manager_id == team.parent.lead_id


def test_the_story_has_a_dealer_and_a_cleaning_vendor(db):
    build_story()

    assert set(Party.objects.values_list("name", "kind")) >= {
        ("Harbour Motors", "customer"),
        ("Sparkle Cleaning Services", "vendor"),
    }


def test_every_sample_account_can_sign_in(db):
    build_story()

    for account in SAMPLE_ACCOUNTS:
        assert Person.objects.get(email=account.email).check_password(DEMO_PASSWORD)
    assert Person.objects.get(email=SAMPLE_ACCOUNTS[0].email).is_admin


def test_the_demo_builds_the_organisation_with_a_history_of_requests(db):
    from relaydesk.servicerequests.models import Request

    out = StringIO()
    call_command("demo", "--no-serve", "--requests", "120", "--seed", "3", stdout=out)

    assert Person.objects.count() == 40
    assert Request.objects.count() == 120
    assert "Built 120 requests" in out.getvalue()


def test_the_demo_tells_the_fairness_story(db):
    from relaydesk.demo.models import DemoBuild
    from relaydesk.directory.models import Absence
    from relaydesk.fairness.selectors import who_comes_last
    from relaydesk.servicerequests.models import OPEN_STATUSES

    out = StringIO()
    call_command("demo", "--no-serve", "--requests", "1500", "--seed", "3", stdout=out)

    assert "Fairness: external first:" in out.getvalue()
    habit = Team.objects.get(queue_policy="external_first")
    build = DemoBuild.objects.get()
    # Its habit shows in its "who comes last?" report.
    report = who_comes_last(team=habit, days=365, now=build.history_end)
    assert report.parity_index is not None and report.parity_index > 1.5, report.sentence
    # One of its people is away, a colleague covering; another is over their limit.
    away = Absence.objects.get()
    assert away.starts_at < build.history_end < away.ends_at
    assert away.person.team_id == habit.pk and away.backup.team_id == habit.pk
    loaded = Person.objects.exclude(wip_limit=None).get()
    assert loaded.assigned.filter(status__in=OPEN_STATUSES).count() >= loaded.wip_limit


def test_the_demo_refuses_a_negative_number_of_requests(db):
    with pytest.raises(CommandError, match="--requests"):
        call_command("demo", "--no-serve", "--requests", "-1")


def test_the_demo_never_writes_into_another_organisation(org):
    with pytest.raises(CommandError, match="already holds another organisation"):
        call_command("demo", "--no-serve")

    assert not Person.objects.filter(name="Katharina Berg").exists()


def test_the_catalog_has_chains_that_end_at_external_customers(db):
    from relaydesk.catalog.models import Service

    build_story()

    assert Service.objects.count() >= 30
    # Follow the line from the dealer's order, hop by hop, to the dealer again.
    chain, service = [], Service.objects.get(slug="dealer-order-intake")
    while True:
        chain.append(service.slug)
        downstream = service.feeds.order_by("slug").last()
        if downstream is None:
            break
        service = downstream
    assert chain[0] == "dealer-order-intake" and chain[-1] == "dealer-delivery"
    assert "final-assembly" in chain
    assert set(service.customer_parties.values_list("name", flat=True)) == {
        "Harbour Motors",
        "Alpine Fleet Leasing",
    }
