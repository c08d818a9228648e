"""API tokens for integrations: after MFA, one per person, 12 hours, every use recorded."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from platekeeper.accounts.models import ApiToken
from platekeeper.audit.models import AccessRecord, Action
from platekeeper.test import PASSWORD, BaseTestCase

QUERY = {
    "plate": "7ABC123",
    "purpose": "stolen_vehicle",
    "case_number": "HPD-24-0042",
}


class ApiTokenTestCase(BaseTestCase):
    def issue(self, user: Any) -> str:
        page = self.login(user).post("/account/token/")
        found = re.search(r'id="api-token">(pkt_[^<]+)<', page.content.decode())
        assert found, page.content
        return found.group(1)

    def search(self, token: str, body: dict[str, Any] | None = None) -> Any:
        return Client().post(
            "/api/v1/search",
            json.dumps(body or QUERY),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    def test_it_runs_a_search_recorded_under_the_persons_name(self) -> None:
        read = self.make_read("7ABC123")
        response = self.search(self.issue(self.dave))
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual([r["id"] for r in body["reads"]], [read.id])
        [access] = self.access_records(action=Action.SEARCH)
        self.assertEqual(
            (access.actor_username, access.purpose, access.criteria["via"]),
            ("dave", "stolen_vehicle", "api"),
        )
        self.assertEqual(str(access.code), body["access"])

    def test_it_issues_a_token_only_after_the_second_factor(self) -> None:
        browser = Client()
        browser.post("/login/", {"acknowledge": "1"})
        browser.post("/login/", {"username": "dave", "password": PASSWORD})
        response = browser.post("/account/token/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/login/code/", response["Location"])
        self.assertFalse(ApiToken.objects.exists())

    def test_it_keeps_one_token_per_person(self) -> None:
        first = self.issue(self.dave)
        second = self.issue(self.dave)
        self.assertEqual(ApiToken.objects.filter(user=self.dave).count(), 1)
        self.assertEqual(self.search(first).status_code, 401)
        self.assertEqual(self.search(second).status_code, 200)
        self.assertEqual(
            AccessRecord.objects.filter(action=Action.API_TOKEN_ISSUED).count(), 2
        )

    @pytest.mark.requirement("R8")
    def test_it_refuses_a_token_older_than_twelve_hours_and_records_it(self) -> None:
        token = self.issue(self.dave)
        with time_machine.travel(timezone.now() + timedelta(hours=12, minutes=1)):
            response = self.search(token)
        self.assertEqual(response.status_code, 401)
        refused = AccessRecord.objects.get(action=Action.API_TOKEN_REFUSED)
        self.assertEqual((refused.actor_username, refused.outcome), ("dave", "denied"))
        self.assertIn("expired", refused.reason)

    def test_it_refuses_a_disabled_account_s_token(self) -> None:
        token = self.issue(self.dave)
        self.dave.is_active = False
        self.dave.save()
        self.assertEqual(self.search(token).status_code, 401)

    def test_it_refuses_a_request_without_a_token(self) -> None:
        response = Client().post(
            "/api/v1/search", json.dumps(QUERY), content_type="application/json"
        )
        self.assertEqual(response.status_code, 401)
        self.assertIn("Bearer", response["WWW-Authenticate"])

    def test_it_refuses_a_search_without_purpose_and_records_it(self) -> None:
        response = self.search(
            self.issue(self.dave), {"plate": "7ABC123", "case_number": "X"}
        )
        self.assertEqual(response.status_code, 400)
        [denied] = self.access_records(action=Action.SEARCH)
        self.assertEqual((denied.outcome, denied.criteria["via"]), ("denied", "api"))

    def test_it_refuses_an_auditor_and_records_it(self) -> None:
        response = self.search(self.issue(self.uma))
        self.assertEqual(response.status_code, 403)
        [denied] = self.access_records(action=Action.SEARCH)
        self.assertEqual(denied.actor_username, "uma")

    def test_it_shows_another_agency_nothing(self) -> None:
        self.make_read("7ABC123")
        response = self.search(self.issue(self.otto))
        self.assertEqual(response.json()["reads"], [])

    def test_it_refuses_a_body_that_is_not_json(self) -> None:
        response = Client().post(
            "/api/v1/search",
            "plate=7ABC123",
            content_type="text/plain",
            HTTP_AUTHORIZATION=f"Bearer {self.issue(self.dave)}",
        )
        self.assertEqual(response.status_code, 400)

    def test_it_needs_sign_in_for_the_token_page(self) -> None:
        self.assertEqual(Client().get("/account/token/").status_code, 302)
