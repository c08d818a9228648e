"""Administer cameras from the command line: create, rotate-key, revoke-key, approve, list."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from platekeeper.accounts.models import Agency
from platekeeper.audit.record import Actor
from platekeeper.reads import actions
from platekeeper.reads.models import Camera

ACTOR = Actor.system("camera command")


class Command(BaseCommand):
    help = "Create cameras and manage their device keys."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="create a camera and print its key once")
        create.add_argument("name")
        create.add_argument("--agency", help="ORI (default: the only agency)")
        create.add_argument("--mobile", action="store_true")
        create.add_argument("--lat", type=float)
        create.add_argument("--lon", type=float)
        create.add_argument("--heading", type=float)
        create.add_argument(
            "--frigate", default="", help="its camera name in Frigate (MQTT)"
        )
        create.add_argument(
            "--approved",
            action="store_true",
            help="approved as an ALPR camera under the Policy",
        )
        for verb in ("rotate-key", "revoke-key", "approve"):
            sub.add_parser(verb).add_argument("name")
        sub.add_parser("list")

    def handle(self, *args: Any, **opts: Any) -> None:
        verb = opts["verb"]
        if verb == "list":
            for c in Camera.objects.select_related("agency").order_by(
                "agency__ori", "name"
            ):
                state = "revoked" if c.key_hash is None else f"key {c.key_prefix}…"
                approved = "approved" if c.approved else "NOT approved"
                self.stdout.write(f"{c.agency.ori}  {c.name}  ({approved}, {state})")
            return
        if verb == "create":
            agency = self._agency(opts["agency"])
            camera, key = actions.create_camera(
                agency,
                opts["name"],
                actor=ACTOR,
                approved=opts["approved"],
                kind=Camera.Kind.MOBILE if opts["mobile"] else Camera.Kind.FIXED,
                latitude=opts["lat"],
                longitude=opts["lon"],
                heading=opts["heading"],
                frigate_camera=opts["frigate"],
            )
            self.stdout.write(
                f"camera {camera.name} created; its key (shown once): {key}"
            )
            return
        camera = self._camera(opts["name"])
        if verb == "rotate-key":
            self.stdout.write(
                f"new key (shown once): {actions.rotate_key(camera, actor=ACTOR)}"
            )
        elif verb == "revoke-key":
            actions.revoke_key(camera, actor=ACTOR)
            self.stdout.write(f"key of {camera.name} revoked")
        else:
            actions.approve(camera, actor=ACTOR)
            self.stdout.write(f"{camera.name} approved as an ALPR camera")

    def _agency(self, ori: str | None) -> Agency:
        agencies = Agency.objects.filter(ori=ori) if ori else Agency.objects.all()
        if agencies.count() != 1:
            raise CommandError("name the agency with --agency ORI")
        return agencies.get()

    def _camera(self, name: str) -> Camera:
        try:
            return Camera.objects.get(name=name)
        except Camera.DoesNotExist:
            raise CommandError(f"no camera named {name!r}") from None
        except Camera.MultipleObjectsReturned:
            raise CommandError(f"several cameras are named {name!r}") from None
