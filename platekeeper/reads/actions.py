"""Camera state changes; each is recorded in the audit log."""

from __future__ import annotations

from django.db import transaction

from platekeeper.accounts.models import Agency
from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor, Entry, record_in_action
from platekeeper.reads.models import Camera


def _record(actor: Actor, action: Action, camera: Camera) -> None:
    record_in_action(
        actor, Entry(action, {"camera": str(camera.code), "name": camera.name})
    )


@transaction.atomic
def create_camera(
    agency: Agency, name: str, *, actor: Actor, approved: bool = False, **fields: object
) -> tuple[Camera, str]:
    """Create a camera and return it with its key (shown once, stored only hashed)."""
    camera = Camera(agency=agency, name=name, approved=approved, **fields)
    key = camera.new_key()
    camera.save()
    _record(actor, Action.CAMERA_CREATED, camera)
    if approved:
        _record(actor, Action.CAMERA_APPROVED, camera)
    return camera, key


@transaction.atomic
def rotate_key(camera: Camera, *, actor: Actor) -> str:
    key = camera.new_key()
    camera.save(
        update_fields=["key_hash", "key_prefix", "key_created_at", "key_revoked_at"]
    )
    _record(actor, Action.CAMERA_KEY_ROTATED, camera)
    return key


@transaction.atomic
def revoke_key(camera: Camera, *, actor: Actor) -> None:
    camera.revoke_key()
    camera.save(update_fields=["key_hash", "key_revoked_at"])
    _record(actor, Action.CAMERA_KEY_REVOKED, camera)


@transaction.atomic
def approve(camera: Camera, *, actor: Actor) -> None:
    camera.approved = True
    camera.save(update_fields=["approved"])
    _record(actor, Action.CAMERA_APPROVED, camera)
