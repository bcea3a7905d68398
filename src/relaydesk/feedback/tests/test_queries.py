"""The hot feedback pages cost a fixed number of queries, however much there is."""

from datetime import date

from relaydesk.feedback.services import kudos_give
from relaydesk.feedback.tests.conftest import anonymous_ratings
from relaydesk.testing import signed_in_client


def test_the_kudos_page_costs_a_fixed_number_of_queries(org, django_assert_num_queries):
    client = signed_in_client(org.member)
    for n in range(30):
        kudos_give(giver=org.outsider, to_person=org.member, message=f"Thanks {n}")
        kudos_give(giver=org.lead, to_team=org.purchasing, message=f"Thanks {n}", anonymous=True)
    client.get("/feedback/kudos/")
    with django_assert_num_queries(4):  # session, person, the bell, the feed
        assert client.get("/feedback/kudos/").status_code == 200


def test_the_team_feedback_page_costs_a_fixed_number_of_queries(
    org, catalog, django_assert_num_queries
):
    client = signed_in_client(org.lead)
    for month in (1, 4, 7):
        anonymous_ratings(catalog.wheels, org.member, date(2026, month, 5), [(5, 7)] * 12)
        anonymous_ratings(catalog.approvals, org.member, date(2026, month, 5), [(5, 7)] * 2)
    client.get(f"/teams/{org.assembly.pk}/feedback/")
    # session, person, the bell, the team, its ratings counted, their comments
    with django_assert_num_queries(6):
        assert client.get(f"/teams/{org.assembly.pk}/feedback/").status_code == 200
