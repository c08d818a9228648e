"""Correcting a misread (R40): the read shows the corrected plate from then on,
the original stays in `ReadCorrection`, and the change is audited."""

from __future__ import annotations

from django.db import transaction

from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor, Entry, record_in_action
from platekeeper.lib import plates
from platekeeper.reads.ingest import plate_ids
from platekeeper.reads.models import PlateRead, ReadCorrection


class Refused(ValueError):
    pass


@transaction.atomic
def correct(
    read: PlateRead, plate: str, state: str, *, actor: Actor, reason: str
) -> ReadCorrection:
    if not reason.strip():
        raise Refused("a correction needs its reason")
    try:
        text = plates.clean(plate)
    except plates.PlateError as exc:
        raise Refused(str(exc)) from exc
    state = (state or read.state).strip().upper()[:8]
    row = ReadCorrection.objects.create(
        read_id=read.pk,
        plate_before=read.plate_text,
        plate_after=text,
        state_before=read.state,
        state_after=state,
        corrected_by=actor.username,
        reason=reason.strip()[:500],
    )
    PlateRead.objects.filter(pk=read.pk).update(
        plate_id=plate_ids({text})[text], plate_text=text, state=state
    )
    record_in_action(
        actor,
        Entry(
            Action.READ_CORRECTED,
            {
                "read_id": read.pk,
                "before": row.plate_before,
                "after": text,
                "state_before": row.state_before,
                "state_after": state,
            },
            result_ids=[read.pk],
            reason=row.reason,
        ),
    )
    return row
