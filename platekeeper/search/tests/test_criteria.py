"""Each criterion returns exactly the expected reads of a small town (R13, R14)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from platekeeper.audit.models import Action
from platekeeper.reads.models import Camera, PlateRead
from platekeeper.test import BaseTestCase

WHY = {"purpose": "criminal_investigation", "case_number": "HPD-26-0500"}


class CriteriaTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        now = timezone.now()
        self.crenshaw = Camera.objects.create(
            agency=self.hawthorne,
            name="Crenshaw & 120th NB",
            latitude=33.9237,
            longitude=-118.3268,
            approved=True,
        )
        here: dict[str, Any] = {"latitude": 33.9165, "longitude": -118.3527}
        there: dict[str, Any] = {"latitude": 33.9237, "longitude": -118.3268}
        read = self.make_read
        self.exact = read(
            "7ABC123",
            captured_at=now - timedelta(hours=2),
            heading=2,
            vehicle_make="Toyota",
            **here,
        )
        self.changed = read(
            "7ABC128", captured_at=now - timedelta(hours=3), heading=180, **here
        )
        self.short = read(
            "7ABC12", captured_at=now - timedelta(hours=4), state="NV", **here
        )
        self.misread = read(
            "7A8C123",
            camera=self.crenshaw,
            captured_at=now - timedelta(hours=5),
            confidence=0.6,
            **there,
        )
        self.far = read(
            "6XYZ999",
            camera=self.crenshaw,
            captured_at=now - timedelta(days=3),
            **there,
        )

    def ids(self, user: Any = None, **query: Any) -> set[int]:
        response = self.login(user or self.dave).post("/search/", {**WHY, **query})
        assert response.status_code == 200, response.content.decode()[-600:]
        return {r.id for r in response.context["reads"]}

    @pytest.mark.requirement("R13")
    def test_it_finds_exactly_what_each_plate_criterion_asks(self) -> None:
        cases = {
            ("7ABC123", "exact"): {self.exact.id},
            ("7ABC12?", "partial"): {self.exact.id, self.changed.id},
            ("7AB*", "partial"): {self.exact.id, self.changed.id, self.short.id},
            ("*BC12*", "partial"): {self.exact.id, self.changed.id, self.short.id},
            ("?ABC1?3", "partial"): {self.exact.id},
            ("*123", "partial"): {self.exact.id, self.misread.id},
            ("7ABC123", "misread"): {self.exact.id, self.misread.id},
            ("7ABC123", "one_off"): {self.changed.id, self.short.id, self.misread.id},
        }
        for (plate, match), expected in cases.items():
            with self.subTest(plate=plate, match=match):
                self.assertEqual(self.ids(plate=plate, match=match), expected)

    @pytest.mark.requirement("R13")
    def test_it_finds_a_read_by_any_of_its_ocr_candidates(self) -> None:
        response = self.client.post(
            "/api/v1/reads",
            {
                "event_id": "cand-1",
                "plate": "8XYZ111",
                "confidence": 0.71,
                "captured_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
                "candidates": [
                    {"plate": "8XYZ111", "confidence": 0.71},
                    {"plate": "8-xyz-11l", "confidence": 0.52},
                    {"plate": "7ABC123", "confidence": 0.40},
                ],
            },
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.camera_key}",
        )
        [stored] = response.json()["items"]
        offered = stored["read_id"]
        self.assertEqual(
            self.ids(plate="7ABC123", match="candidate"), {self.exact.id, offered}
        )
        self.assertEqual(self.ids(plate="8XYZ11L", match="candidate"), {offered})
        self.assertEqual(self.ids(plate="8XYZ11L", match="exact"), set())
        self.assertEqual(self.ids(self.otto, plate="7ABC123", match="candidate"), set())
        rules = {
            read.id: rule
            for read, rule in self.login(self.dave)
            .post("/search/", {**WHY, "plate": "7ABC123", "match": "candidate"})
            .context["rows"]
        }
        self.assertEqual(
            rules, {self.exact.id: "Exact plate", offered: "OCR candidate"}
        )

    @pytest.mark.requirement("R32")
    def test_it_records_federal_task_force_work_as_such(self) -> None:
        page = self.login(self.dave).post(
            "/search/", {**WHY, "plate": "7ABC123", "task_force": "FBI Safe Streets"}
        )
        self.assertContains(page, "a federal agency may not receive ALPR data")
        [record] = self.access_records(action=Action.SEARCH)
        self.assertEqual(record.criteria["task_force"], "FBI Safe Streets")

    def test_it_says_which_rule_each_result_matched(self) -> None:
        response = self.login(self.dave).post(
            "/search/", {**WHY, "plate": "7ABC123", "match": "misread"}
        )
        rules = {read.plate_text: rule for read, rule in response.context["rows"]}
        self.assertEqual(rules["7ABC123"], "Exact plate")
        self.assertTrue(rules["7A8C123"].startswith("Misread-tolerant"))

    @pytest.mark.requirement("R13")
    def test_it_filters_by_time_camera_state_confidence_vehicle_and_direction(
        self,
    ) -> None:
        now = timezone.localtime()
        partial = {"plate": "7*", "match": "partial"}
        self.assertEqual(
            self.ids(
                **partial,
                start=(now - timedelta(hours=3, minutes=30)).strftime("%Y-%m-%dT%H:%M"),
                end=now.strftime("%Y-%m-%dT%H:%M"),
            ),
            {self.exact.id, self.changed.id},
        )
        self.assertEqual(
            self.ids(**partial, cameras=[self.crenshaw.id]),
            {self.misread.id},
        )
        self.assertEqual(self.ids(**partial, state="nv"), {self.short.id})
        self.assertEqual(
            self.ids(**partial, min_confidence="0.9"),
            {self.exact.id, self.changed.id, self.short.id},
        )
        self.assertEqual(self.ids(**partial, make="toyota"), {self.exact.id})
        self.assertEqual(self.ids(**partial, direction="N"), {self.exact.id})
        self.assertEqual(self.ids(**partial, direction="S"), {self.changed.id})

    @pytest.mark.requirement("R13")
    def test_it_searches_a_radius_and_a_drawn_polygon(self) -> None:
        partial = {"plate": "7*", "match": "partial"}
        near_here = self.ids(
            **partial, latitude="33.9165", longitude="-118.3527", radius_m="500"
        )
        self.assertEqual(near_here, {self.exact.id, self.changed.id, self.short.id})
        around_there = (
            "[[33.92, -118.33], [33.93, -118.33], [33.93, -118.32], [33.92, -118.32]]"
        )
        self.assertEqual(self.ids(**partial, polygon=around_there), {self.misread.id})

    @pytest.mark.requirement("R13")
    def test_it_records_the_whole_query(self) -> None:
        self.ids(
            plate="7AB*",
            match="partial",
            state="CA",
            radius_m="300",
            latitude="33.9165",
            longitude="-118.3527",
            direction="N",
        )
        [record] = self.access_records(action=Action.SEARCH)
        self.assertEqual(
            {
                k: record.criteria[k]
                for k in ("plate", "match", "state", "radius_m", "direction")
            },
            {
                "plate": "7AB*",
                "match": "partial",
                "state": "CA",
                "radius_m": 300,
                "direction": "N",
            },
        )
        self.assertEqual(record.criteria["latitude"], 33.9165)
        self.assertEqual(set(record.result_ids), {self.exact.id})

    def test_it_needs_a_time_window_for_an_area_without_a_plate(self) -> None:
        response = self.login(self.dave).post(
            "/search/", {**WHY, "latitude": "33.9165", "longitude": "-118.3527"}
        )
        self.assertEqual(response.status_code, 400)
        now = timezone.localtime()  # the form's times are local, as a person types them
        window = {
            "start": (now - timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M"),
            "end": now.strftime("%Y-%m-%dT%H:%M"),
        }
        self.assertEqual(
            self.ids(
                latitude="33.9165", longitude="-118.3527", radius_m="200", **window
            ),
            {self.exact.id, self.changed.id, self.short.id},
        )
        officer = self.login(self.olivia).post(
            "/search/",
            {**WHY, "latitude": "33.9165", "longitude": "-118.3527", **window},
        )
        self.assertEqual(
            officer.status_code, 403
        )  # an area without a plate is a canvass

    def test_it_shows_another_agency_nothing_whatever_the_criterion(self) -> None:
        self.assertEqual(self.ids(self.otto, plate="7*", match="partial"), set())

    def test_it_keeps_an_officer_in_the_recent_window_for_partial_plates(self) -> None:
        old = self.make_read("7ABC129", captured_at=timezone.now() - timedelta(days=45))
        self.assertNotIn(old.id, self.ids(self.olivia, plate="7ABC*", match="partial"))
        self.assertIn(old.id, self.ids(self.dave, plate="7ABC*", match="partial"))

    def test_it_continues_with_a_cursor_and_caps_the_count(self) -> None:
        from unittest import mock

        from platekeeper.search import queries

        reads = PlateRead.objects.visible_to(self.dave)
        first = queries.page(reads, {}, size=2)
        second = queries.page(reads, {"after": first.cursor}, size=2)
        self.assertEqual(len(first.reads) + len(second.reads), 4)
        self.assertFalse(set(first.ids) & set(second.ids))
        self.assertTrue(second.more)
        with mock.patch.object(queries, "COUNT_CAP", 3):
            self.assertEqual(queries.capped_count(reads), "3+")
            # The first page counts in its own pass, capped the same way.
            with mock.patch.object(queries, "PAGE", 2):
                page = self.login(self.dave).post(
                    "/search/", {**WHY, "plate": "7*", "match": "partial"}
                )
            self.assertEqual(page.context["count"], "3+")
        self.assertEqual(queries.capped_count(reads), "5")
        self.assertEqual(queries.page(reads, {}, size=2).total, 5)

    def test_it_pages_a_plate_read_more_than_a_page_and_counts_it(self) -> None:
        from unittest import mock

        from platekeeper.search import queries

        now = timezone.now()
        made = [
            self.make_read("4PAG123", captured_at=now - timedelta(hours=h))
            for h in (1, 2, 3)
        ]
        browser = self.login(self.dave)
        search = {**WHY, "plate": "4PAG123"}
        with mock.patch.object(queries, "PAGE", 2):
            first = browser.post("/search/", search)
            after = {**search, "after": first.context["cursor"]}
            second = browser.post("/search/", after)
        self.assertEqual(
            [r.id for r in first.context["reads"]], [made[0].id, made[1].id]
        )
        self.assertTrue(first.context["more"])
        self.assertEqual(first.context["count"], "3")
        self.assertEqual([r.id for r in second.context["reads"]], [made[2].id])
        self.assertFalse(second.context["more"])
        self.assertEqual(second.context["count"], "3")

    def test_it_reads_a_partial_plate_month_by_month_and_stops_at_the_cap(
        self,
    ) -> None:
        from unittest import mock

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from platekeeper.reads import partitions
        from platekeeper.search import queries

        now = timezone.now()
        partitions.ensure(now - timedelta(days=100), now)  # (PostgreSQL: months)
        ages = [-70, 0.1, 1, 35, 36, 65, 400, 1500]  # days; -70 is a clock ahead
        made = [
            self.make_read(f"9Q{i}ZZZ", captured_at=now - timedelta(days=age))
            for i, age in enumerate(ages)
        ]
        newest_first = [r.id for r in made]
        reads = PlateRead.objects.visible_to(self.dave).filter(plate__plate__gte="9Q")
        search = {"plate": "9Q*", "match": "partial"}
        everything = queries.page(reads, search, size=50)
        self.assertEqual(everything.ids, newest_first)
        self.assertEqual(everything.total, len(ages))
        with (
            mock.patch.object(queries, "COUNT_CAP", 3),
            CaptureQueriesContext(connection) as statements,
        ):
            capped = queries.page(reads, search, size=2)
        self.assertEqual(capped.ids, newest_first[:2])
        self.assertEqual(capped.total, 4)  # "3+"
        self.assertTrue(capped.more)
        # Past the page, the rest is counted in one statement.
        counts = [q for q in statements if q["sql"].startswith("SELECT COUNT(*)")]
        self.assertEqual(len(counts), 1)
        with mock.patch.object(queries, "COUNT_CAP", 100):
            # The newer stretches' reads and the rest's, each counted once.
            self.assertEqual(queries.page(reads, search, size=2).total, len(ages))
        later = queries.page(reads, {**search, "after": capped.cursor}, size=2)
        self.assertEqual(later.ids, newest_first[2:4])
        stretches = partitions.stretches()
        if len(stretches) > 1:  # it stopped before the older months
            pairs = (
                'SELECT "reads_plateread"."id" AS "id", "reads_plateread"."captured_at"'
            )
            probes = [q for q in statements if q["sql"].startswith(pairs)]
            self.assertLess(len(probes), len(stretches))

    def test_it_covers_all_time_in_stretches_newest_first(self) -> None:
        from datetime import UTC, datetime
        from unittest import mock

        from platekeeper.reads import partitions
        from platekeeper.reads.partitions import Month

        def at(month: int) -> datetime:
            return datetime(2026, month, 1, tzinfo=UTC)

        with mock.patch.object(partitions, "months", return_value=[]):
            self.assertEqual(partitions.stretches(), [(None, None)])
        have = [Month(at(2)), Month(at(3)), Month(at(6))]  # April, May dropped
        with mock.patch.object(partitions, "months", return_value=have):
            self.assertEqual(
                partitions.stretches(),
                [
                    (at(7), None),  # the default partition: later
                    (at(6), at(7)),
                    (at(4), at(6)),  # the default partition: the gap
                    (at(3), at(4)),
                    (at(2), at(3)),
                    (None, at(2)),  # the default partition: earlier
                ],
            )

    def test_it_passes_many_plates_as_one_array_and_finds_the_same_reads(
        self,
    ) -> None:
        from unittest import mock

        from platekeeper.search import criteria

        now = timezone.now()
        made = {
            self.make_read(f"9Q{i}ZZZ", captured_at=now - timedelta(days=i)).id
            for i in range(5)
        }
        as_list = self.ids(plate="9Q?ZZZ", match="partial")
        with mock.patch.object(criteria, "ARRAY_OVER", 1):
            response = self.login(self.dave).post(
                "/search/", {**WHY, "plate": "9Q?ZZZ", "match": "partial"}
            )
        self.assertEqual(as_list, made)
        self.assertEqual({r.id for r in response.context["reads"]}, made)
        self.assertEqual(response.context["count"], "5")
