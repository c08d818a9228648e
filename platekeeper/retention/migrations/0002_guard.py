from django.db import migrations


def install(apps, schema_editor):
    from platekeeper.retention import guard

    guard.install()


def drop(apps, schema_editor):
    from platekeeper.retention import guard

    guard.drop()


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial"), ("reads", "0006_read_candidates")]
    operations = [migrations.RunPython(install, drop)]
