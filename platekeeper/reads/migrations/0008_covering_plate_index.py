from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reads", "0007_purge_indexes")]

    # The new index first: searches keep an index on the plate throughout.
    operations = [
        migrations.AddIndex(
            model_name="plateread",
            index=models.Index(
                fields=["plate", "captured_at", "camera"], name="read_plate_time_camera"
            ),
        ),
        migrations.RemoveIndex(model_name="plateread", name="read_plate_time"),
    ]
