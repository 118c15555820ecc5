"""Integration fixtures beyond tests/conftest.py: a local Bot API server for the tests whose
core code sends to Telegram (reminders, waitlist offers, approval copies)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.local_api import LocalBotApi
from scheduler.notifier import Notifier
from tests.support.reminders import make_notifier


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    """A local Bot API server on 127.0.0.1 (bot ``musicbot_test_bot``), started for one test."""
    server = LocalBotApi()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def notifier(api: LocalBotApi) -> AsyncIterator[Notifier]:
    """A notifier on ``api``, unpaced, with a 10 ms backoff (tests.support.reminders)."""
    bot, notifier = make_notifier(api)
    async with bot:
        yield notifier
