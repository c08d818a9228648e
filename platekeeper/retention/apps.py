from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reinstall_guard(sender: Any, using: str = "default", **kwargs: Any) -> None:
    # As for the audit log's triggers: an SQLite table rebuild drops them.
    from platekeeper.retention import guard

    guard.install()


class RetentionConfig(AppConfig):
    name = "platekeeper.retention"
    label = "retention"

    def ready(self) -> None:
        post_migrate.connect(_reinstall_guard, sender=self)
