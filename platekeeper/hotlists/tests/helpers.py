"""A hot-list world on top of the personas."""

from __future__ import annotations

from typing import Any

from django.test import Client

from platekeeper.audit.record import Actor
from platekeeper.hotlists import actions
from platekeeper.hotlists.matching import bump
from platekeeper.hotlists.models import Entry, HotList


class HotListWorld:
    """Mixin for Personas test cases: Hawthorne's lists and a way to post reads."""

    hawthorne: Any
    camera_key: str
    alice: Any
    dave: Any
    policy: Any

    def make_lists(self) -> None:
        # Hawthorne's stolen-vehicle list (the SVS load) and its major-crimes list
        self.svs = actions.create_list(
            self.hawthorne,
            "Stolen vehicles",
            HotList.Source.SVS,
            actor=self.admin,
            priority=1,
            refresh_hours=24,
            misread_tolerant=True,
        )
        self.major = actions.create_list(
            self.hawthorne,
            "Major crimes",
            HotList.Source.AGENCY,
            actor=self.admin,
            priority=2,
            purpose="criminal_investigation",
            case_number="HPD-26-0100",
        )

    def make_covert_list(self) -> HotList:
        """A task force's covert list, owned by Dave, with one entry (6COV123)."""
        covert = actions.create_list(
            self.hawthorne,
            "Task force",
            HotList.Source.AGENCY,
            actor=self.admin,
            covert=True,
            purpose="criminal_investigation",
            case_number="HPD-26-0200",
        )
        covert.owners.add(self.dave)
        self.entry(covert, "6COV123", category="major_crime")
        return covert

    @property
    def admin(self) -> Actor:
        return Actor.of_user(self.alice)

    def entry(self, hot_list: HotList, plate: str, **fields: Any) -> Entry:
        bump()  # as every change to entries does: processes rebuild their index
        return Entry.objects.create(
            hot_list=hot_list,
            plate=plate,
            is_pattern="?" in plate or "*" in plate,
            category=fields.pop("category", "stolen_vehicle"),
            entered_by="tests",
            **fields,
        )

    def post_read(self, plate: str, confidence: float = 0.93, event: str = "") -> Any:
        from django.utils import timezone

        body = {
            "event_id": event or f"evt-{plate}-{timezone.now().timestamp()}",
            "plate": plate,
            "confidence": confidence,
            "captured_at": timezone.now().isoformat(),
            "state": "CA",
        }
        response = Client().post(
            "/api/v1/reads",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.camera_key}",
        )
        assert response.status_code in (200, 201), response.content
        return response
