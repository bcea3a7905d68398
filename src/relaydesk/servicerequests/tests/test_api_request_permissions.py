"""Who sees and acts on which request through the API: every role against every kind (SPEC §6).

Rita asks Assembly (Max a member, Lena its lead) for wheel fitting and for a confidential
grievance hearing. Olga sits in Rita's own team, Purchasing, and has nothing to do with
either; Hugo heads Plant, the department above both teams; Ada is the admin. A confidential
request is seen only by its requester, its assignee and the providing team's own lead; a
request one may not see is a 404, never a 403.
"""

import pytest

from relaydesk.directory.models import Person
from relaydesk.servicerequests.services import request_assign, request_create
from relaydesk.servicerequests.tests.conftest import make_service
from relaydesk.servicerequests.tests.test_api_requests import act, get

ROLES = ["requester", "member", "lead", "head", "admin", "outsider"]


@pytest.fixture
def cast(org, password_hash) -> dict[str, Person]:
    requester = Person.objects.create(
        email="rita.requester@example.com",
        name="Rita Requester",
        team=org.purchasing,
        password=password_hash,
    )
    head = Person.objects.create(
        email="hugo.head@example.com", name="Hugo Head", team=org.plant, password=password_hash
    )
    org.plant.lead = head
    org.plant.save()
    return {
        "requester": requester,
        "member": org.member,
        "lead": org.lead,
        "head": head,
        "admin": org.admin,
        "outsider": org.outsider,
    }


@pytest.fixture
def asked(org, catalog, cast):
    """Rita's two requests, and one of Max's own to Purchasing's approvals."""
    grievances = make_service(org, catalog, "grievances", kind="advice", confidential=True)
    return {
        "ordinary": request_create(
            requester=cast["requester"], service=catalog.wheels, title="Fit tyres"
        ),
        "confidential": request_create(
            requester=cast["requester"], service=grievances, title="About my manager"
        ),
        "approval": request_create(requester=org.member, service=catalog.approvals, title="Buy"),
    }


SEES = {
    "ordinary": {
        **{"requester": 200, "member": 200, "lead": 200},
        **{"head": 200, "admin": 200, "outsider": 404},
    },
    "confidential": {
        **{"requester": 200, "member": 404, "lead": 200},
        **{"head": 404, "admin": 404, "outsider": 404},
    },
}
# The requester may not acknowledge (the provider's move): 403, as they see the request.
ACKNOWLEDGES = {
    "ordinary": {
        **{"requester": 403, "member": 200, "lead": 200},
        **{"head": 200, "admin": 200, "outsider": 404},
    },
    "confidential": {
        **{"requester": 403, "member": 404, "lead": 200},
        **{"head": 404, "admin": 404, "outsider": 404},
    },
}


@pytest.mark.parametrize("kind", ["ordinary", "confidential"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_exactly_the_requests_it_may_see(cast, asked, role, kind):
    response = get(cast[role], f"/requests/{asked[kind].pk}")

    assert response.status_code == SEES[kind][role]
    if response.status_code == 404:
        assert "About my manager" not in response.text
        assert response.json()["message"] == f"no request #{asked[kind].pk} that you can see"


@pytest.mark.parametrize("kind", ["ordinary", "confidential"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_acts_only_where_it_may(cast, asked, role, kind):
    response = act(cast[role], asked[kind].pk, "transitions", to="acknowledged")

    assert response.status_code == ACKNOWLEDGES[kind][role]
    asked[kind].refresh_from_db()
    assert (asked[kind].status == "acknowledged") == (response.status_code == 200)


@pytest.mark.parametrize("kind", ["ordinary", "confidential"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_comments_only_where_it_may(cast, asked, role, kind):
    response = act(cast[role], asked[kind].pk, "comments", body="Any news?")

    expected = 201 if SEES[kind][role] == 200 else 404
    assert response.status_code == expected


def test_an_assignee_sees_the_confidential_request_given_to_them(org, cast, asked):
    confidential = asked["confidential"]
    request_assign(actor=org.lead, request_id=confidential.pk, assignee=org.member)

    assert get(org.member, f"/requests/{confidential.pk}").status_code == 200
    assert act(org.member, confidential.pk, "transitions", to="in_progress").status_code == 200


def test_only_the_provider_side_and_admins_read_internal_notes(org, cast, asked):
    ordinary = asked["ordinary"]
    act(org.member, ordinary.pk, "comments", body="Check the rims first", internal=True)

    def sees_note(role: str) -> bool:
        timeline = get(cast[role], f"/requests/{ordinary.pk}").json()["timeline"]
        return any(event["kind"] == "note" for event in timeline)

    assert {role: sees_note(role) for role in ["requester", "member", "lead", "admin"]} == {
        "requester": False,
        "member": True,
        "lead": True,
        "admin": True,
    }


# On a request of their own, who stands on the provider side too: those who work on it.
OWN_REQUEST_SIDES = {
    "member": ["provider", "requester"],  # in Assembly, which provides wheel fitting
    "lead": ["provider", "requester"],  # Assembly's own lead
    "head": ["requester"],  # heads Plant, above Assembly: oversight is for others' requests
    "admin": ["requester"],
}


@pytest.mark.parametrize("role", OWN_REQUEST_SIDES)
def test_on_their_own_request_only_those_who_work_on_it_are_the_provider_side(
    org, catalog, cast, role
):
    person = cast[role]
    mine = request_create(requester=person, service=catalog.wheels, title="For my desk")
    act(org.member, mine.pk, "comments", body="Rims are scratched", internal=True)
    provider = OWN_REQUEST_SIDES[role] != ["requester"]

    body = get(person, f"/requests/{mine.pk}").json()

    assert body["sides"] == OWN_REQUEST_SIDES[role]
    assert any(event["kind"] == "note" for event in body["timeline"]) == provider
    acknowledged = act(person, mine.pk, "transitions", to="acknowledged")
    assert acknowledged.status_code == (200 if provider else 403)
    given = act(person, mine.pk, "assignment", assignee_id=org.lead.pk)  # leads give work out
    assert given.status_code == (200 if role == "lead" else 403)


# Which of the three requests each role finds in each list.
LISTED = {
    "all": {
        "requester": {"ordinary", "confidential", "approval"},  # Rita is in Purchasing
        "member": {"ordinary", "approval"},
        "lead": {"ordinary", "confidential"},
        "head": {"ordinary", "approval"},
        "admin": {"ordinary", "approval"},
        "outsider": {"approval"},
    },
    "requester": {
        "requester": {"ordinary", "confidential"},
        "member": {"approval"},
        "lead": set(),
        "head": set(),
        "admin": set(),
        "outsider": set(),
    },
}


@pytest.mark.parametrize("list_role", ["all", "requester"])
@pytest.mark.parametrize("role", ROLES)
def test_each_list_holds_exactly_what_the_role_may_see(cast, asked, role, list_role):
    page = get(cast[role], "/requests", {"role": list_role}).json()

    names = {kind for kind, request in asked.items() if request.pk in _ids(page)}
    assert names == LISTED[list_role][role]


def test_my_queue_holds_what_is_assigned_to_me(org, cast, asked):
    request_assign(actor=org.lead, request_id=asked["confidential"].pk, assignee=org.member)

    queue = get(org.member, "/requests", {"role": "provider"}).json()

    assert _ids(queue) == {asked["confidential"].pk}
    assert _ids(get(org.lead, "/requests", {"role": "provider"}).json()) == set()


TEAM_QUEUE = {
    "requester": None,
    "member": {"ordinary"},
    "lead": {"ordinary", "confidential"},
    "head": {"ordinary"},
    "admin": {"ordinary"},
    "outsider": None,
}


@pytest.mark.parametrize("role", ROLES)
def test_a_team_queue_is_for_its_members_leads_and_admins(org, cast, asked, role):
    response = get(cast[role], f"/teams/{org.assembly.pk}/queue")

    if TEAM_QUEUE[role] is None:
        assert response.status_code == 403
        assert "Assembly" in response.json()["message"]
    else:
        names = {kind for kind, request in asked.items() if request.pk in _ids(response.json())}
        assert names == TEAM_QUEUE[role]


def _ids(page: dict) -> set[int]:
    return {item["id"] for item in page["items"]}
