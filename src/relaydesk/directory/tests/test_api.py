from relaydesk.directory.models import Party, Person
from relaydesk.testing import signed_in_client


def test_people_are_listed_and_searched(org):
    client = signed_in_client(org.outsider)

    everyone = client.get("/api/v1/people").json()
    assembly = client.get("/api/v1/people", {"q": "assembly"}).json()

    assert [p["name"] for p in everyone["items"]] == [
        "Ada Admin",
        "Lena Lead",
        "Max Member",
        "Olga Outsider",
    ]
    assert {p["name"] for p in assembly["items"]} == {"Lena Lead", "Max Member"}
    assert assembly["items"][0]["team"] == {"id": org.assembly.pk, "name": "Assembly"}


def test_people_come_in_cursor_pages(org, password_hash):
    Person.objects.bulk_create(
        Person(email=f"p{n:02}@example.com", name=f"Pat {n:02}", password=password_hash)
        for n in range(30)
    )
    client = signed_in_client(org.member)

    first = client.get("/api/v1/people", {"limit": 20}).json()
    second = client.get("/api/v1/people", {"limit": 20, "cursor": first["next_cursor"]}).json()

    names = [p["name"] for p in first["items"] + second["items"]]
    assert len(names) == 34 == len(set(names))
    assert second["next_cursor"] is None


def test_a_person_a_team_and_a_party_are_read_by_id(org):
    client = signed_in_client(org.member)

    assert client.get(f"/api/v1/people/{org.lead.pk}").json()["name"] == "Lena Lead"
    assert client.get(f"/api/v1/teams/{org.assembly.pk}").json()["lead_id"] == org.lead.pk
    assert client.get(f"/api/v1/parties/{org.dealer.pk}").json()["kind"] == "customer"


def test_unknown_ids_are_404_in_json(org):
    client = signed_in_client(org.member)

    for url in ["/api/v1/people/999999", "/api/v1/teams/999999", "/api/v1/parties/999999"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["message"].startswith("There is no such object")


def test_an_admin_adds_an_external_party(org):
    response = signed_in_client(org.admin).post(
        "/api/v1/parties",
        {"name": "Nordic Fleet", "kind": "customer", "description": "Buys vans"},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert Party.objects.get(name="Nordic Fleet").kind == "customer"


def test_a_member_may_not_add_parties(org):
    response = signed_in_client(org.member).post(
        "/api/v1/parties", {"name": "X", "kind": "vendor"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert not Party.objects.filter(name="X").exists()


def test_a_party_name_is_unique_and_its_kind_checked(org):
    client = signed_in_client(org.admin)

    taken = client.post(
        "/api/v1/parties",
        {"name": "Harbour Motors", "kind": "customer"},
        content_type="application/json",
    )
    bad_kind = client.post(
        "/api/v1/parties", {"name": "Y", "kind": "friend"}, content_type="application/json"
    )

    assert taken.status_code == 422
    assert taken.json()["errors"][0]["field"] == "name"
    assert bad_kind.status_code == 422
    assert bad_kind.json()["errors"][0]["field"] == "kind"


def test_an_admin_renames_a_party(org):
    response = signed_in_client(org.admin).put(
        f"/api/v1/parties/{org.cleaner.pk}",
        {"name": "Sparkle Cleaning GmbH", "kind": "vendor"},
        content_type="application/json",
    )

    assert response.status_code == 200
    org.cleaner.refresh_from_db()
    assert org.cleaner.name == "Sparkle Cleaning GmbH"
