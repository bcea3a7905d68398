"""The home page's short summary of one's own open requests and queue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from relaydesk.servicerequests.services import request_assign, request_create, request_transition
from relaydesk.testing import signed_in_client


def test_home_lists_my_open_requests_and_my_queue(org, catalog):
    mine = request_create(requester=org.member, service=catalog.approvals, title="Buy tyres")
    closed = request_create(requester=org.member, service=catalog.approvals, title="Old order")
    request_transition(actor=org.outsider, request_id=closed.pk, to="cancelled")
    work = request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")
    request_assign(actor=org.member, request_id=work.pk, assignee=org.member)

    text = signed_in_client(org.member).get("/").text

    assert f'<a href="/requests/{mine.pk}/">#{mine.pk} Buy tyres</a>' in text
    assert "Old order" not in text
    assert f'<a href="/requests/{work.pk}/">#{work.pk} Fit tyres</a>' in text
    assert "from Olga Outsider · due " in text
    assert 'href="/requests/mine/"' in text and 'href="/queue/"' in text


def test_home_says_when_there_is_nothing(org, catalog):
    text = signed_in_client(org.member).get("/").text

    assert "None open." in text and "Nothing waiting for you." in text


# session, person; four counts; team, manager; my open requests; my team's queue policy, what
# it weighs of my open work, my queue; what needs me: the requests waiting on my answer and the
# late or at-risk work I hold; the bell; the kudos feed; the teams I lead (their health)
HOME_QUERIES = 17


@pytest.mark.parametrize("rows", [3, 30])
def test_home_costs_a_fixed_number_of_queries(org, catalog, rows, django_assert_num_queries):
    long_ago = timezone.now() - timedelta(days=10)
    for n in range(rows):
        asked = request_create(requester=org.member, service=catalog.wheels, title=f"Ask {n}")
        work = request_create(
            requester=org.outsider, service=catalog.wheels, title=f"Work {n}", now=long_ago
        )
        request_assign(actor=org.lead, request_id=work.pk, assignee=org.member)
        request_transition(
            actor=org.lead, request_id=asked.pk, to="waiting_on_requester", message="Which?"
        )
    client = signed_in_client(org.member)
    client.get("/")

    with django_assert_num_queries(HOME_QUERIES):
        text = client.get("/").text

    assert text.count("Waiting on you") >= min(rows, 5)  # every row of both lists is read
    assert text.count('class="tag timeliness-late"') >= min(rows, 5)


def test_home_starts_with_what_needs_me(org, catalog):
    long_ago = timezone.now() - timedelta(days=10)
    question = request_create(requester=org.member, service=catalog.wheels, title="Tyres?")
    request_transition(
        actor=org.lead, request_id=question.pk, to="waiting_on_requester", message="Which van?"
    )
    late = request_create(
        requester=org.outsider, service=catalog.wheels, title="Overdue job", now=long_ago
    )
    request_assign(actor=org.lead, request_id=late.pk, assignee=org.member)
    fresh = request_create(requester=org.outsider, service=catalog.wheels, title="Fresh job")
    request_assign(actor=org.lead, request_id=fresh.pk, assignee=org.member)

    text = signed_in_client(org.member).get("/").text

    needs = text[text.index('id="needs-me"') : text.index("Who do I ask?")]
    assert "Waiting on your answer" in needs and f"#{question.pk} Tyres?" in needs
    assert "Waiting on you" in needs and "Waiting on the requester" not in text
    assert "Late or at risk in your queue" in needs and "Overdue job" in needs
    assert "Fresh job" not in needs  # on time: with the rest, further down
    assert "Fresh job" in text[text.index("Your queue") :]
    assert text.index('id="needs-me"') < text.index('id="asked-heading"')


def test_the_provider_sees_the_requester_owes_the_answer(org, catalog):
    question = request_create(requester=org.member, service=catalog.wheels, title="Tyres?")
    request_assign(actor=org.lead, request_id=question.pk, assignee=org.lead)
    request_transition(
        actor=org.lead, request_id=question.pk, to="waiting_on_requester", message="Which van?"
    )

    text = signed_in_client(org.lead).get("/").text

    assert "Waiting on the requester" in text and "Waiting on you" not in text
    assert 'id="needs-me"' not in text  # nothing late, nothing asked of Lena


def test_nothing_pressing_leaves_the_needs_you_section_out(org, catalog):
    assert "Needs you first" not in signed_in_client(org.member).get("/").text
