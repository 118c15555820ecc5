"""Start-up sets command menus in the background, and only those that changed (row 12)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import update
from telegram.ext import Application

from bot.app import menus_set, start_bot, stop_bot
from bot.local_api import LocalBotApi
from core.db.models import Teacher
from core.i18n import LANGUAGES
from core.services import Services
from tests.support.bots import bot_on
from tests.support.factories import SchoolIds

ACCOUNTS = 8  # two schools: admin, teacher, two parents each
# each account's menu is set per language_code (en, ru, de) and once without one (issue 15)
PER_ACCOUNT = 1 + len(LANGUAGES)
App = Application[Any, Any, Any, Any, Any, Any]


async def started(api: LocalBotApi, services: Services) -> App:
    application = bot_on(api, services)
    await start_bot(application, poll_timeout=1)
    return application


async def restarted(api: LocalBotApi, services: Services) -> AsyncIterator[App]:
    application = await started(api, services)
    try:
        yield application
    finally:
        await stop_bot(application)


async def test_the_bot_answers_while_menus_are_still_being_set(
    api: LocalBotApi, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    held = api.hold("setMyCommands")  # the Bot API hangs on menus
    application = await started(api, services)
    try:
        answer = await api.user(1011).send("/help")
        assert answer is not None and "/book" in answer["text"]
        assert api.menu_for(1011) == []  # not set yet: polling did not wait for it
        held.set()
        await menus_set(application)
        assert "book" in [c["command"] for c in api.menu_for(1011)]
    finally:
        held.set()
        await stop_bot(application)


async def test_a_restart_sets_only_the_menus_that_changed(
    api: LocalBotApi, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    async for application in restarted(api, services):
        await menus_set(application)
    # each account, and the default menu
    assert api.calls["setMyCommands"] == (ACCOUNTS + 1) * PER_ACCOUNT
    async for application in restarted(api, services):
        await menus_set(application)
    assert api.calls["setMyCommands"] == (ACCOUNTS + 1) * PER_ACCOUNT  # nothing changed
    async with services.sessions() as session:  # Jane Smith also teaches now
        await session.execute(
            update(Teacher).where(Teacher.id == alpha.teacher).values(telegram_id=1011)
        )
        await session.commit()
    async for application in restarted(api, services):
        await menus_set(application)
    # only Jane's menus changed
    assert api.calls["setMyCommands"] == (ACCOUNTS + 1 + 1) * PER_ACCOUNT
    jane = [c["command"] for c in api.menu_for(1011)]
    assert "book" in jane and "lessons" in jane
