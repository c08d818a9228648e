from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reinstall_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    # As for the audit log's: kept true after every migrate (CREATE OR REPLACE).
    from platekeeper.reads import monthcounts

    monthcounts.UNCOUNT.install()


class ReadsConfig(AppConfig):
    name = "platekeeper.reads"
    label = "reads"

    def ready(self) -> None:
        post_migrate.connect(_reinstall_triggers, sender=self)
