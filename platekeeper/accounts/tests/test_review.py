"""The annual account and privilege review (R6)."""

from __future__ import annotations

import pytest
from django.test import Client

from platekeeper.accounts.models import AccountReview, Profile
from platekeeper.audit.models import AccessRecord, Action
from platekeeper.test import BaseTestCase


class AccountReviewTestCase(BaseTestCase):
    @pytest.mark.requirement("R6")
    def test_it_lists_every_account_and_stores_the_audited_sign_off(self) -> None:
        self.person("nina", self.hawthorne, "Detective", trained=False)
        Profile.objects.filter(user__username="nina").update(approved_at=None)
        browser = self.login(self.uma)
        page = browser.get("/accounts/review/")
        rows = {r["username"]: r for r in page.context["rows"]}
        self.assertEqual(
            set(rows), {"alice", "dave", "olivia", "uma", "tom", "nina"}
        )  # Hawthorne's accounts, not Inglewood's
        self.assertEqual(rows["dave"]["job_title"], "Detective")
        self.assertIn("search_full", rows["dave"]["capabilities"])
        self.assertEqual(rows["dave"]["training"], "current")
        self.assertIn("missing or expired: alpr", rows["nina"]["training"])
        self.assertEqual(rows["nina"]["status"], "pending approval")
        self.assertEqual(rows["tom"]["capabilities"], [])
        self.assertIn("last_login", rows["dave"])
        self.assertIn("approved_by", rows["dave"])
        response = browser.post("/accounts/review/", {"remarks": "Tom: remove"})
        self.assertContains(response, "Signed off")
        review = AccountReview.objects.get()
        self.assertEqual((review.reviewer, review.remarks), (self.uma, "Tom: remove"))
        self.assertEqual(len(review.accounts), 6)
        signed = AccessRecord.objects.get(action=Action.ACCOUNT_REVIEW_SIGNED)
        self.assertEqual(
            (signed.actor_username, signed.result_count, signed.criteria["review"]),
            ("uma", 6, review.pk),
        )

    def test_it_refuses_and_records_a_user_who_does_not_review(self) -> None:
        response = self.login(self.dave).get("/accounts/review/")
        self.assertEqual(response.status_code, 403)
        refused = AccessRecord.objects.get(action=Action.PRIVILEGED_REFUSED)
        self.assertEqual(
            (refused.actor_username, refused.criteria),
            ("dave", {"function": "the account review"}),
        )
        self.assertFalse(AccountReview.objects.exists())

    def test_it_needs_sign_in(self) -> None:
        response = Client().get("/accounts/review/")
        self.assertEqual(response.status_code, 302)
