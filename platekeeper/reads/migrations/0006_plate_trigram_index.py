"""On PostgreSQL, a trigram index on the distinct plates, so that a partial plate
with no literal prefix or suffix (`*BC12*`, `?A??B?C`) is an index scan too.

Needs the pg_trgm extension; where the database user may not create it, the
index is skipped with a warning and such searches scan the distinct plates.
"""

import logging

from django.db import migrations, transaction

logger = logging.getLogger(__name__)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                "CREATE INDEX IF NOT EXISTS plate_trgm ON reads_plate "
                "USING gin (plate gin_trgm_ops)"
            )
    except Exception as exc:  # noqa: BLE001 - privileges vary; the index is an optimization
        logger.warning("no trigram index on plates (%s); partial searches will scan", exc)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS plate_trgm")


class Migration(migrations.Migration):
    dependencies = [("reads", "0005_read_correction")]
    operations = [migrations.RunPython(create, drop)]
