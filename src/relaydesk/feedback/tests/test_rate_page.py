from relaydesk.feedback.models import Rating
from relaydesk.testing import signed_in_client

SCORES = {"satisfaction": "4", "ease": "6", "comment": ""}


def test_the_requester_rates_from_the_request_page(org, done):
    client = signed_in_client(org.outsider)
    page = client.get(done.get_absolute_url())
    assert b"Rate this request" in page.content
    answer = client.post(f"/requests/{done.pk}/rate/", SCORES)
    assert answer.status_code == 302
    assert Rating.objects.get().author == org.outsider
    assert b"You rated it 4/5" in client.get(done.get_absolute_url()).content


def test_the_requester_changes_their_rating_in_the_app(org, done):
    client = signed_in_client(org.outsider)
    client.post(f"/requests/{done.pk}/rate/", SCORES)
    page = client.get(f"/requests/{done.pk}/rate/")
    assert b"Change my rating" in page.content
    client.post(f"/requests/{done.pk}/rate/", SCORES | {"satisfaction": "2"})
    assert Rating.objects.get().satisfaction == 2


def test_after_an_anonymous_rating_there_is_nothing_to_change(org, done):
    client = signed_in_client(org.outsider)
    client.post(f"/requests/{done.pk}/rate/", SCORES | {"anonymous": "on"})
    page = client.get(f"/requests/{done.pk}/rate/")
    assert b"anonymously" in page.content and b"<form" not in page.content.split(b"<main")[-1]
    again = client.post(f"/requests/{done.pk}/rate/", SCORES)
    assert again.status_code == 409


def test_a_rating_of_0_is_refused_and_changes_nothing(org, done):
    answer = signed_in_client(org.outsider).post(
        f"/requests/{done.pk}/rate/", SCORES | {"satisfaction": "0"}
    )
    assert answer.status_code == 400
    assert not Rating.objects.exists()


def test_nobody_but_the_requester_may_rate(org, done):
    for person in (org.member, org.lead, org.admin):
        client = signed_in_client(person)
        assert client.get(f"/requests/{done.pk}/rate/").status_code == 404
        assert client.post(f"/requests/{done.pk}/rate/", SCORES).status_code == 404
    assert not Rating.objects.exists()


def test_an_open_request_says_it_can_be_rated_once_done(org, catalog):
    from relaydesk.servicerequests.services import request_create

    made = request_create(requester=org.outsider, service=catalog.wheels, title="Tyres")
    answer = signed_in_client(org.outsider).post(f"/requests/{made.pk}/rate/", SCORES)
    assert answer.status_code == 409
    assert b"once it is done" in answer.content
