"""On PostgreSQL, the reads table becomes partitioned by month (docs/decisions/0001).

Every read is copied into the partitioned table with its id, the id sequence
goes on from where it was (a purged read's id is never given again: the purge
ledger names reads by id), and the indexes, foreign keys and triggers are made
again under their own names. On SQLite nothing changes. Reversible: the
reverse copies the reads back into a plain table.
"""

from django.db import migrations

from platekeeper.reads import relayout


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        relayout.to_partitioned()


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        relayout.to_plain()


class Migration(migrations.Migration):
    dependencies = [("reads", "0008_covering_plate_index")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
