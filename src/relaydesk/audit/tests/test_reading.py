"""Only admins read the audit log: the page (filtered by who, what and when, a page at a time),
the API, and the Django admin, where nothing can be changed."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from relaydesk.audit import selectors
from relaydesk.audit.models import Action
from relaydesk.audit.record import record
from relaydesk.testing import signed_in_client


@pytest.mark.parametrize("role", ["member", "lead", "outsider"])
def test_only_admins_see_the_page_and_the_api(org, role):
    person = getattr(org, role)
    client = signed_in_client(person)

    assert client.get("/audit/").status_code == 403
    assert client.get("/api/v1/audit").status_code == 403
    assert client.get("/admin/audit/entry/").status_code == 302  # to the admin's sign-in
    assert signed_in_client(org.admin).get("/audit/").status_code == 200


def test_the_page_shows_who_did_what_before_and_after(org):
    record(org.lead, Action.TEAM_CHANGED, org.assembly, {"lead": org.lead}, {"lead": org.member})

    page = signed_in_client(org.admin).get("/audit/").text

    assert "Lena Lead" in page and "Team changed" in page and "Assembly" in page
    assert "<code>lead</code>: Lena Lead → Max Member" in page


def listed(response) -> list[str]:
    return [entry.action for entry in response.context["page"].items]


def test_the_page_filters_by_actor_kind_and_date(org):
    record(org.admin, Action.PERSON_CHANGED, org.member, {"is_admin": False}, {"is_admin": True})
    record(org.lead, Action.TEAM_CHANGED, org.assembly, {"lead": org.lead}, {"lead": org.member})
    client = signed_in_client(org.admin)
    today = timezone.localdate(timezone=ZoneInfo(org.admin.timezone))  # the days Ada reads in
    tomorrow = (today + timedelta(days=1)).isoformat()

    assert listed(client.get("/audit/", {"actor": org.lead.pk})) == ["team.changed"]
    assert listed(client.get("/audit/", {"action": "person.changed"})) == ["person.changed"]
    assert listed(client.get("/audit/", {"since": tomorrow})) == []
    assert "Nothing recorded that matches" in client.get("/audit/", {"since": tomorrow}).text
    assert len(listed(client.get("/audit/", {"since": today, "until": today}))) == 2


def test_bad_filters_are_named_on_the_page(org):
    response = signed_in_client(org.admin).get("/audit/", {"since": "9999-12-31", "action": "x"})

    assert response.status_code == 400
    assert "Give a date between the years 1900 and 2200." in response.text
    assert "Select a valid choice" in response.text


def test_the_page_goes_back_a_page_at_a_time(org):
    for n in range(selectors.PAGE_SIZE + 1):
        record(org.admin, Action.PERSON_CHANGED, org.member, {"name": "x"}, {"name": f"#{n}"})
    client = signed_in_client(org.admin)

    newest = client.get("/audit/", {"action": "person.changed"})
    cursor = newest.context["page"].next_cursor
    older = client.get("/audit/", {"action": "person.changed", "after": cursor})

    assert len(newest.context["page"].items) == selectors.PAGE_SIZE
    assert newest.context["page"].items[0].after == {"name": f"#{selectors.PAGE_SIZE}"}
    assert [entry.after for entry in older.context["page"].items] == [{"name": "#0"}]
    assert "action=person.changed" in newest.text.split('class="pager"')[1]


def test_the_api_lists_entries_for_admins_with_filters(org):
    record(org.admin, Action.PERSON_CHANGED, org.member, {"is_admin": False}, {"is_admin": True})
    record(org.lead, Action.TEAM_CHANGED, org.assembly, {"lead": org.lead}, {"lead": org.member})
    client = signed_in_client(org.admin)

    everything = client.get("/api/v1/audit").json()
    by_lead = client.get("/api/v1/audit", {"actor_id": org.lead.pk}).json()

    assert [item["action"] for item in everything["items"]] == ["team.changed", "person.changed"]
    assert by_lead["items"][0] | {"id": 0, "at": ""} == {
        "id": 0,
        "at": "",
        "actor": {"id": org.lead.pk, "name": "Lena Lead"},
        "action": "team.changed",
        "target_type": "team",
        "target_id": org.assembly.pk,
        "target_label": "Assembly",
        "before": {"lead": {"id": org.lead.pk, "name": "Lena Lead"}},
        "after": {"lead": {"id": org.member.pk, "name": "Max Member"}},
    }
    assert len(by_lead["items"]) == 1


def test_the_api_refuses_dates_it_cannot_mean(org):
    response = signed_in_client(org.admin).get("/api/v1/audit", {"since": "9999-12-31"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "since"


def test_the_django_admin_shows_entries_but_changes_none(org):
    entry = record(
        org.admin, Action.PERSON_CHANGED, org.member, {"is_admin": False}, {"is_admin": True}
    )
    client = signed_in_client(org.admin)

    listed = client.get("/admin/audit/entry/")
    shown = client.get(f"/admin/audit/entry/{entry.pk}/change/")

    assert listed.status_code == 200 and "Max Member" in listed.text
    assert shown.status_code == 200 and 'name="_save"' not in shown.text
    assert client.post(f"/admin/audit/entry/{entry.pk}/delete/").status_code == 403
    assert client.get("/admin/audit/entry/add/").status_code == 403


def test_the_page_costs_the_same_however_many_entries_it_shows(org, django_assert_max_num_queries):
    client = signed_in_client(org.admin)
    for actor in [org.admin, org.lead, org.member] * 10:
        record(actor, Action.PERSON_CHANGED, org.outsider, {"name": "x"}, {"name": actor.name})

    # the session, its person, the unread count in the header, the entries with their actors,
    # and the actors to filter by
    with django_assert_max_num_queries(5):
        response = client.get("/audit/")

    assert len(response.context["page"].items) == 30
