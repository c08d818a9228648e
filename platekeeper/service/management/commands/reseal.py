"""platekeeper reseal: seal every image and document again under the data key
in PLATEKEEPER_DATA_KEY, opening files sealed by an old key with
PLATEKEEPER_OLD_DATA_KEYS (R45: keys are changed, not kept forever).

Safe to stop and run again: each file is rewritten whole or not at all, and a
file already sealed by today's key is left as it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor, Entry, record_access
from platekeeper.reads import blobs, sealing


class Command(BaseCommand):
    help = "Seal every stored image and document again under the current data key."

    def handle(self, *args: Any, **opts: Any) -> None:
        if sealing.key() is None:
            raise CommandError(
                "PLATEKEEPER_DATA_KEY is not set: there is no key to seal under"
            )
        stores = [Path(settings.IMAGES_DIR), Path(settings.DOCUMENTS_DIR)]
        # Every image is opened: an access to all of them, recorded first.
        record_access(
            Actor.system("reseal"),
            Entry(Action.RESEAL, {"stores": [str(s) for s in stores]}),
        )
        resealed = unchanged = 0
        broken: list[str] = []
        for store in stores:
            for path in blobs.stored_files(store):
                try:
                    if blobs.reseal(path):
                        resealed += 1
                    else:
                        unchanged += 1
                except sealing.Broken as exc:
                    broken.append(str(exc))
        self.stdout.write(
            f"resealed {resealed} files; {unchanged} were sealed by this key already"
        )
        if broken:
            raise CommandError(
                f"{len(broken)} files open with no key given (left as they are): "
                + "; ".join(broken[:10])
            )
