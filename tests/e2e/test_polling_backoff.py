"""The Bot API refusing connections: polling backs off (no busy loop) and says so once.

Issue 10, row 3: with the Bot API down, PTB's polling retried a ``TimedOut`` at once
(7,767 connects in 5 s, no log line). Now each attempt waits (0.5 s doubling, capped at
30 s): the bound below is the number of ``getUpdates`` attempts in 5 s of outage.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.local_api import LocalBotApi
from bot.polling import BackoffRequest

OUTAGE_SECONDS = 5.0
MAX_ATTEMPTS = 8  # backoff 0.5+1+2+4 s: 4 or 5 attempts in 5 s (the busy loop made thousands)


def polling_request(application) -> BackoffRequest:  # type: ignore[no-untyped-def]
    request = application.bot._request[0]  # PTB keeps (getUpdates request, other) there
    assert isinstance(request, BackoffRequest)
    return request


async def test_polling_backs_off_while_the_bot_api_is_down_and_resumes(
    api: LocalBotApi, bot_app, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.polling")
    request = polling_request(bot_app)
    await api.user(1001).send("/help")  # polling works
    port = api.port
    await api.stop()  # the port now refuses connections
    before = request.attempts
    await asyncio.sleep(OUTAGE_SECONDS)
    attempts = request.attempts - before
    assert 1 <= attempts <= MAX_ATTEMPTS
    assert request.failures >= 1
    again = LocalBotApi(bot_username="musicbot_test_bot", port=port)
    await again.start()
    try:
        # a fresh server numbers updates from 1 again and the bot confirmed update 1 already:
        # a first update it skips, then the one it answers (after its current wait)
        await again.user(1001).send("/start", wait=False)
        reply = await again.user(1001).send("/help", timeout=40)
        assert reply is not None and reply["text"]
    finally:
        await again.stop()
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.polling"]
    assert sum("unreachable" in line for line in lines) == 1  # one line when it starts failing
    assert sum("reachable again" in line for line in lines) == 1  # one when it recovers
