"""Every read against every live entry (R27, R37): what alerts and what does not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from platekeeper.audit.models import AccessRecord, Action
from platekeeper.hotlists import actions
from platekeeper.hotlists.models import Alert, Hit
from platekeeper.test import BaseTestCase

from .helpers import HotListWorld


class MatchingTestCase(HotListWorld, BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_lists()

    @pytest.mark.requirement("R37")
    def test_it_alerts_once_per_entry_and_labels_the_loose_matches_possible(
        self,
    ) -> None:
        exact = self.entry(self.svs, "7ABC123")
        loose = self.entry(self.svs, "7A8C123")  # 8 for B: the misread key
        partial = self.entry(self.major, "7A?C1?3", category="major_crime")
        self.post_read("7ABC123")
        hits = {h.entry_id: h.how for h in Hit.objects.all()}
        self.assertEqual(
            hits, {exact.id: "exact", loose.id: "misread", partial.id: "wildcard"}
        )
        alerts = Alert.objects.select_related("hit")
        self.assertEqual(len(alerts), 3)
        self.assertEqual(sorted(a.hit.is_possible for a in alerts), [False, True, True])

    @pytest.mark.requirement("R37")
    def test_it_matches_a_partial_plate_and_a_trailing_star(self) -> None:
        self.entry(self.major, "7AB?12", category="major_crime")
        self.entry(self.major, "7AB*", category="major_crime")
        self.post_read("7ABC12")
        self.assertEqual(Hit.objects.count(), 2)

    @pytest.mark.requirement("R27")
    def test_it_does_not_alert_on_an_expired_or_cleared_entry(self) -> None:
        self.entry(
            self.svs, "7ABC123", expires_at=timezone.now() - timedelta(minutes=1)
        )
        cleared = self.entry(self.svs, "8XYZ999")
        actions.clear_entry(cleared, actor=self.admin, reason="vehicle recovered")
        self.post_read("7ABC123")
        self.post_read("8XYZ999")
        self.assertFalse(Hit.objects.exists())
        self.assertFalse(Alert.objects.exists())

    def test_it_does_not_alert_under_the_lists_minimum_confidence(self) -> None:
        self.svs.min_confidence = 0.8
        self.svs.save()
        self.entry(self.svs, "7ABC123")
        self.post_read("7ABC123", confidence=0.6)
        self.assertEqual(Hit.objects.count(), 1)  # the hit is kept for the record
        self.assertFalse(Alert.objects.exists())

    def test_it_throttles_repeat_alerts_for_one_entry_at_one_camera(self) -> None:
        self.entry(self.svs, "7ABC123")
        self.post_read("7ABC123", event="a")
        self.post_read("7ABC123", event="b")
        self.assertEqual((Hit.objects.count(), Alert.objects.count()), (2, 1))

    def test_it_stays_silent_for_another_agencys_list(self) -> None:
        other = actions.create_list(
            self.inglewood, "IPD stolen", "svs", actor=self.admin
        )
        self.entry(other, "7ABC123")
        self.post_read("7ABC123")
        self.assertFalse(Hit.objects.exists())

    def test_it_sees_an_entry_added_after_the_index_was_built(self) -> None:
        self.post_read("1AAA111")  # builds the index
        actions.add_entry(
            self.svs,
            "7ABC123",
            actor=self.admin,
            rules=self.policy.parsed,
            purpose="stolen_vehicle",
            case_number="HPD-26-7",
        )
        self.post_read("7ABC123")
        self.assertEqual(Alert.objects.count(), 1)

    @pytest.mark.requirement("R15")
    def test_it_finds_a_read_stored_yesterday_and_records_the_look_back(self) -> None:
        read = self.make_read("7ABC123", captured_at=timezone.now() - timedelta(days=1))
        self.make_read("7ABC123", captured_at=timezone.now() - timedelta(days=45))
        entry, found = actions.add_entry(
            self.major,
            "7AB*",
            actor=self.admin,
            rules=self.policy.parsed,
            purpose="criminal_investigation",
            case_number="HPD-26-0101",
        )
        self.assertEqual(found, 1)  # the 45-day-old read is past the 30-day look-back
        hit = Hit.objects.get()
        self.assertEqual((hit.read_id, hit.retroactive), (read.id, True))
        self.assertTrue(Alert.objects.filter(hit=hit).exists())
        look = AccessRecord.objects.get(action=Action.LOOK_BACK)
        self.assertEqual(
            (look.purpose, look.case_number, look.result_ids),
            ("criminal_investigation", "HPD-26-0101", [read.id]),
        )
        self.assertTrue(
            AccessRecord.objects.filter(
                action=Action.ENTRY_ADDED, actor_username="alice"
            ).exists()
        )

    @pytest.mark.requirement("R15")
    def test_it_refuses_an_entry_or_agency_list_without_a_case_number(self) -> None:
        with self.assertRaisesMessage(actions.Refused, "case number"):
            actions.add_entry(
                self.major,
                "7ABC123",
                actor=self.admin,
                rules=self.policy.parsed,
                purpose="criminal_investigation",
                case_number=" ",
            )
        with self.assertRaisesMessage(actions.Refused, "case number"):
            actions.create_list(self.hawthorne, "Mine", "agency", actor=self.admin)

    @pytest.mark.requirement("R27")
    def test_it_expires_a_user_entry_after_the_policys_days_unless_renewed(
        self,
    ) -> None:
        entry, _ = actions.add_entry(
            self.major,
            "7ABC123",
            actor=self.admin,
            rules=self.policy.parsed,
            purpose="criminal_investigation",
            case_number="HPD-26-0102",
        )
        assert entry.expires_at is not None
        self.assertEqual((entry.expires_at - entry.entered_at).days, 30)
        actions.renew_entry(
            entry, actor=self.admin, rules=self.policy.parsed, case_number="HPD-26-0102"
        )
        self.assertTrue(
            AccessRecord.objects.filter(action=Action.ENTRY_RENEWED).exists()
        )


class StaleIndexTestCase(HotListWorld, BaseTestCase):
    def test_it_matches_again_a_read_stored_between_two_changes(self) -> None:
        from django.test import override_settings

        self.make_lists()
        self.post_read("1AAA111")  # the process builds its index
        with override_settings(HOTLIST_CHECK_SECONDS=3600):
            self.entry(
                self.svs, "7ABC123"
            )  # a change the process does not look for yet
            self.post_read("7ABC123")  # matched with the stale index: no alert yet
            self.assertFalse(Alert.objects.exists())
            self.entry(
                self.svs, "8XYZ999"
            )  # a second change moves the generation's marker
        self.post_read("2BBB222")  # now the process looks, rebuilds and matches again
        self.assertEqual(
            list(Alert.objects.values_list("hit__plate", flat=True)), ["7ABC123"]
        )
