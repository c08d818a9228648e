"""Colorado's rule: after a year a read opens only with a reason, recorded with the person (R29)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor
from platekeeper.policy.actions import publish_profile
from platekeeper.policy.profiles import rules_for
from platekeeper.test import BaseTestCase

WHY = {"purpose": "criminal_investigation", "case_number": "DPD-26-0101"}


class RestrictedAccessTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        publish_profile(rules_for("colorado"), actor=Actor.system("tests"), note="CO")
        self.recent = self.make_read(
            "7ABC123", captured_at=timezone.now() - timedelta(days=20)
        )
        self.old = self.make_read(
            "7ABC123", captured_at=timezone.now() - timedelta(days=395)
        )

    def search(self, **extra: str) -> set[int]:
        page = self.login(self.dave).post(
            "/search/", {**WHY, "plate": "7ABC123", **extra}
        )
        self.assertEqual(page.status_code, 200)
        return {r.id for r in page.context["reads"]}

    @pytest.mark.requirement("R29")
    def test_it_opens_a_thirteen_month_old_read_only_with_a_reason(self) -> None:
        self.assertEqual(self.search(), {self.recent.id})
        reason = "Cold-case review of the 2025 Aurora robbery series"
        self.assertEqual(
            self.search(justification=reason), {self.recent.id, self.old.id}
        )
        without, with_reason = self.access_records(action=Action.SEARCH)
        self.assertTrue(without.criteria["older_reads_withheld"])
        self.assertNotIn(self.old.id, without.result_ids)
        self.assertEqual(with_reason.justification, reason)
        self.assertEqual(with_reason.actor_username, "dave")
        self.assertIn(self.old.id, with_reason.result_ids)

    def test_it_says_older_reads_were_left_out(self) -> None:
        page = self.login(self.dave).post("/search/", {**WHY, "plate": "7ABC123"})
        self.assertContains(page, "shown only when the search gives a reason")
