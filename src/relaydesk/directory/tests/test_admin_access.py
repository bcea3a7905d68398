from relaydesk.testing import signed_in_client


def test_a_member_cannot_open_the_admin(org):
    response = signed_in_client(org.member).get("/admin/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")


def test_a_team_lead_cannot_open_the_admin(org):
    response = signed_in_client(org.lead).get("/admin/directory/person/")

    assert response.status_code == 302


def test_an_admin_opens_the_admin_and_edits_people(org):
    client = signed_in_client(org.admin)

    assert "Relaydesk admin" in client.get("/admin/").text
    response = client.get(f"/admin/directory/person/{org.member.pk}/change/")
    assert response.status_code == 200
    assert "max.member@example.com" in response.text


def test_admin_changes_are_audited(org):
    from django.contrib.admin.models import LogEntry

    client = signed_in_client(org.admin)
    response = client.post(
        f"/admin/directory/party/{org.dealer.pk}/change/",
        {"name": "Harbour Motors GmbH", "kind": "customer", "description": ""},
    )

    assert response.status_code == 302
    entry = LogEntry.objects.get()
    assert (entry.user_id, entry.object_repr) == (org.admin.pk, "Harbour Motors GmbH")


def test_the_admin_refuses_a_manager_cycle(org):
    client = signed_in_client(org.admin)
    response = client.post(
        f"/admin/directory/person/{org.lead.pk}/change/",
        {
            "email": org.lead.email,
            "name": org.lead.name,
            "team": org.assembly.pk,
            "manager": org.member.pk,  # the member reports to the lead already
            "timezone": "Europe/Berlin",
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert "This would make a manager cycle." in response.text
    org.lead.refresh_from_db()
    assert org.lead.manager is None
