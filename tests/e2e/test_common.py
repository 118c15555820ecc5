"""Everyone: help, unknown commands, free text, stale buttons, command menus."""

from __future__ import annotations

from bot.app import menus_set
from bot.local_api import LocalBotApi


async def test_stranger_gets_help_on_how_to_get_an_invite(api: LocalBotApi, bot_app) -> None:
    user = api.user(999)
    message = await user.send("/help")
    assert "invite" in message["text"].lower()


async def test_garbage_button_is_answered_and_a_fresh_menu_sent(api: LocalBotApi, bot_app) -> None:
    user = api.user(1011)
    await user.send("/help")
    await user.press("zz:top:1:2:3", message_id=1)
    assert user.last_callback_answer is not None
    assert "out of date" in user.last_callback_answer["text"]


async def test_menus_fit_roles(api: LocalBotApi, bot_app) -> None:
    await menus_set(bot_app)  # set in the background at start-up
    admin = [c["command"] for c in api.menu_for(1001)]
    parent = [c["command"] for c in api.menu_for(1011)]
    stranger = [c["command"] for c in api.menu_for(4242)]
    assert "admin" in admin and "book" not in admin
    assert "book" in parent and "admin" not in parent
    assert stranger[0] == "start"
