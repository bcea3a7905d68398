from django.test import Client

from relaydesk.testing import PASSWORD


def sign_in(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_it_signs_in_with_email_and_password(org):
    client = Client()

    response = sign_in(client, org.member.email, PASSWORD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Hello, Max Member" in client.get("/").text


def test_the_email_is_matched_whatever_its_case(org):
    response = sign_in(Client(), "Max.Member@Example.COM", PASSWORD)

    assert response.status_code == 302


def test_a_wrong_password_is_refused(org):
    client = Client()

    response = sign_in(client, org.member.email, "not-the-password")

    assert response.status_code == 200
    assert "That email address and password do not match an account." in response.text
    assert "both fields may be case-sensitive" not in response.text
    assert client.get("/").status_code == 302  # still signed out


def test_an_inactive_person_cannot_sign_in(org):
    org.member.is_active = False
    org.member.save()

    response = sign_in(Client(), org.member.email, PASSWORD)

    assert response.status_code == 200
    assert "_auth_user_id" not in Client().session


def test_repeated_wrong_passwords_pause_sign_in(org, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, org.member.email, "guess")

    response = sign_in(client, org.member.email, PASSWORD)  # even the right one, for now

    assert response.status_code == 429
    assert "Too many attempts" in response.text


def test_signing_out_takes_a_post_and_ends_the_session(org):
    client = Client()
    sign_in(client, org.member.email, PASSWORD)

    response = client.post("/accounts/logout/")

    assert response.headers["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_pages_send_anonymous_visitors_to_sign_in(db):
    for url in ["/", "/people/", "/teams/", "/parties/", "/people/1/", "/teams/1/"]:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/accounts/login/?next="), url


def test_pages_carry_a_content_security_policy(org):
    response = Client().get("/accounts/login/")

    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_passwords_are_hashed_with_argon2(org):
    assert org.member.password.startswith("argon2$")


def test_a_pause_for_one_account_does_not_lock_out_colleagues(org, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, org.member.email, "guess")

    assert sign_in(client, org.lead.email, PASSWORD).status_code == 302


def test_no_spelling_of_a_locked_address_gets_more_guesses(org, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, org.member.email, "guess")

    for spelling in ("Max.Member@example.com", "MAX.MEMBER@EXAMPLE.COM", " max.member@example.com"):
        assert sign_in(client, spelling, "another guess").status_code == 429
        assert sign_in(client, spelling, PASSWORD).status_code == 429  # not even the right one


def test_failures_in_different_spellings_add_up_to_one_lock_out(org, settings):
    client = Client()
    spellings = ["max.member@example.com", "Max.Member@example.com", "MAX.member@example.com"]
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, spellings[n % len(spellings)], "guess")

    assert sign_in(client, org.member.email, PASSWORD).status_code == 429
