from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

from platekeeper.accounts.banner import SYSTEM_USE_NOTICE
from platekeeper.test import PASSWORD, BaseTestCase


class LoginTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.browser = Client(enforce_csrf_checks=False)

    @pytest.mark.requirement("R11")
    def test_it_shows_the_system_use_notice_before_sign_in(self) -> None:
        r = self.browser.get("/login/")
        text = r.content.decode()
        for needle in (
            "restricted",
            "monitored, recorded",
            "Unauthorized use is prohibited",
            "consent",
        ):
            self.assertIn(needle, text)
        self.assertNotIn('name="password"', text)

    @pytest.mark.requirement("R11")
    def test_it_refuses_sign_in_until_the_notice_is_acknowledged(self) -> None:
        r = self.browser.post("/login/", {"username": "dave", "password": PASSWORD})
        self.assertEqual(r.status_code, 403)
        self.assertNotIn("_auth_user_id", self.browser.session)

    @pytest.mark.requirement("R11")
    def test_it_signs_in_after_the_notice(self) -> None:
        r = self.browser.post("/login/", {"acknowledge": "1", "next": "/search/"})
        self.assertEqual(r.status_code, 302)
        self.assertIn(
            'name="password"', self.browser.get(r["Location"]).content.decode()
        )
        r = self.browser.post(
            "/login/", {"username": "dave", "password": PASSWORD, "next": "/search/"}
        )
        self.assertRedirects(r, "/search/", fetch_redirect_response=False)
        self.assertEqual(int(self.browser.session["_auth_user_id"]), self.dave.pk)

    def test_it_refuses_a_wrong_password(self) -> None:
        self.browser.post("/login/", {"acknowledge": "1"})
        r = self.browser.post("/login/", {"username": "dave", "password": "nope"})
        self.assertEqual(r.status_code, 200)
        self.assertNotIn("_auth_user_id", self.browser.session)

    def test_it_does_not_redirect_off_site_after_sign_in(self) -> None:
        self.browser.post("/login/", {"acknowledge": "1"})
        r = self.browser.post(
            "/login/",
            {"username": "dave", "password": PASSWORD, "next": "https://evil.example/"},
        )
        self.assertEqual(r["Location"], "/")

    def test_it_signs_out(self) -> None:
        client = self.login(self.dave)
        client.post("/logout/")
        self.assertRedirects(
            client.get("/search/"),
            "/login/?next=/search/",
            fetch_redirect_response=False,
        )

    @pytest.mark.requirement("R1")
    def test_it_sends_an_anonymous_visitor_to_sign_in(self) -> None:
        r = self.browser.get("/search/")
        self.assertRedirects(r, "/login/?next=/search/", fetch_redirect_response=False)

    @override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]
    )
    def test_it_stores_passwords_as_salted_argon2_hashes(self) -> None:
        user = User.objects.create_user("newbie", password=PASSWORD)
        self.assertTrue(user.password.startswith("argon2$"))
        self.assertNotIn(PASSWORD, user.password)

    def test_it_reads_the_session_user_with_profile_and_agency_at_once(self) -> None:
        from platekeeper.accounts.backends import ProfileBackend

        ori = self.dave.profile.agency.ori
        with self.assertNumQueries(1):
            user = ProfileBackend().get_user(self.dave.pk)
            self.assertEqual(user.profile.agency.ori, ori)
        self.dave.is_active = False
        self.dave.save()
        self.assertIsNone(ProfileBackend().get_user(self.dave.pk))


def test_it_has_four_elements_in_the_notice() -> None:
    assert len(SYSTEM_USE_NOTICE) == 4


class HomeTestCase(BaseTestCase):
    def test_it_starts_each_title_where_its_work_is(self) -> None:
        starts = {
            self.dave: "/search/",
            self.olivia: "/alerts/",
            self.alice: "/cameras/",
            self.uma: "/audit/",
            self.tom: "/search/",  # no ALPR title: the search page says why
        }
        for user, page in starts.items():
            with self.subTest(user=user.username):
                self.assertRedirects(
                    self.login(user).get("/"), page, fetch_redirect_response=False
                )

    def test_it_sends_an_anonymous_visitor_to_sign_in(self) -> None:
        response = Client().get("/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/login/", response["Location"])


class NavigationTestCase(BaseTestCase):
    def test_it_shows_each_title_only_the_pages_it_opens(self) -> None:
        def pages(user: User) -> list[str]:
            return [
                label
                for label, _ in self.login(user)
                .get("/account/password/")
                .context["nav"]
            ]

        self.assertEqual(pages(self.olivia), ["Alerts", "Search", "Read a photo"])
        self.assertEqual(
            pages(self.dave),
            ["Alerts", "Search", "Canvass", "Read a photo", "Legal holds"],
        )
        self.assertEqual(pages(self.alice), ["Alerts", "Cameras", "Terminals"])
        self.assertEqual(pages(self.uma), ["Audit log", "Audits", "Account review"])
        self.assertEqual(pages(self.tom), [])
