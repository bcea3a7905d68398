"""The database itself refuses to change or delete an audit entry, whatever client asks.

On SQLite only UPDATE is refused there: emptying tables (`relaydesk flush`, and the test suite
between tests) deletes rows one by one, where PostgreSQL truncates; the model refuses deletes.
"""

from django.db import migrations

ADD = {
    "postgresql": [
        """
        CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP;
        END $$
        """,
        """
        CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
        FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()
        """,
    ],
    "sqlite": [
        """
        CREATE TRIGGER audit_entry_append_only BEFORE UPDATE ON audit_entry
        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused'); END
        """
    ],
}
REMOVE = {
    "postgresql": [
        "DROP TRIGGER audit_entry_append_only ON audit_entry",
        "DROP FUNCTION audit_entry_append_only()",
    ],
    "sqlite": ["DROP TRIGGER audit_entry_append_only"],
}


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)  # None: a "%" in it is no placeholder

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_entries")]

    operations = [migrations.RunPython(_run(ADD), _run(REMOVE))]
