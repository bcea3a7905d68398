"""Absences through the API."""

from datetime import timedelta

from django.utils import timezone

from relaydesk.directory.models import Absence
from relaydesk.testing import signed_in_client

API = "/api/v1"


def post(person, payload):
    return signed_in_client(person).post(
        f"{API}/absences", payload, content_type="application/json"
    )


def period(starts=timedelta(hours=-1), ends=timedelta(days=2)):
    now = timezone.now()
    return {"starts_at": (now + starts).isoformat(), "ends_at": (now + ends).isoformat()}


def test_a_member_declares_and_lists_an_absence(org):
    response = post(org.member, period() | {"backup_id": org.lead.pk, "note": "Training"})

    assert response.status_code == 201
    assert response.json()["person"] == {"id": org.member.pk, "name": "Max Member"}
    assert response.json()["backup"] == {"id": org.lead.pk, "name": "Lena Lead"}
    listed = signed_in_client(org.lead).get(f"{API}/absences").json()
    assert [absence["note"] for absence in listed] == ["Training"]


def test_a_lead_declares_one_for_a_member(org):
    response = post(org.lead, period() | {"person_id": org.member.pk})

    assert response.status_code == 201
    assert Absence.objects.get().person == org.member


def test_bad_input_is_a_422_naming_the_field(org):
    post(org.member, period())

    cases = {
        "starts_at": period(),  # overlaps
        "ends_at": period(starts=timedelta(days=9), ends=timedelta(days=8)),
        "backup_id": period(starts=timedelta(days=20), ends=timedelta(days=21))
        | {"backup_id": 999999},
        "note": period(starts=timedelta(days=30), ends=timedelta(days=31)) | {"note": "x" * 201},
    }
    for field, payload in cases.items():
        response = post(org.member, payload)
        assert response.status_code == 422, (field, response.json())
        assert field in str(response.json()["errors"]), field
    naive = post(org.member, {"starts_at": "2030-01-01T09:00", "ends_at": "2030-01-02T09:00"})
    assert naive.status_code == 422


def test_who_may_not_declare_or_end_it(org):
    assert post(org.outsider, period() | {"person_id": org.member.pk}).status_code == 403
    assert post(org.member, period() | {"person_id": 999999}).status_code == 404
    absence = post(org.member, period()).json()

    other = signed_in_client(org.outsider).delete(f"{API}/absences/{absence['id']}")
    own = signed_in_client(org.member).delete(f"{API}/absences/{absence['id']}")

    assert other.status_code == 404
    assert own.status_code == 204
    assert signed_in_client(org.outsider).get(f"{API}/absences").json() == []
