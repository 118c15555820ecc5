"""A dead database: the bot says so in plain words, and nothing is half-done."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import start_bot, stop_bot
from bot.local_api import LocalBotApi
from core.clock import FixedClock
from core.db.engine import make_engine, make_session_factory
from core.services import Services
from tests.support.bots import bot_on

DEAD = "postgresql+asyncpg://nobody:nothing@127.0.0.1:1/none"


@pytest.fixture
async def bot_without_database(api: LocalBotApi, clock: FixedClock) -> AsyncIterator[Any]:
    engine = make_engine(DEAD, pool_size=1)
    services = Services.build(make_session_factory(engine), clock)
    application = bot_on(api, services)
    await start_bot(application, poll_timeout=1)  # menus fail: logged, the bot still starts
    try:
        yield application
    finally:
        await stop_bot(application)
        await engine.dispose()


async def test_a_parent_is_told_the_system_is_unavailable(
    api: LocalBotApi, bot_without_database: Any
) -> None:
    message = await api.user(1011).send("/book")
    assert "unavailable" in message["text"] and "Nothing was changed" in message["text"]


async def test_a_button_press_is_answered_even_without_a_database(
    api: LocalBotApi, bot_without_database: Any
) -> None:
    user = api.user(1011)
    await user.press("bk:s:1:1:1:4", message_id=1)
    assert user.last_callback_answer is not None  # the button stops spinning
    texts = [m.get("text") or "" for m in api.chat(1011)]
    assert any("unavailable" in text for text in texts)
