"""Password rules (R10): CJIS IA-5(1)(a) through Django's validators and Argon2."""

from __future__ import annotations

import base64

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponseBase
from django.test import Client, override_settings

from platekeeper.accounts.actions import AccountRefused, create_account
from platekeeper.audit.models import AccessRecord, Action
from platekeeper.audit.record import Actor
from platekeeper.test import PASSWORD, BaseTestCase

# Argon2 as in production; MD5 after it reads the test personas' fast hashes.
ARGON2 = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]


class PasswordRulesTestCase(BaseTestCase):
    def change(self, browser: Client, new: str) -> HttpResponseBase:
        return browser.post(
            "/account/password/",
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )

    @pytest.mark.requirement("R10")
    def test_it_refuses_a_banned_password_with_the_reason(self) -> None:
        response = self.change(self.login(self.dave), "password1")
        self.assertContains(response, "too common", status_code=400)
        self.assertTrue(User.objects.get(pk=self.dave.pk).check_password(PASSWORD))
        with self.assertRaisesMessage(AccountRefused, "too common"):
            create_account(
                "nick",
                "password1",
                agency=self.hawthorne,
                job_title="Detective",
                affiliation="member",
                actor=Actor.of_user(self.alice),
            )

    @pytest.mark.requirement("R10")
    @override_settings(PASSWORD_HASHERS=ARGON2)
    def test_it_accepts_a_short_passphrase_with_spaces_and_stores_a_salted_hash(
        self,
    ) -> None:
        passphrase = "big oak 7"  # nine characters, two of them spaces
        response = self.change(self.login(self.dave), passphrase)
        self.assertContains(response, "Your password was changed")
        stored = User.objects.get(pk=self.dave.pk).password
        algorithm, variant, version, params, salt, digest = stored.split("$")
        self.assertEqual((algorithm, variant), ("argon2", "argon2id"))
        self.assertGreaterEqual(len(base64.b64decode(salt + "==")), 4)  # >= 32 bits
        self.assertNotIn(passphrase, stored)
        self.assertTrue(User.objects.get(pk=self.dave.pk).check_password(passphrase))
        # Never truncated: the passphrase with one more character is another password.
        self.assertFalse(
            User.objects.get(pk=self.dave.pk).check_password(passphrase + "x")
        )
        self.assertEqual(
            AccessRecord.objects.get(action=Action.PASSWORD_CHANGED).actor_username,
            "dave",
        )

    def test_it_needs_the_current_password(self) -> None:
        response = self.login(self.dave).post(
            "/account/password/",
            {
                "old_password": "guess",
                "new_password1": "big oak 7",
                "new_password2": "big oak 7",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(
            AccessRecord.objects.filter(action=Action.PASSWORD_CHANGED).exists()
        )

    def test_it_needs_sign_in(self) -> None:
        response = Client().get("/account/password/")
        self.assertEqual(response.status_code, 302)
