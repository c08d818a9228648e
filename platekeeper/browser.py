"""Headless Chromium for the browser tests: Debian's build, driven by Playwright."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Without the networking flags Chromium keeps calling home, and on a closed
# network each call fails noisily.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def sign_in(
    page: Page,
    base_url: str,
    username: str,
    password: str,
    code: Callable[[], str] | None = None,
) -> None:
    """Acknowledge the system-use notice and sign in, as a person does; `code`
    gives the authenticator's code when the second factor is asked for."""
    page.goto(base_url + "/login/")
    notice = page.get_by_role("button", name="I understand and agree")
    if notice.count():  # once per session: the session remembers it
        notice.click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if code is not None and "/login/code/" in page.url:
        page.get_by_label("Six-digit code").fill(code())
        page.get_by_role("button", name="Verify").click()
        page.wait_for_load_state()
