from relaydesk.feedback.models import ClarityMark
from relaydesk.feedback.tests.conftest import finished
from relaydesk.testing import signed_in_client


def test_the_provider_marks_how_clear_a_request_was(org, done):
    client = signed_in_client(org.member)
    assert b"How clear and complete" in client.get(done.get_absolute_url()).content
    answer = client.post(
        f"/requests/{done.pk}/clarity/", {"score": "2", "reason": "missing the cost centre"}
    )
    assert answer.status_code == 302
    mark = ClarityMark.objects.get()
    assert (mark.score, mark.by, mark.reason) == (2, org.member, "missing the cost centre")


def test_the_requester_may_not_mark_their_own_request(org, done):
    answer = signed_in_client(org.outsider).post(f"/requests/{done.pk}/clarity/", {"score": "5"})
    assert answer.status_code == 403
    assert not ClarityMark.objects.exists()


def test_someone_who_may_not_see_the_request_gets_a_404(org, catalog):
    asked = finished(org, catalog.wheels, requester=org.lead)
    answer = signed_in_client(org.outsider).post(f"/requests/{asked.pk}/clarity/", {"score": "5"})
    assert answer.status_code == 404


def test_a_mark_off_the_scale_is_refused(org, done):
    answer = signed_in_client(org.member).post(f"/requests/{done.pk}/clarity/", {"score": "6"})
    assert answer.status_code == 400
    assert b"score" in answer.content
    assert not ClarityMark.objects.exists()


def test_requesters_see_their_own_pattern_and_nobody_else_does(org, catalog):
    client = signed_in_client(org.member)
    for n in range(4):
        asked = finished(org, catalog.wheels, title=f"Tyres {n}")
        reason = "missing the cost centre" if n < 3 else ""
        client.post(f"/requests/{asked.pk}/clarity/", {"score": "2", "reason": reason})
    finished(org, catalog.wheels, title="Clear one")
    mine = signed_in_client(org.outsider).get("/feedback/mine/").content.decode()
    assert "4 of your 5 requests marked; 4 unclear" in mine
    assert "“missing the cost centre” 3 times in 5" in mine
    for person in (org.admin, org.lead, org.member):
        theirs = signed_in_client(person).get("/feedback/mine/").content.decode()
        assert "cost centre" not in theirs
