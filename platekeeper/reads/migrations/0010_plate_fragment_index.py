"""On PostgreSQL, a trigram index for plate fragments (`*AB1*`) on the
distinct-plate table.

On `lower(plate)`, not on `plate`: pg_trgm's operator class also serves `=`,
and a trigram index on the column itself was chosen by the planner for
ingest's `plate IN (...)` look-up, which then took seconds a batch
(docs/decisions/0010). Nothing looks plates up by `lower(plate)` but the
fragment search (search.lookups.Fragment). pg_trgm is a trusted extension:
the database owner may create it.
"""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS plate_fragment "
        "ON reads_plate USING gin (lower(plate) gin_trgm_ops)"
    )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS plate_fragment")


class Migration(migrations.Migration):
    dependencies = [("reads", "0009_partition_reads_by_month")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
