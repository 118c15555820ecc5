"""Webhook mode: Telegram's updates arrive over HTTP, signed with the secret, and are handled."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.app import start_bot, stop_bot
from bot.local_api import LocalBotApi
from bot.webhook import SECRET_HEADER, start_webhook_server
from core.services import Services
from tests.support.bots import bot_on
from tests.support.webhook import SECRET, help_update


@pytest.fixture
async def webhook(api: LocalBotApi, services: Services, schools: Any) -> AsyncIterator[str]:
    application = bot_on(api, services)
    await start_bot(application, polling=False)
    runner: web.AppRunner = await start_webhook_server(
        application, listen="127.0.0.1", port=0, path="/telegram", secret=SECRET
    )
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()
        await stop_bot(application)


async def test_a_signed_update_is_handled_and_answered(api: LocalBotApi, webhook: str) -> None:
    after = api.seq
    async with aiohttp.ClientSession() as http:
        response = await http.post(
            f"{webhook}/telegram", json=help_update(900, 1011), headers={SECRET_HEADER: SECRET}
        )
        assert response.status == 200
    await api.wait_for_bot_activity(1011, after=after, timeout=5)
    texts = [m.get("text", "") for m in api.chat(1011)]
    assert any("/book" in text for text in texts)


async def test_unsigned_or_broken_requests_are_refused(api: LocalBotApi, webhook: str) -> None:
    async with aiohttp.ClientSession() as http:
        unsigned = await http.post(f"{webhook}/telegram", json=help_update(901, 1011))
        wrong = await http.post(
            f"{webhook}/telegram", json=help_update(902, 1011), headers={SECRET_HEADER: "nope"}
        )
        broken = await http.post(
            f"{webhook}/telegram", data=b"not json", headers={SECRET_HEADER: SECRET}
        )
        health = await http.get(f"{webhook}/healthz")
        assert (unsigned.status, wrong.status, broken.status) == (403, 403, 400)
        assert (await health.json())["ok"] is True
    assert api.chat(1011) == []
