"""End-to-end harness: the real bot Application, long polling a local Bot API server.

`bot_app` runs the real handlers against a fresh database holding the two schools of
`tests.support.factories` (Telegram ids: alpha admin 1001, teacher 1002, parents 1011 (Smith, two
children) and 1012 (Brown); beta admin 2001, teacher 2002, parents 2011 and 2012).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram.ext import Application

from bot.app import start_bot, stop_bot
from bot.local_api import LocalBotApi
from core.clock import FixedClock
from core.services import Services
from tests.support.bots import bot_on
from tests.support.factories import SchoolIds, build_two_schools
from tests.support.handling import track_handling, untrack
from tests.support.terms import Terms, add_terms


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    server = LocalBotApi(bot_username="musicbot_test_bot")
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def schools(sessions) -> tuple[SchoolIds, SchoolIds]:  # type: ignore[no-untyped-def]
    return await build_two_schools(sessions)


@pytest.fixture
async def terms(sessions, schools: tuple[SchoolIds, SchoolIds]) -> Terms:  # type: ignore[no-untyped-def]
    """School alpha over three terms (tests.support.terms)."""
    return await add_terms(sessions, schools)


@pytest.fixture
def services(sessions, clock: FixedClock) -> Services:  # type: ignore[no-untyped-def]
    return Services.build(sessions, clock)


@pytest.fixture
async def bot_app(
    api: LocalBotApi, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    application = bot_on(api, services)
    track_handling(application, api)  # user.send/press wait until the bot finished them
    await start_bot(application, poll_timeout=1)
    try:
        yield application
    finally:
        await stop_bot(application)
        untrack(application)
