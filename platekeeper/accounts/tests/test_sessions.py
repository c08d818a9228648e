"""Session rules (R8): idle lock, 12-hour re-authentication, exempt terminals,
sign-out, role change. The clock moves with time-machine."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from platekeeper.accounts import terminals
from platekeeper.accounts.models import Terminal
from platekeeper.audit.models import AccessRecord, Action
from platekeeper.audit.record import Actor
from platekeeper.test import BaseTestCase


class SessionRulesTestCase(BaseTestCase):
    def at(self, minutes: float) -> time_machine.travel:
        return time_machine.travel(self.start + timedelta(minutes=minutes), tick=False)

    def setUp(self) -> None:
        super().setUp()
        self.start = timezone.now()
        with self.at(0):
            self.browser = self.login(self.dave)

    def signed_in(self) -> bool:
        return self.browser.get("/search/").status_code == 200

    @pytest.mark.requirement("R8")
    def test_it_ends_a_session_idle_for_more_than_thirty_minutes(self) -> None:
        with self.at(29):
            self.assertTrue(self.signed_in())
        with self.at(29 + 31):
            response = self.browser.get("/search/")
        self.assertRedirects(
            response, "/login/?next=/search/", fetch_redirect_response=False
        )
        self.assertNotIn("_auth_user_id", self.browser.session)
        ended = AccessRecord.objects.get(action=Action.SESSION_ENDED)
        self.assertEqual(
            (ended.actor_username, ended.reason),
            ("dave", "Signed out after 30 idle minutes."),
        )

    @pytest.mark.requirement("R8")
    def test_it_makes_every_session_sign_in_again_after_twelve_hours(self) -> None:
        minute = 0
        while minute < 12 * 60:  # busy all day: never idle
            with self.at(minute):
                self.assertTrue(self.signed_in(), f"ended at minute {minute}")
            minute += 20
        with self.at(12 * 60 + 1):
            self.assertFalse(self.signed_in())
        self.assertEqual(
            AccessRecord.objects.get(action=Action.SESSION_ENDED).reason,
            "Sessions sign in again every 12 hours.",
        )

    @pytest.mark.requirement("R8")
    def test_it_rejects_a_session_cookie_after_sign_out(self) -> None:
        cookie = self.browser.cookies["sessionid"].value
        self.browser.post("/logout/")
        self.browser.cookies["sessionid"] = cookie  # replayed from a copy
        self.assertFalse(self.signed_in())

    @pytest.mark.requirement("R8")
    def test_it_makes_a_session_sign_in_again_when_the_role_changes(self) -> None:
        with self.at(1):
            call_command(
                "account", "title", "dave", "Police Officer", stdout=StringIO()
            )
            response = self.browser.get("/search/")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            AccessRecord.objects.get(action=Action.SESSION_ENDED).reason,
            "Your role changed; sign in again.",
        )

    def register(self, kind: str) -> None:
        _, token = terminals.register(
            self.hawthorne, "Unit 12", kind, actor=Actor.of_user(self.alice)
        )
        self.browser.cookies[terminals.COOKIE] = token

    @pytest.mark.requirement("R8")
    def test_it_keeps_an_exempt_terminal_signed_in_while_idle(self) -> None:
        self.register(Terminal.Kind.MOBILE_DATA_TERMINAL)
        with self.at(45):
            self.assertTrue(self.signed_in())
        with self.at(45 + 200):
            self.assertTrue(self.signed_in())
        with self.at(12 * 60 + 1):  # but it signs in again every 12 hours
            self.assertFalse(self.signed_in())

    def test_it_locks_a_terminal_of_a_kind_the_policy_does_not_exempt(self) -> None:
        self.register(Terminal.Kind.DESK)
        with self.at(31):
            self.assertFalse(self.signed_in())

    def test_it_ignores_another_agencys_terminal(self) -> None:
        _, token = terminals.register(
            self.inglewood, "IPD 3", "mobile_data_terminal", actor=Actor.system("t")
        )
        self.browser.cookies[terminals.COOKIE] = token
        with self.at(31):
            self.assertFalse(self.signed_in())
