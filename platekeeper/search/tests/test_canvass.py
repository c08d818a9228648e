"""Canvass around incidents (427.3(c)): grouped by plate, intersected, recorded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from platekeeper.audit.models import Action
from platekeeper.reads.models import Camera
from platekeeper.test import BaseTestCase

HERE: dict[str, Any] = {"latitude": 33.9165, "longitude": -118.3527}
THERE: dict[str, Any] = {"latitude": 33.9237, "longitude": -118.3268}


class CanvassTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.crenshaw = Camera.objects.create(
            agency=self.hawthorne, name="Crenshaw & 120th NB", approved=True, **THERE
        )
        self.shooting = timezone.now() - timedelta(hours=5)
        self.robbery = timezone.now() - timedelta(hours=2)
        at = self.shooting
        # 7ABC123 passed the shooting twice and the robbery once; 8DEF456 only the shooting
        self.r1 = self.make_read(
            "7ABC123", captured_at=at - timedelta(minutes=20), **HERE
        )
        self.r2 = self.make_read(
            "7ABC123", captured_at=at + timedelta(minutes=10), **HERE
        )
        self.r3 = self.make_read(
            "8DEF456", captured_at=at + timedelta(minutes=5), **HERE
        )
        self.r4 = self.make_read(
            "7ABC123", camera=self.crenshaw, captured_at=self.robbery, **THERE
        )
        self.late = self.make_read(
            "9GHI789", captured_at=at + timedelta(hours=2), **HERE
        )

    def canvass(self, user: Any = None, **extra: Any) -> Any:
        local = timezone.localtime(self.shooting)
        data = {
            "purpose": "major_incident_canvass",
            "case_number": "HPD-26-0600",
            "at": local.strftime("%Y-%m-%dT%H:%M"),
            "minutes_before": "60",
            "minutes_after": "60",
            "latitude": "33.9165",
            "longitude": "-118.3527",
            "radius_m": "500",
            **extra,
        }
        return self.login(user or self.dave).post("/search/canvass/", data)

    @pytest.mark.requirement("R13")
    def test_it_groups_the_reads_around_an_incident_by_plate(self) -> None:
        response = self.canvass()
        groups = {g.plate: [r.id for r in g.reads] for g in response.context["groups"]}
        self.assertEqual(
            groups, {"7ABC123": [self.r1.id, self.r2.id], "8DEF456": [self.r3.id]}
        )
        self.assertEqual(
            response.context["groups"][0].plate, "7ABC123"
        )  # most often first
        [record] = self.access_records(action=Action.SEARCH)
        self.assertEqual(record.criteria["kind"], "canvass")
        self.assertEqual(record.criteria["incidents"][0]["area"]["radius_m"], 500)
        self.assertEqual(set(record.result_ids), {self.r1.id, self.r2.id, self.r3.id})
        self.assertEqual(record.purpose, "major_incident_canvass")

    def test_it_keeps_the_plates_seen_near_both_incidents(self) -> None:
        local = timezone.localtime(self.robbery)
        response = self.canvass(
            latitude_2="33.9237",
            longitude_2="-118.3268",
            at_2=local.strftime("%Y-%m-%dT%H:%M"),
        )
        groups = {g.plate: g.count for g in response.context["groups"]}
        self.assertEqual(groups, {"7ABC123": 3})

    def test_it_keeps_a_plates_reads_in_capture_order_whichever_incident_comes_first(
        self,
    ) -> None:
        # The later incident (the robbery) asked first, the shooting second.
        robbery = timezone.localtime(self.robbery).strftime("%Y-%m-%dT%H:%M")
        shooting = timezone.localtime(self.shooting).strftime("%Y-%m-%dT%H:%M")
        response = self.canvass(
            at=robbery,
            latitude="33.9237",
            longitude="-118.3268",
            latitude_2="33.9165",
            longitude_2="-118.3527",
            at_2=shooting,
        )
        [seen] = response.context["groups"]
        self.assertEqual(
            [r.id for r in seen.reads], [self.r1.id, self.r2.id, self.r4.id]
        )
        self.assertEqual(
            (seen.first, seen.last), (self.r1.captured_at, self.r4.captured_at)
        )
        self.assertContains(response, f"/{self.r1.id}/?access=")  # "First read"

    def test_it_escapes_the_table_and_shows_first_and_last_seen(self) -> None:
        from datetime import UTC, datetime

        from platekeeper.audit.record import Actor, Entry, record_access
        from platekeeper.search import tables
        from platekeeper.search.canvass import Seen, Sighting

        def seen(minute: int, camera: str) -> Sighting:
            at = datetime(2026, 6, 1, 19, minute, tzinfo=UTC)  # 12:xx in Hawthorne
            return Sighting(
                minute, at, "7ABC123", "7ABC123", "CA", 0.9, camera, None, None
            )

        access = record_access(Actor.of_user(self.dave), Entry(Action.SEARCH, {}))
        twice = Seen("7ABC123", [seen(5, "<b>Main</b>"), seen(40, "Elm")])
        once = Seen("8<i>", [seen(7, "Elm")])
        html = tables.canvass_rows([twice, once], access)
        self.assertIn("<td>&lt;b&gt;Main&lt;/b&gt;, Elm</td>", html)
        self.assertIn("<td>2026-06-01 12:05</td><td>2026-06-01 12:40</td>", html)
        self.assertIn(
            '<td class="plate">8&lt;i&gt;</td><td>1</td><td>Elm</td>'
            "<td>2026-06-01 12:07</td><td>2026-06-01 12:07</td>",
            html,
        )
        self.assertIn(f"/5/?access={access.code}", html)

    def test_it_canvasses_a_drawn_polygon(self) -> None:
        square = "[[33.915, -118.354], [33.918, -118.354], [33.918, -118.351], [33.915, -118.351]]"
        response = self.canvass(latitude="", longitude="", polygon=square)
        self.assertEqual(
            {g.plate for g in response.context["groups"]}, {"7ABC123", "8DEF456"}
        )

    def test_it_refuses_an_officer_and_records_it(self) -> None:
        self.assertEqual(self.canvass(self.olivia).status_code, 403)
        self.assertEqual(
            self.access_records(action=Action.PRIVILEGED_REFUSED)[0].actor_username,
            "olivia",
        )

    def test_it_refuses_a_canvass_without_purpose_and_records_it(self) -> None:
        response = self.canvass(purpose="")
        self.assertEqual(response.status_code, 400)
        [record] = self.access_records(action=Action.SEARCH)
        self.assertEqual(record.outcome, "denied")

    def test_it_shows_another_agency_nothing(self) -> None:
        self.assertEqual(self.canvass(self.otto).context["groups"], [])

    def test_it_needs_sign_in(self) -> None:
        self.assertEqual(Client().get("/search/canvass/").status_code, 302)
