"""The JSON API over real HTTP on 127.0.0.1: the server of `musicbot run`, on the two test
schools of tests.support.factories (alpha: Telegram ids 1001 admin, 1002 teacher, 1011 and
1012 parents; beta: 20xx), with a school API key for each."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.app import start_bot, stop_bot
from bot.http import base_url, build_http_app, start_http_server
from bot.local_api import LocalBotApi
from core.api_keys import ApiKeys
from core.clock import FixedClock
from core.services import Services
from tests.support.api_client import Api
from tests.support.bots import bot_on
from tests.support.chat import TOKEN
from tests.support.factories import SchoolIds, build_two_schools


@pytest.fixture
async def schools(sessions) -> tuple[SchoolIds, SchoolIds]:  # type: ignore[no-untyped-def]
    return await build_two_schools(sessions)


@pytest.fixture
def services(sessions, clock: FixedClock) -> Services:  # type: ignore[no-untyped-def]
    return Services.build(sessions, clock)


@pytest.fixture
async def server(services: Services, schools: Any) -> AsyncIterator[str]:
    """The HTTP server alone (send-reminders answers 503: no bot in this process)."""
    app: web.Application = build_http_app(services, bot_token=TOKEN)
    runner = await start_http_server(app, "127.0.0.1", 0)
    try:
        yield base_url(runner)
    finally:
        await runner.cleanup()


@pytest.fixture
async def bot_api() -> AsyncIterator[LocalBotApi]:
    server = LocalBotApi(bot_username="musicbot_test_bot")
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot_server(bot_api: LocalBotApi, services: Services, schools: Any) -> AsyncIterator[str]:
    """The HTTP server of a whole bot process (the bot on the local Bot API server)."""
    application = bot_on(bot_api, services)
    await start_bot(application, polling=False)
    app = build_http_app(services, bot_token=TOKEN, application=application)
    runner = await start_http_server(app, "127.0.0.1", 0)
    try:
        yield base_url(runner)
    finally:
        await runner.cleanup()
        await stop_bot(application)


async def _client(
    url: str, services: Services, clock: FixedClock, schools: tuple[SchoolIds, SchoolIds]
) -> AsyncIterator[Api]:
    keys = ApiKeys(services.engine, clock)
    alpha, beta = schools
    alpha_key = await keys.create(alpha.school, "website")
    beta_key = await keys.create(beta.school, "website")
    async with aiohttp.ClientSession() as http:
        yield Api(url, http, clock, alpha_key, beta_key)


@pytest.fixture
async def api(
    server: str, services: Services, clock: FixedClock, schools: tuple[SchoolIds, SchoolIds]
) -> AsyncIterator[Api]:
    async for client in _client(server, services, clock, schools):
        yield client


@pytest.fixture
async def bot_process_api(
    bot_server: str, services: Services, clock: FixedClock, schools: tuple[SchoolIds, SchoolIds]
) -> AsyncIterator[Api]:
    async for client in _client(bot_server, services, clock, schools):
        yield client
