"""The webhook acknowledges an update only once it was handled, and a draining process
takes none (issue 10: acknowledged updates must never be lost).

* A 200 means handled: the bot's answer is already out when the webhook answers.
* An update another process holds (a live lease in processed_updates) is refused with 409,
  so Telegram resends it; one whose lease ran out (its process died) is handled here.
* An update already handled is acknowledged and not acted on again.
* Draining (SIGTERM): /healthz 503 with ``"draining": true``, new updates 503, nothing done.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.http.drain import DRAIN
from bot.http.webhook import SECRET_HEADER, bot_id_of
from bot.local_api import LocalBotApi
from core.services import Services
from tests.support.chat import TOKEN
from tests.support.webhook import SECRET, help_update, webhook_process


@pytest.fixture
async def server(
    api: LocalBotApi, services: Services, schools: Any
) -> AsyncIterator[tuple[str, web.Application]]:
    async with webhook_process(api, services) as process:
        yield process


def answers(api: LocalBotApi, chat_id: int) -> int:
    return sum(1 for e in api.history(chat_id) if e.actor == "bot" and e.kind == "send")


async def post(url: str, update: dict[str, Any]) -> int:
    async with aiohttp.ClientSession() as http:
        response = await http.post(f"{url}/telegram", json=update, headers={SECRET_HEADER: SECRET})
        return response.status


async def hold(engine: AsyncEngine, update_id: int, lease: timedelta) -> None:
    """What another process's claim looks like: a row with a lease (in the past: it died)."""
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO processed_updates (bot_id, update_id, received_at, lease_until) "
                "VALUES (:bot, :update, now(), clock_timestamp() + :lease)"
            ),
            {"bot": bot_id_of(TOKEN), "update": update_id, "lease": lease},
        )


async def test_the_answer_is_out_before_the_update_is_acknowledged(
    api: LocalBotApi, server: tuple[str, web.Application], engine: AsyncEngine
) -> None:
    url, _ = server
    assert await post(url, help_update(7001, 1011)) == 200
    assert answers(api, 1011) == 1  # handled before the 200, not merely queued
    async with engine.connect() as conn:
        lease = await conn.scalar(
            text("SELECT lease_until FROM processed_updates WHERE update_id = 7001")
        )
    assert lease is None  # marked handled
    assert await post(url, help_update(7001, 1011)) == 200  # Telegram's resend: dropped
    assert answers(api, 1011) == 1


async def test_an_update_another_process_holds_is_refused_until_its_lease_runs_out(
    api: LocalBotApi, server: tuple[str, web.Application], engine: AsyncEngine
) -> None:
    url, _ = server
    await hold(engine, 7002, timedelta(minutes=5))
    assert await post(url, help_update(7002, 1011)) == 409  # resent later by Telegram
    assert answers(api, 1011) == 0
    await hold(engine, 7003, timedelta(seconds=-1))  # its process died mid-update
    assert await post(url, help_update(7003, 1012)) == 200
    assert answers(api, 1012) == 1


async def test_a_draining_process_takes_no_update_and_tells_the_balancer(
    api: LocalBotApi, server: tuple[str, web.Application]
) -> None:
    url, app = server
    app[DRAIN].start()
    assert await post(url, help_update(7004, 1011)) == 503
    async with aiohttp.ClientSession() as http:
        health = await http.get(f"{url}/healthz")
        assert health.status == 503
        assert await health.json() == {"ok": False, "database": "up", "draining": True}
    assert answers(api, 1011) == 0
