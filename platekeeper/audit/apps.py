from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reinstall_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    # Django's SQLite migrations rebuild a table on some field changes and the
    # rebuild drops its triggers; putting them back after every migrate keeps
    # the audit log append-only whatever a later migration does.
    from platekeeper.audit import triggers

    triggers.install()


class AuditConfig(AppConfig):
    name = "platekeeper.audit"
    label = "audit"

    def ready(self) -> None:
        post_migrate.connect(_reinstall_triggers, sender=self)
