"""The local Bot API server as a process of its own, and one poller per bot as in Telegram."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import Bot
from telegram.error import Conflict
from telegram.request import HTTPXRequest

from bot.local_api import LocalBotApi, LocalBotApiClient

TOKEN = "123456:TEST"
CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot "
    "instance is running"
)


@pytest.fixture
async def standalone() -> AsyncIterator[str]:
    """``python -m bot.local_api --port 0`` running; yields its root URL."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.local_api",
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        found = re.search(r"(http://127\.0\.0\.1:\d+)/bot", line)
        assert found, f"unexpected first line {line!r}"
        yield found.group(1)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()


async def test_python_m_bot_local_api_takes_a_document(standalone: str) -> None:
    bot = Bot(TOKEN, base_url=f"{standalone}/bot", base_file_url=f"{standalone}/file/bot")
    async with bot:
        message = await bot.send_document(
            1011, document=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", filename="lesson.ics"
        )
    assert message.document is not None and message.document.file_name == "lesson.ics"
    async with LocalBotApiClient(standalone) as client:
        chat = await client.chat(1011)
        assert await client.file(message.document.file_id) == (
            b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
        )
    [shown] = chat["messages"]
    assert shown["document"]["file_name"] == "lesson.ics"


async def test_a_second_concurrent_get_updates_is_answered_409_conflict() -> None:
    async with LocalBotApi() as server:
        first_bot = Bot(TOKEN, base_url=server.base_url, request=HTTPXRequest(read_timeout=10))
        second_bot = Bot(TOKEN, base_url=server.base_url, request=HTTPXRequest(read_timeout=10))
        async with first_bot, second_bot:
            waiting = asyncio.create_task(first_bot.get_updates(timeout=5))
            await asyncio.sleep(0.3)  # the first poll is waiting in the server
            with pytest.raises(Conflict) as refused:
                await second_bot.get_updates(timeout=5)
            assert str(refused.value) == CONFLICT
            await server.send_text(1011, "hello")
            [update] = await waiting  # the first poller is undisturbed
            assert update.message is not None and update.message.text == "hello"
            # once the first poll has ended, the next one is served
            assert await second_bot.get_updates(offset=update.update_id + 1, timeout=0) == ()


async def test_a_poll_whose_client_went_away_does_not_block_the_next_poller() -> None:
    async with LocalBotApi() as server:
        url = f"{server.base_url}{TOKEN}/getUpdates"
        async with aiohttp.ClientSession() as session:
            abandoned = asyncio.create_task(session.post(url, json={"timeout": 30}))
            await asyncio.sleep(0.3)
            abandoned.cancel()
        await asyncio.sleep(0.2)
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, json={"timeout": 0}) as answer,
        ):
            assert answer.status == 200, await answer.text()
