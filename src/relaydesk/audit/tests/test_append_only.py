"""An audit entry, once written, is never changed or deleted: not through the model, and not
by SQL sent past it (PostgreSQL refuses both; SQLite refuses the change, see the migration)."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from relaydesk.audit.models import Action, AppendOnly, Entry
from relaydesk.audit.record import record


@pytest.fixture
def entry(org) -> Entry:
    return record(
        org.admin, Action.PERSON_CHANGED, org.member, {"is_admin": False}, {"is_admin": True}
    )


def unchanged(entry: Entry) -> bool:
    stored = Entry.objects.get(pk=entry.pk)
    return (stored.after, stored.actor_id) == ({"is_admin": True}, entry.actor_id)


def test_the_model_refuses_to_change_or_delete_an_entry(org, entry):
    entry.after = {"is_admin": False}
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        Entry.objects.filter(pk=entry.pk).update(after={})
    with pytest.raises(AppendOnly):
        Entry.objects.filter(pk=entry.pk).delete()

    assert unchanged(entry)


def test_the_database_refuses_an_update(org, entry):
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_entry SET after = %s WHERE id = %s", ["{}", entry.pk])

    assert unchanged(entry)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite empties tables row by row (flush, the tests): only the model refuses there",
)
def test_postgresql_refuses_a_delete(org, entry):
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_entry WHERE id = %s", [entry.pk])

    assert unchanged(entry)


def test_whoever_made_entries_cannot_be_deleted_from_under_them(org, entry):
    with pytest.raises(ProtectedError):
        org.admin.delete()

    assert unchanged(entry)
