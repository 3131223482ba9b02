"""What the browser tests share: Debian's headless Chromium driven by Playwright (the
``browser`` fixture), signing in through the login page, and screenshots.

Browser tests carry the ``browser`` marker and run once, in the PostgreSQL pass of
``make test``. Screenshots go to var/screenshots/ (not tracked); with
``ZHENGFA_DOCS_SCREENSHOTS=1`` they are written to docs/screenshots/ as well, the pictures
the documentation shows, so that an ordinary test run leaves the checkout clean.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.org.mini_city import PASSWORD

# Debian's package: Playwright's own browser download cannot work here.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE_SCREEN = {"width": 390, "height": 844}
DESKTOP_SCREEN = {"width": 1280, "height": 900}
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "var" / "screenshots"
DOCS_SHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A headless Chromium for one test; the test is skipped where it is not installed."""
    # Playwright's sync API runs an event loop in this thread; the tests' own ORM reads
    # between page steps are still synchronous, so Django's async guard is lifted.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def sign_in(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    """Signs in through the login form and waits for the home page."""
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")


def signed_in(
    browser: Any,
    base: str,
    username: str,
    viewport: dict[str, int] = DESKTOP_SCREEN,
    password: str = PASSWORD,
) -> Any:
    """A new page in Chinese, signed in as ``username`` (the mini city's password unless
    another is given)."""
    page = browser.new_page(viewport=viewport, locale="zh-CN")
    sign_in(page, base, username, password)
    return page


def shot(page: Any, name: str) -> None:
    """A full-page screenshot ``name``.png in var/screenshots/, and in docs/screenshots/
    too when ZHENGFA_DOCS_SCREENSHOTS=1 (docs/ is tracked, so only on request)."""
    image = page.screenshot(full_page=True)
    for folder in _shot_folders():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.png").write_bytes(image)


def _shot_folders() -> list[Path]:
    wanted = os.environ.get("ZHENGFA_DOCS_SCREENSHOTS", "")
    if wanted not in ("", "0", "1"):
        raise ValueError(f"ZHENGFA_DOCS_SCREENSHOTS must be 1 or 0, not {wanted!r}")
    return [SHOTS, DOCS_SHOTS] if wanted == "1" else [SHOTS]
