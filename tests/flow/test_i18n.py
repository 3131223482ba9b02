"""Flow pages in Simplified Chinese by default and in English on request (the app's own
catalogues in src/zhengfa/flow/locale)."""

from __future__ import annotations

from django.test import Client

from tests.flow.conftest import World, open_case


def test_the_workbench_speaks_chinese_first_and_english_on_request(world: World) -> None:
    open_case(world)
    chinese = Client()
    chinese.force_login(world.judge)
    english = Client()
    english.force_login(world.judge)
    english.cookies["django_language"] = "en"
    zh_page = chinese.get("/flow/").content.decode()
    en_page = english.get("/flow/").content.decode()
    assert "我的事项" in zh_page and "My matters" not in zh_page
    assert "My matters" in en_page and "我的事项" not in en_page
    assert "Remaining" in en_page and "剩余" in zh_page
