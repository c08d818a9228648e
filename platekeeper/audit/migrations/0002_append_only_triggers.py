from django.db import migrations


def install(apps, schema_editor):
    from platekeeper.audit import triggers

    triggers.install()


def drop(apps, schema_editor):
    from platekeeper.audit import triggers

    triggers.drop()


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(install, drop)]
