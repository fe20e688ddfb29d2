"""Listing search index (perf, #16): PostgreSQL generated tsvector + GIN, pg_trgm trigram GIN
on search_text; SQLite FTS5 table kept in sync by triggers. Backfilled here in bulk (the
generated column and the FTS5 'rebuild' fill every existing row)."""

from django.db import migrations


def forward(apps, schema_editor):
    from apps.market.search import ensure_search_schema

    ensure_search_schema(schema_editor.connection)


def backward(apps, schema_editor):
    from apps.market.search import drop_search_schema

    drop_search_schema(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("market", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
