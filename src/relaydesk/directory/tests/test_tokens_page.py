from relaydesk.directory.models import ApiToken
from relaydesk.testing import signed_in_client


def test_a_new_token_is_shown_once_and_then_only_its_prefix(org):
    client = signed_in_client(org.member)

    created = client.post("/account/tokens/", {"name": "report script"})
    shown = client.get(created["Location"])
    secret = shown.context["new_secret"]
    later = client.get("/account/tokens/").text

    assert created.status_code == 302  # a reload of the page shown makes no second token
    assert secret.startswith("rdk_")
    assert secret in shown.text
    assert secret not in later
    assert f"<code>{secret[:8]}…</code>" in later
    assert ApiToken.objects.get().name == "report script"


def test_a_token_needs_a_name(org):
    response = signed_in_client(org.member).post("/account/tokens/", {"name": ""})

    assert response.status_code == 400
    assert response.context["form"].errors == {"name": ["This field is required."]}
    assert not ApiToken.objects.exists()


def test_people_see_and_revoke_only_their_own_tokens(org):
    from relaydesk.directory.services import api_token_create

    theirs, _ = api_token_create(person=org.lead, name="lead's script")
    client = signed_in_client(org.member)

    assert "lead&#x27;s script" not in client.get("/account/tokens/").text
    assert client.post(f"/account/tokens/{theirs.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()

    mine, _ = api_token_create(person=org.member, name="mine")
    assert client.post(f"/account/tokens/{mine.pk}/revoke/").status_code == 302
    assert not ApiToken.objects.filter(pk=mine.pk).exists()


def test_revoking_takes_a_post(org):
    from relaydesk.directory.services import api_token_create

    mine, _ = api_token_create(person=org.member, name="mine")

    assert signed_in_client(org.member).get(f"/account/tokens/{mine.pk}/revoke/").status_code == 405
