"""The pages work under the Content-Security-Policy, and every POST form carries CSRF.

* every template is free of inline script, inline event handlers, ``javascript:`` URLs
  and inline styles (the policy allows scripts and styles from our own files only);
* a walk over the pages each role (and the anonymous public) reaches from its home page
  finds no POST form without its CSRF token;
* in Chromium (browser test, PostgreSQL pass) the main pages raise no CSP violation.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client

import zhengfa
from tests.api.conftest import PASSWORD, World
from tests.browser import shot, sign_in
from zhengfa.org.roles import Role

TEMPLATES = sorted(Path(zhengfa.__file__).parent.glob("**/templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>")
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[^>]*\sstyle\s*=", re.IGNORECASE)
SKIPPED = ("/logout/", "/i18n/", "/static/", "/media/", "/admin/", "/api/")
PAGES_PER_CALLER = 80


def test_templates_were_found() -> None:
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p).split("/src/")[-1])
def test_template_has_no_inline_script_handler_or_style(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to the app's static folder"
    assert not EVENT_HANDLER.search(text), "inline on*= handler: bind it in a static script"
    assert "javascript:" not in text.lower()
    assert not INLINE_STYLE.search(text), "inline style: move it to a static stylesheet"


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        elif tag == "form":
            self.forms.append({"method": values.get("method", "get").lower(), "inputs": set()})
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"].add(values.get("name", ""))


def _internal(href: str) -> str | None:
    path = urldefrag(href)[0]
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return None if parts.path.startswith(SKIPPED) else path


def _walk(client: Client, start: str) -> tuple[int, list[str]]:
    """Pages visited and the pages holding a POST form without a CSRF token."""
    seen, queue, missing, forms = {start}, deque([start]), [], 0
    while queue and len(seen) <= PAGES_PER_CALLER:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = _PageParser()
        page.feed(response.content.decode())
        for form in page.forms:
            if form["method"] == "post":
                forms += 1
                if "csrfmiddlewaretoken" not in form["inputs"]:
                    missing.append(path)
        for link in filter(None, map(_internal, page.links)):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return forms, missing


@pytest.mark.django_db
def test_every_post_form_on_every_reachable_page_carries_csrf(world: World) -> None:
    total = 0
    for role in [None, *Role.values]:
        start = "/portal/" if role is None else "/"
        forms, missing = _walk(world.client_for(role), start)
        assert not missing, f"{role}: POST forms without csrf token on {missing}"
        total += forms
    assert total > 5  # the walk really met forms (sign-out, portal intake, …)


MAIN_PAGES = [
    "/",
    "/map/",
    "/flow/",
    "/portal/",
    "/disputes/",
    "/courts/",
    "/hazards/",
    "/hazards/map/",
    "/insight/map/",
    "/api/v1/docs",
]


def _csp_messages(page: Any) -> list[str]:
    messages: list[str] = []
    page.on(
        "console",
        lambda msg: messages.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return messages


@pytest.mark.browser
def test_main_pages_raise_no_csp_violation(live_server: Any, world: World, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    violations = _csp_messages(page)
    first = page.goto(f"{live_server.url}/login/")
    assert "script-src 'self'" in first.headers["content-security-policy"]
    sign_in(page, live_server.url, Role.COMMISSION, PASSWORD)
    for path in MAIN_PAGES:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert not violations, f"{path}: {violations}"
    shot(page, "hardening-csp-api-docs")
    # The control: an injected inline script is refused, and the refusal is seen.
    page.goto(f"{live_server.url}/")
    with page.expect_console_message(lambda msg: "Content Security Policy" in msg.text):
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.injected = 1'; document.body.appendChild(s); }"
        )
    assert page.evaluate("() => window.injected") is None
    assert violations
