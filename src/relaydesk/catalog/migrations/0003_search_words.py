"""One search index on both databases: a table of each active service's meaningful words
(relaydesk.catalog.search), in place of SQLite's FTS5 tables and PostgreSQL's tsvector column,
so both rank alike. PostgreSQL gets pg_trgm and a trigram index on the words to find a typo's
corrections fast. The services already there are indexed here.
"""

from importlib import import_module

import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models

from relaydesk.core.text_search import index_words

_BEFORE = import_module("relaydesk.catalog.migrations.0002_service_search")

WORD_TRIGRAM_INDEX = django.contrib.postgres.indexes.GinIndex(
    fields=["word"], name="searchword_word_trgm", opclasses=["gin_trgm_ops"]
)


def add_word_trigram_index(apps, schema_editor):
    # GinIndex renders "USING gin", which SQLite rejects: the index exists on PostgreSQL only.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("catalog", "SearchWord"), WORD_TRIGRAM_INDEX)


def remove_word_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("catalog", "SearchWord"), WORD_TRIGRAM_INDEX)


def create_pg_trgm(apps, schema_editor):
    # Django's TrigramExtension cannot be unapplied on SQLite; the extension stays on the way
    # back, as other databases' objects may use it.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def index_existing_services(apps, schema_editor):
    # The fields as catalog.search.indexed_fields() reads them, from the historical models.
    service_model = apps.get_model("catalog", "Service")
    word_model = apps.get_model("catalog", "SearchWord")
    services = service_model.objects.filter(is_active=True).select_related(
        "provider_team", "provider_person"
    )
    word_model.objects.bulk_create(
        [
            word_model(service=service, field=word.field, word=word.word, stem=word.stem)
            for service in services
            for word in index_words(
                {
                    "name": service.name,
                    "keywords": "\n".join(service.keywords),
                    "provider": (service.provider_team or service.provider_person).name,
                    "description": service.description,
                    "kind": service.get_kind_display(),
                }
            )
        ],
        batch_size=2000,
    )
    schema_editor.execute("ANALYZE catalog_searchword")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_service_search"),
    ]

    operations = [
        migrations.RunPython(
            _BEFORE.run_sql_on("sqlite", _BEFORE.SQLITE_DROP),
            _BEFORE.run_sql_on("sqlite", _BEFORE.SQLITE_CREATE),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="service", name="service_search_vector_gin"),
            ],
            database_operations=[
                migrations.RunPython(
                    _BEFORE.remove_search_vector_index, _BEFORE.add_search_vector_index
                ),
            ],
        ),
        migrations.RemoveField(model_name="service", name="search_vector"),
        migrations.RunPython(create_pg_trgm, migrations.RunPython.noop),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("field", models.CharField(max_length=16)),
                ("word", models.CharField(max_length=50)),
                ("stem", models.CharField(max_length=50)),
                (
                    "service",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="catalog.service",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["stem"], name="searchword_stem")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("service", "field", "word"), name="one_word_per_field"
                    )
                ],
            },
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="searchword", index=WORD_TRIGRAM_INDEX),
            ],
            database_operations=[
                migrations.RunPython(add_word_trigram_index, remove_word_trigram_index),
            ],
        ),
        migrations.RunPython(index_existing_services, migrations.RunPython.noop),
    ]
