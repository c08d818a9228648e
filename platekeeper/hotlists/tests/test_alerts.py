"""The alert screen and what officers record on it (R38, R39)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from platekeeper.audit.models import AccessRecord, Action
from platekeeper.hotlists import actions, alerts
from platekeeper.hotlists.models import Alert, HotList
from platekeeper.reads.models import PlateRead, ReadCorrection
from platekeeper.test import BaseTestCase

from .helpers import HotListWorld


class AlertScreenTestCase(HotListWorld, BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_lists()
        self.entry(self.svs, "7ABC123", state="NV", vehicle="WHI TOYT CAMRY")
        self.post_read("7ABC123")
        self.alert = Alert.objects.get()

    def test_it_shows_the_queue_to_an_officer(self) -> None:
        page = self.login(self.olivia).get("/alerts/")
        self.assertContains(page, "7ABC123")
        self.assertContains(page, "Every alert is unverified")

    def test_it_refuses_the_queue_to_an_auditor_and_records_it(self) -> None:
        response = self.login(self.uma).get("/alerts/")
        self.assertEqual(response.status_code, 403)
        refused = AccessRecord.objects.get(action=Action.PRIVILEGED_REFUSED)
        self.assertEqual(refused.criteria, {"function": "alerts"})

    def test_it_needs_sign_in(self) -> None:
        self.assertEqual(Client().get("/alerts/").status_code, 302)
        self.assertEqual(Client().get(f"/alerts/{self.alert.pk}/").status_code, 302)

    def test_it_records_the_opening_of_an_alert_and_highlights_mismatches(self) -> None:
        page = self.login(self.olivia).get(f"/alerts/{self.alert.pk}/")
        self.assertContains(page, "Unverified")
        self.assertContains(page, '<tr class="mismatch"><th>State</th>')
        opened = AccessRecord.objects.get(action=Action.ALERT_VIEWED)
        self.assertEqual(
            (opened.actor_username, opened.purpose, opened.result_ids),
            ("olivia", "stolen_vehicle", [self.alert.hit.read_id]),
        )

    def test_it_shows_another_agency_nothing(self) -> None:
        self.assertEqual(
            self.login(self.otto).get(f"/alerts/{self.alert.pk}/").status_code, 404
        )
        self.assertFalse(
            AccessRecord.objects.filter(action=Action.ALERT_VIEWED).exists()
        )

    def test_it_shows_a_covert_lists_alert_only_to_its_owners_and_administrators(
        self,
    ) -> None:
        covert = self.make_covert_list()
        self.post_read("6COV123")
        hidden = Alert.objects.get(hot_list=covert)
        rules = self.policy.parsed
        self.assertNotIn(hidden, alerts.visible_alerts(self.olivia, rules))
        self.assertIn(hidden, alerts.visible_alerts(self.dave, rules))
        self.assertIn(hidden, alerts.visible_alerts(self.alice, rules))
        self.assertEqual(
            self.login(self.olivia).get(f"/alerts/{hidden.pk}/").status_code, 404
        )
        self.assertNotContains(self.login(self.olivia).get("/alerts/"), "6COV123")

    @pytest.mark.requirement("R39")
    def test_it_shows_cji_details_only_to_a_clets_grantee(self) -> None:
        ncic = actions.create_list(
            self.hawthorne,
            "NCIC",
            HotList.Source.NCIC,
            actor=self.admin,
            cji_source="clets",
        )
        self.entry(
            ncic, "5CJI555", record_id="V123456789", details={"name": "DOE, JOHN"}
        )
        self.post_read("5CJI555")
        alert = Alert.objects.get(hot_list=ncic)
        page = self.login(self.olivia).get(f"/alerts/{alert.pk}/")
        self.assertContains(page, "need that grant")
        self.assertNotContains(page, "V123456789")
        self.assertNotContains(page, "DOE, JOHN")
        call_command(
            "training",
            "record",
            "olivia",
            "clets_operator",
            "--verified-by",
            "CLETS coordinator",
            stdout=StringIO(),
        )
        call_command("account", "grant", "olivia", "clets", stdout=StringIO())
        page = self.login(self.olivia).get(f"/alerts/{alert.pk}/")
        self.assertContains(page, "V123456789")
        self.assertContains(page, "DOE, JOHN")

    def post(self, **data: str) -> object:
        return self.login(self.olivia).post(f"/alerts/{self.alert.pk}/", data)

    @pytest.mark.requirement("R38")
    def test_it_refuses_an_unverified_enforcement_action_without_a_reason(self) -> None:
        self.post(step="claim")
        self.post(step="dispose", disposition="confirmed", enforcement="stop")
        self.alert.refresh_from_db()
        self.assertEqual(self.alert.status, Alert.Status.CLAIMED)
        self.assertFalse(
            AccessRecord.objects.filter(action=Action.ALERT_DISPOSED).exists()
        )

    @pytest.mark.requirement("R38")
    def test_it_flags_an_unverified_enforcement_action_with_a_reason(self) -> None:
        self.post(
            step="dispose",
            disposition="confirmed",
            enforcement="stop",
            unverified_reason="driver fled toward a school",
        )
        self.alert.refresh_from_db()
        self.assertTrue(self.alert.flagged_for_review)
        self.assertEqual(self.alert.status, Alert.Status.CLOSED)
        disposed = AccessRecord.objects.get(action=Action.ALERT_DISPOSED)
        self.assertEqual(
            disposed.reason, "acted before verification: driver fled toward a school"
        )
        self.assertTrue(disposed.criteria["flagged_for_review"])

    @pytest.mark.requirement("R38")
    def test_it_accepts_a_verified_enforcement_action_unflagged(self) -> None:
        self.post(
            step="verify", visual_match="yes", clets_result="record active, stolen"
        )
        self.post(
            step="dispose",
            disposition="confirmed",
            enforcement="tow",
            result="vehicle_recovered",
        )
        self.alert.refresh_from_db()
        self.assertEqual(
            (self.alert.flagged_for_review, self.alert.result, self.alert.verified),
            (False, "vehicle_recovered", True),
        )
        self.assertIsNotNone(self.alert.clets_checked_at)
        actions_recorded = list(
            AccessRecord.objects.filter(criteria__alert=self.alert.pk)
            .order_by("id")
            .values_list("action", flat=True)
        )
        self.assertEqual(
            actions_recorded, [Action.ALERT_VERIFIED, Action.ALERT_DISPOSED]
        )

    def test_it_keeps_a_claimed_alert_to_its_claimant(self) -> None:
        alerts.claim(self.alert, self.olivia)
        with self.assertRaisesMessage(alerts.Refused, "already claimed by olivia"):
            alerts.claim(self.alert, self.dave)
        self.alert.refresh_from_db()
        self.assertEqual(self.alert.claimed_by, self.olivia)


class AccuracyTestCase(HotListWorld, BaseTestCase):
    def test_it_counts_misread_dispositions_per_camera(self) -> None:
        self.make_lists()
        self.entry(self.svs, "7ABC123")
        self.entry(self.svs, "8XYZ999")
        self.post_read("7ABC123")
        self.post_read("8XYZ999")
        first, second = Alert.objects.order_by("id")
        alerts.dispose(first, self.olivia, disposition="misread")
        alerts.dispose(second, self.olivia, disposition="confirmed")
        page = self.login(self.alice).get("/cameras/")
        self.assertContains(page, "50% <small>(1 of 2)</small>")


class MisreadCorrectionTestCase(HotListWorld, BaseTestCase):
    @pytest.mark.requirement("R40")
    def test_it_corrects_a_misread_keeping_the_original_and_counts_it(self) -> None:
        self.make_lists()
        self.entry(self.svs, "7A8C123")
        self.post_read("7A8C123")
        alert = Alert.objects.get()
        self.login(self.olivia).post(
            f"/alerts/{alert.pk}/",
            {
                "step": "dispose",
                "disposition": "misread",
                "corrected_plate": "7abc 123",
                "corrected_state": "ca",
            },
        )
        read = PlateRead.objects.select_related("plate").get(pk=alert.hit.read_id)
        self.assertEqual(
            (read.plate_text, read.plate.plate, read.state),
            ("7ABC123", "7ABC123", "CA"),
        )
        history = ReadCorrection.objects.get(read_id=read.pk)
        self.assertEqual(
            (history.plate_before, history.corrected_by), ("7A8C123", "olivia")
        )
        corrected = AccessRecord.objects.get(action=Action.READ_CORRECTED)
        self.assertEqual(
            (
                corrected.criteria["before"],
                corrected.criteria["after"],
                corrected.actor_username,
            ),
            ("7A8C123", "7ABC123", "olivia"),
        )
        self.assertContains(
            self.login(self.olivia).get(f"/alerts/{alert.pk}/"), "read as 7A8C123"
        )
        self.assertContains(
            self.login(self.alice).get("/cameras/"), "100% <small>(1 of 1)</small>"
        )

    def test_it_refuses_a_correction_with_another_disposition(self) -> None:
        self.make_lists()
        self.entry(self.svs, "7A8C123")
        self.post_read("7A8C123")
        alert = Alert.objects.get()
        with self.assertRaisesMessage(alerts.Refused, "misread"):
            alerts.dispose(
                alert, self.olivia, disposition="confirmed", corrected_plate="7ABC123"
            )
        self.assertFalse(ReadCorrection.objects.exists())


class AuditOutageTestCase(HotListWorld, BaseTestCase):
    @pytest.mark.requirement("R18")
    def test_it_still_alerts_but_keeps_the_details_closed_while_the_log_is_down(
        self,
    ) -> None:
        from platekeeper.audit import outage
        from platekeeper.test import block_audit_writes

        outage.reset()
        self.make_lists()
        self.entry(self.svs, "7ABC123")
        officer = self.login(self.olivia)
        block_audit_writes()
        self.post_read("7ABC123")  # officer safety first: the alert is made
        alert = Alert.objects.get()
        self.assertContains(officer.get("/alerts/"), "7ABC123")
        opened = officer.get(f"/alerts/{alert.pk}/")
        self.assertEqual(opened.status_code, 503)
        self.assertNotContains(opened, "Stolen vehicles", status_code=503)
