"""Fetch the images reads only reference (scheduled every minute; off by default)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from platekeeper.reads import fetch


class Command(BaseCommand):
    help = "Fetch referenced images (PLATEKEEPER_FETCH_IMAGES) from each camera's image_url."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = fetch.run()
        if not counts:
            self.stdout.write("image fetching is off (PLATEKEEPER_FETCH_IMAGES)")
        else:
            self.stdout.write(f"fetched {counts['ok']}, failed {counts['failed']}")
