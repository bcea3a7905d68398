"""The service search index (relaydesk.catalog.search), in each database's own full-text engine.

PostgreSQL: a weighted tsvector column on catalog_service with a GIN index.
SQLite: the column exists but stays empty; an FTS5 table holds the index instead, with an
unstemmed twin whose vocabulary corrects typos, and a trigger that forgets deleted services.
Existing services are not indexed here: run `search.services_reindexed()` after migrating a
database that already holds services.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

SEARCH_VECTOR_INDEX = django.contrib.postgres.indexes.GinIndex(
    fields=["search_vector"], name="service_search_vector_gin"
)

# The twin's rows must be deleted with exactly the text they were added with (a contentless
# FTS5 table keeps no copy), so this expression is also search._SQLITE_ALL_COLUMNS.
_SQLITE_ALL_COLUMNS = (
    "name || ' ' || keywords || ' ' || provider || ' ' || description || ' ' || kind"
)

SQLITE_CREATE = [
    """
    CREATE VIRTUAL TABLE catalog_service_fts USING fts5(
        name, keywords, provider, description, kind,
        tokenize = 'porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE VIRTUAL TABLE catalog_service_fts_words USING fts5(
        words, content = '', detail = none, tokenize = 'unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE VIRTUAL TABLE catalog_service_fts_vocabulary
    USING fts5vocab(catalog_service_fts_words, row)
    """,
    # Deletes happen outside service_save (the admin, cascades, test flushes). Django drops this
    # trigger if a later migration remakes catalog_service on SQLite: recreate it there.
    f"""
    CREATE TRIGGER catalog_service_fts_forget AFTER DELETE ON catalog_service BEGIN
        INSERT INTO catalog_service_fts_words(catalog_service_fts_words, rowid, words)
            SELECT 'delete', rowid, {_SQLITE_ALL_COLUMNS}
            FROM catalog_service_fts WHERE rowid = old.id;
        DELETE FROM catalog_service_fts WHERE rowid = old.id;
    END
    """,
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS catalog_service_fts_forget",
    "DROP TABLE IF EXISTS catalog_service_fts_vocabulary",
    "DROP TABLE IF EXISTS catalog_service_fts_words",
    "DROP TABLE IF EXISTS catalog_service_fts",
]


def run_sql_on(vendor, statements):
    """RunPython that runs `statements` on databases of `vendor` only."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == vendor:
            for statement in statements:
                schema_editor.execute(statement)

    return run


def add_search_vector_index(apps, schema_editor):
    # GinIndex renders "USING gin", which SQLite rejects: the index exists on PostgreSQL only.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("catalog", "Service"), SEARCH_VECTOR_INDEX)


def remove_search_vector_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("catalog", "Service"), SEARCH_VECTOR_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="service",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                blank=True, editable=False, null=True
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="service", index=SEARCH_VECTOR_INDEX),
            ],
            database_operations=[
                migrations.RunPython(add_search_vector_index, remove_search_vector_index),
            ],
        ),
        migrations.RunPython(
            run_sql_on("sqlite", SQLITE_CREATE), run_sql_on("sqlite", SQLITE_DROP)
        ),
    ]
