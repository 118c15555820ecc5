"""The Mini App in chat: with an https PUBLIC_URL the bot sets the menu button and offers a
`web_app` button under /calendar, /admin and /mybookings; without one it says nothing of it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import menus_set, start_bot, stop_bot
from bot.local_api import LocalBotApi
from bot.settings import Settings
from core.services import Services
from tests.e2e.miniapp.conftest import ADMIN, SMITH
from tests.support.bots import bot_on

PUBLIC = "https://school.example.org"


@pytest.fixture
async def https_bot(api: LocalBotApi, services: Services, schools: Any) -> AsyncIterator[Any]:
    settings = Settings(_env_file=None, public_url=PUBLIC)  # type: ignore[call-arg]
    application = bot_on(api, services, settings=settings)
    await start_bot(application, poll_timeout=1)
    try:
        yield application
    finally:
        await stop_bot(application)


def web_app_urls(message: dict[str, Any] | None) -> list[str]:
    rows = ((message or {}).get("reply_markup") or {}).get("inline_keyboard") or []
    return [b["web_app"]["url"] for row in rows for b in row if "web_app" in b]


async def test_https_public_url_offers_the_mini_app(api: LocalBotApi, https_bot: Any) -> None:
    await menus_set(https_bot)  # start-up sets menus and the menu button in the background
    menu = await https_bot.bot.get_chat_menu_button()
    assert menu.type == "web_app" and menu.web_app.url == f"{PUBLIC}/app/"
    admin = api.user(ADMIN)
    await admin.send("/admin")
    assert web_app_urls(admin.last_message) == [f"{PUBLIC}/app/?tab=manage"]
    await admin.send("/calendar")
    assert web_app_urls(admin.last_message) == [f"{PUBLIC}/app/?tab=calendar"]
    parent = api.user(SMITH)
    await parent.send("/mybookings")
    assert web_app_urls(parent.last_message) == [f"{PUBLIC}/app/?tab=book"]


async def test_without_https_nothing_is_said_of_it(api: LocalBotApi, bot_app: Any) -> None:
    await menus_set(bot_app)
    menu = await bot_app.bot.get_chat_menu_button()
    assert menu.type == "commands"
    parent = api.user(SMITH)
    await parent.send("/mybookings")
    assert all(not web_app_urls(m) for m in parent.messages)
    assert not any("as a page" in (m.get("text") or "") for m in parent.messages)
