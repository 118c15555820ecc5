"""Steps of a person in the chat, for e2e tests: read the buttons, press one, wait for the screen.

All take the :class:`bot.local_api.UserClient` that ``api.user(telegram_id)`` returns.
``TOKEN`` is the bot token the e2e harness (tests/e2e/conftest.py) runs the bot with.
"""

from __future__ import annotations

from typing import Any

from bot.local_api import BotEvent, UserClient

TOKEN = "123456:TEST-TOKEN"


def edited(event: BotEvent) -> bool:
    """The bot showed a screen: edited the message in place, or sent a new one."""
    return event.kind in ("edit_text", "send")


def sent(event: BotEvent) -> bool:
    """The bot sent a new message (e.g. the .ics file after a booking)."""
    return event.kind == "send"


def shown(event: BotEvent) -> bool:
    """The bot showed something: a new message, or an edited text or caption."""
    return event.kind in ("send", "edit_text", "edit_caption")


def labels(user: UserClient) -> list[str]:
    """The labels of the latest inline keyboard, row by row."""
    return [text for row in user.buttons() for text, _ in row]


def datas(user: UserClient) -> list[str]:
    """The callback data of the latest inline keyboard's buttons."""
    return [data for row in user.buttons() for _, data in row if data]


def _shown(message: dict[str, Any] | None, label: str) -> dict[str, Any]:
    if message is None:
        raise AssertionError(f"pressing {label!r} left no message in the chat")
    return message


async def tap(user: UserClient, label: str, **options: Any) -> dict[str, Any]:
    """Press a button and wait for the screen it leads to."""
    options.setdefault("until", edited)
    return _shown(await user.press_button(label, **options), label)


async def tap_shown(user: UserClient, label: str) -> Any:
    """Press a button and wait for what it shows (a new message, or an edited text or
    caption); None if nothing was shown."""
    return await user.press_button(label, until=shown)


async def confirm(user: UserClient, label: str = "Confirm") -> dict[str, Any]:
    """Press a button that ends with a new message (the .ics file)."""
    return _shown(await user.press_button(label, until=sent), label)


async def pick_week(user: UserClient) -> dict[str, Any]:
    """/book, then Piano Foundations and week 4: the week's free slots."""
    await user.send("/book")
    await tap(user, "Piano Foundations")
    return await tap(user, "Week 4 ·")


async def pick_slot(user: UserClient, slot: str = "Mon 15:00") -> dict[str, Any]:
    """/book, then Piano Foundations, week 4 and ``slot``: the screen asking to confirm."""
    await pick_week(user)
    return await tap(user, slot)


async def open_booking(user: UserClient, label: str = "Mia · Piano") -> dict[str, Any]:
    """/mybookings, then the booking's button ``label``: the booking's card."""
    await user.send("/mybookings")
    return await tap(user, label)


async def press_forged(user: UserClient, data: str) -> str:
    """Press forged callback ``data`` on a fresh message (the bot's answer to /help); every
    text the bot sent from that message on, joined."""
    await user.send("/help")
    before, fresh = len(user.messages), user.last_message
    assert fresh is not None
    await user.press(data, message_id=fresh["message_id"], until=shown)
    return " ".join(m.get("text") or m.get("caption") or "" for m in user.messages[before - 1 :])
