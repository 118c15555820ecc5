"""The Mini App in chat: with an https PUBLIC_URL the bot sets the menu button and offers a
`web_app` button under /calendar, /admin and /mybookings; without one it says nothing of it.
Each chat's menu button is labelled in that account's language (chosen, else its client's,
else its school's), set at start-up with the command menus and only where it changed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import menus_set, start_bot, stop_bot
from bot.local_api import LocalBotApi
from bot.settings import Settings
from core.db.models import UserLanguage
from core.services import Services
from tests.support.bots import bot_on
from tests.support.miniapp import ADMIN, BROWN, SMITH

PUBLIC = "https://school.example.org"


ACCOUNTS = 8  # two schools: admin, teacher, two parents each


async def started(api: LocalBotApi, services: Services) -> Any:
    settings = Settings(_env_file=None, public_url=PUBLIC)  # type: ignore[call-arg]
    application = bot_on(api, services, settings=settings)
    await start_bot(application, poll_timeout=1)
    return application


@pytest.fixture
async def https_bot(api: LocalBotApi, services: Services, schools: Any) -> AsyncIterator[Any]:
    application = await started(api, services)
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


def button_label(api: LocalBotApi, chat_id: int | None = None) -> str:
    menu = api.menu_button_for(chat_id)
    assert menu["type"] == "web_app" and menu["web_app"]["url"] == f"{PUBLIC}/app/"
    return str(menu["text"])


async def test_each_menu_button_speaks_its_accounts_language(
    api: LocalBotApi, services: Services, schools: Any
) -> None:
    async with services.sessions() as session:
        session.add(UserLanguage(telegram_id=SMITH, chosen="de"))  # chose German
        session.add(UserLanguage(telegram_id=BROWN, client="ru-RU"))  # a Russian client
        await session.commit()
    application = await started(api, services)
    try:
        await menus_set(application)
    finally:
        await stop_bot(application)
    assert button_label(api, SMITH) == "Schule"
    assert button_label(api, BROWN) == "Школа"
    assert button_label(api, ADMIN) == "School"
    assert button_label(api) == "School"  # the default, for strangers
    assert api.calls["setChatMenuButton"] == ACCOUNTS + 1  # each account's, and the default
    application = await started(api, services)  # a restart: nothing changed, nothing is set
    try:
        await menus_set(application)
        assert api.calls["setChatMenuButton"] == ACCOUNTS + 1
        smith = api.user(SMITH)
        await smith.send("/language")
        await smith.press_button("Русский")  # a new choice relabels that chat's button alone
        assert button_label(api, SMITH) == "Школа"
        assert api.calls["setChatMenuButton"] == ACCOUNTS + 2
    finally:
        await stop_bot(application)
    application = await started(api, services)  # remembered: the next start sets nothing
    try:
        await menus_set(application)
        assert api.calls["setChatMenuButton"] == ACCOUNTS + 2
    finally:
        await stop_bot(application)
