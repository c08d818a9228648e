"""The terminals page: the administrator registers a browser as a terminal."""

from __future__ import annotations

from django.test import Client

from platekeeper.accounts import terminals
from platekeeper.accounts.models import Terminal
from platekeeper.audit.models import AccessRecord, Action
from platekeeper.test import BaseTestCase


class TerminalsPageTestCase(BaseTestCase):
    def test_it_registers_this_browser_as_a_terminal(self) -> None:
        browser = self.login(self.alice)
        response = browser.post(
            "/terminals/", {"name": "Unit 12 MDT", "kind": "mobile_data_terminal"}
        )
        self.assertContains(response, "This browser is now terminal")
        terminal = Terminal.objects.get()
        self.assertEqual(
            (terminal.agency, terminal.kind, terminal.registered_by),
            (self.hawthorne, "mobile_data_terminal", "alice"),
        )
        token = response.cookies[terminals.COOKIE]
        self.assertTrue(token["httponly"])
        self.assertNotEqual(terminal.token_hash, token.value)  # only its hash is kept
        self.assertContains(browser.get("/terminals/"), "This browser is terminal")
        registered = AccessRecord.objects.get(action=Action.TERMINAL_REGISTERED)
        self.assertEqual(registered.criteria["terminal"], "Unit 12 MDT")

    def test_it_refuses_an_unknown_kind(self) -> None:
        response = self.login(self.alice).post(
            "/terminals/", {"name": "X", "kind": "toaster"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Terminal.objects.exists())

    def test_it_refuses_and_records_a_user_who_does_not_manage_accounts(self) -> None:
        response = self.login(self.olivia).post(
            "/terminals/", {"name": "Mine", "kind": "mobile_data_terminal"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Terminal.objects.exists())
        refused = AccessRecord.objects.get(action=Action.PRIVILEGED_REFUSED)
        self.assertEqual(refused.actor_username, "olivia")

    def test_it_needs_sign_in(self) -> None:
        self.assertEqual(Client().get("/terminals/").status_code, 302)
