from __future__ import annotations

from platekeeper.audit.models import GENESIS, HASH_FIELDS, AccessRecord


def first_break(batch: int = 5000) -> tuple[int, str | None]:
    """Walk the chain in id order; return (entries checked, the first problem or None)."""
    prev, checked, last_id = GENESIS, 0, 0
    fields = {"id", "hash", "hash_version", *set().union(*HASH_FIELDS.values())}
    while True:
        rows = list(
            AccessRecord.objects.filter(id__gt=last_id)
            .order_by("id")
            .only(*fields)[:batch]
        )
        if not rows:
            return checked, None
        for entry in rows:
            if entry.prev_hash != prev:
                return (
                    checked,
                    f"entry {entry.id} ({entry.code}) does not follow the one before it",
                )
            if entry.compute_hash() != entry.hash:
                return (
                    checked,
                    f"entry {entry.id} ({entry.code}) was altered after it was written",
                )
            prev, checked, last_id = entry.hash, checked + 1, entry.id
