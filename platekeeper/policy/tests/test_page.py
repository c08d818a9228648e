"""The public policy page is the configuration the system enforces (R20–R22)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from platekeeper.audit.record import Actor
from platekeeper.policy.actions import IncompletePolicy, publish, save_draft
from platekeeper.policy.models import PolicyVersion
from platekeeper.policy.rules import DataClass
from platekeeper.test import BaseTestCase

ACTOR = Actor.system("tests")


class PolicyPageTestCase(BaseTestCase):
    def changed(self, **changes: object) -> dict[str, object]:
        rules = self.policy.parsed.model_dump(mode="json")
        rules.update(changes)
        return rules

    @pytest.mark.requirement("R20")
    def test_it_refuses_to_publish_a_policy_without_element_f(self) -> None:
        statements = {**self.policy.parsed.statements.model_dump(), "accuracy": ""}
        draft = save_draft(self.changed(statements=statements), actor=ACTOR)
        with self.assertRaisesMessage(
            IncompletePolicy, "F (accuracy and error correction)"
        ):
            publish(draft, actor=ACTOR)
        self.assertEqual(PolicyVersion.objects.current(), self.policy)

    @pytest.mark.requirement("R21")
    def test_it_publishes_the_enforced_values_and_keeps_old_versions_as_they_were(
        self,
    ) -> None:
        first = self.client.get("/policy")
        self.assertEqual(first.status_code, 200)  # no sign-in
        self.assertContains(first, "Plate reads and their images</td><td>1 year")
        self.assertContains(first, "Criminal investigation")
        retention = self.policy.parsed.model_dump(mode="json")["retention"]
        retention[DataClass.READS] = {"minimum": timedelta(days=730).total_seconds()}
        purposes = [
            p
            for p in self.policy.parsed.model_dump(mode="json")["purposes"]
            if p["code"] != "suspect_interdiction"
        ]
        newer = publish(
            save_draft(
                self.changed(retention=retention, purposes=purposes), actor=ACTOR
            ),
            actor=ACTOR,
        )
        now = self.client.get("/policy")
        self.assertContains(now, "Plate reads and their images</td><td>2 years")
        self.assertNotContains(now, "Suspect interdiction")
        old = self.client.get(f"/policy/v{self.policy.number}")
        self.assertContains(old, "Plate reads and their images</td><td>1 year")
        self.assertContains(old, "Suspect interdiction")
        self.assertContains(old, "no longer in force")
        self.assertContains(now, f"Version {newer.number}</a>, published")

    @pytest.mark.requirement("R22")
    def test_it_says_the_program_is_not_active_without_the_public_meeting(self) -> None:
        self.assertFalse(self.policy.parsed.program_active)
        self.assertContains(
            self.client.get("/policy"), "the ALPR program is not active"
        )
        meeting = {
            "held_on": date(2026, 3, 10).isoformat(),
            "body": "Hawthorne City Council",
            "agenda_item": "12-B",
        }
        version = publish(
            save_draft(self.changed(public_meeting=meeting), actor=ACTOR), actor=ACTOR
        )
        self.assertTrue(version.parsed.program_active)
        page = self.client.get("/policy")
        self.assertContains(
            page, "Hawthorne City Council, March 10, 2026, agenda item 12-B"
        )
        self.assertNotContains(page, "not active")

    @pytest.mark.requirement("R29")
    def test_it_names_each_profile_and_marks_its_unconfirmed_values(self) -> None:
        from platekeeper.policy.actions import publish_profile
        from platekeeper.policy.profiles import PROFILES, rules_for

        for name in PROFILES:
            with self.subTest(profile=name):
                rules = rules_for(name)
                publish_profile(rules, actor=ACTOR, note=name)
                page = self.client.get("/policy").content.decode()
                self.assertIn(rules.jurisdiction, page)
                for source in rules.sources:
                    self.assertIn(source.citation, page)
                if any(not s.confirmed for s in rules.sources):
                    self.assertIn("to be checked by the agency", page)
        self.assertIn("3 minutes", self.client.get("/policy/v3").content.decode())  # NH

    @pytest.mark.requirement("R21")
    def test_it_changes_the_page_with_each_enforced_value(self) -> None:
        base = self.policy.parsed.model_dump(mode="json")
        designee = {"name": "Lt. Maria Ortiz", "title": "ALPR Administrator"}
        training = [{**base["training"][0], "valid_days": 400}, *base["training"][1:]]
        titles = [
            *base["job_titles"],
            {"title": "Crime Analyst", "capabilities": ["search_full"]},
        ]
        changes = {
            "job_titles": (titles, "Crime Analyst"),
            "training": (training, "valid 400 days"),
            "sharing": (
                {**base["sharing"], "recipient_states": ["CA", "NV"]},
                "in CA, NV",
            ),
            "administrator_designee": (designee, "Lt. Maria Ortiz, ALPR Administrator"),
            "audits": ({**base["audits"], "every_days": 14}, "Audits every 14 days"),
        }
        versions = []
        for field, (value, shown) in changes.items():
            with self.subTest(field=field):
                before = self.client.get("/policy").content.decode()
                self.assertNotIn(shown, before)
                versions.append(
                    publish(
                        save_draft(self.changed(**{field: value}), actor=ACTOR),
                        actor=ACTOR,
                    )
                )
                self.assertIn(shown, self.client.get("/policy").content.decode())
        first = self.client.get(f"/policy/v{self.policy.number}").content.decode()
        for _, shown in changes.values():
            self.assertNotIn(shown, first)
