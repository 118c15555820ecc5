"""The real bot for tests: its Application on a local Bot API server."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.app import build_application
from bot.local_api import LocalBotApi
from core.services import Services
from tests.support.chat import TOKEN


def bot_on(
    api: LocalBotApi, services: Services, **options: Any
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot's Application (not started) on ``api`` with ``TOKEN``, without the rate
    limiter; ``options`` go to ``bot.app.build_application``."""
    return build_application(
        services,
        token=TOKEN,
        base_url=api.base_url,
        base_file_url=api.base_file_url,
        use_rate_limiter=False,
        **options,
    )
