"""Immigration words hold a search for a supervisor (R32, SB 54)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from platekeeper.audit.models import AccessRecord, Action
from platekeeper.search.models import SearchHold
from platekeeper.test import BaseTestCase


class HoldTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_read("7ABC123")
        # Carla is the Administrative Division Commander: she reviews held searches
        self.carla = self.person(
            "carla", self.hawthorne, "Administrative Division Commander"
        )

    def search(self, case_number: str, justification: str = "") -> Any:
        return self.login(self.dave).post(
            "/search/",
            {
                "plate": "7ABC123",
                "purpose": "criminal_investigation",
                "case_number": case_number,
                "justification": justification,
            },
        )

    @pytest.mark.requirement("R32")
    def test_it_holds_a_search_whose_purpose_mentions_immigration_enforcement(
        self,
    ) -> None:
        response = self.search("ICE case 24-113")
        self.assertContains(response, "Held and recorded", status_code=403)
        self.assertNotContains(response, 'table class="reads"', status_code=403)
        [record] = self.access_records(action=Action.SEARCH)
        self.assertEqual(
            (record.outcome, record.criteria["flag"]), ("denied", "immigration")
        )
        self.assertIn("held for supervisor review", record.reason)
        self.assertEqual(SearchHold.objects.get().words, "ICE")

    @pytest.mark.requirement("R32")
    def test_it_lets_ordinary_words_through(self) -> None:
        for case, why in (
            ("HPD-1", "police follow-up"),
            ("HPD-2", "office theft"),
            ("HPD-3", "service station robbery"),
            ("HPD-4", "police notice"),
        ):
            with self.subTest(why=why):
                self.assertEqual(self.search(case, why).status_code, 200)
        self.assertFalse(SearchHold.objects.exists())

    @pytest.mark.requirement("R32")
    def test_it_runs_a_released_search_once(self) -> None:
        self.search("HPD-26-9", "suspect known as Ice")
        hold = SearchHold.objects.get()
        page = self.login(self.carla).post(
            "/search/holds/",
            {"hold": hold.pk, "decision": "release", "note": "a nickname"},
        )
        self.assertContains(page, "Released: may run once")
        self.assertEqual(
            self.search("HPD-26-9", "suspect known as Ice").status_code, 200
        )
        self.assertEqual(
            self.search("HPD-26-9", "suspect known as Ice").status_code, 403
        )
        decided = AccessRecord.objects.get(action=Action.SEARCH_HOLD_DECIDED)
        self.assertEqual(
            (decided.actor_username, decided.reason), ("carla", "a nickname")
        )

    def test_it_refuses_the_hold_list_to_a_detective_and_records_it(self) -> None:
        self.assertEqual(self.login(self.dave).get("/search/holds/").status_code, 403)
        self.assertTrue(
            AccessRecord.objects.filter(action=Action.PRIVILEGED_REFUSED).exists()
        )

    def test_it_needs_sign_in(self) -> None:
        self.assertEqual(Client().get("/search/holds/").status_code, 302)
