"""A bot process in webhook mode for e2e tests, and the updates Telegram would post to it."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web

from bot.app import start_bot, stop_bot
from bot.http import WebhookRoute, base_url, build_http_app, start_http_server
from bot.local_api import LocalBotApi
from core.services import Services
from tests.support.bots import bot_on

SECRET = "s3cret-s3cret-s3cret"


def help_update(update_id: int, user_id: int) -> dict[str, Any]:
    """A Telegram update: ``user_id`` sends /help in their private chat."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Jane"},
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }


@asynccontextmanager
async def webhook_process(
    api: LocalBotApi, services: Services, **http_options: Any
) -> AsyncIterator[tuple[str, web.Application]]:
    """One bot process in webhook mode (its Application on ``api``, its HTTP server on
    127.0.0.1 taking updates at /telegram signed with ``SECRET``): the server's base URL
    and its aiohttp app. ``http_options`` go to ``build_http_app``."""
    application = bot_on(api, services)
    await start_bot(application, polling=False)
    app = build_http_app(
        services,
        application=application,
        webhook=WebhookRoute("/telegram", SECRET),
        **http_options,
    )
    runner = await start_http_server(app, "127.0.0.1", 0)
    try:
        yield base_url(runner), app
    finally:
        await runner.cleanup()
        await stop_bot(application)
