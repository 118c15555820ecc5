"""The command menu each user sees, fitted to their roles (parent, teacher, admin)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from core.directory import Role

logger = logging.getLogger(__name__)

PARENT_COMMANDS = (
    ("book", "Book an individual lesson slot"),
    ("mybookings", "See, move or cancel your bookings"),
    ("calendar", "Your family's week"),
)
TEACHER_COMMANDS = (
    ("lessons", "Your lessons"),
    ("bookings", "Bookings of a lesson: /bookings LESSON [week]"),
    ("calendar", "Your week"),
)
ADMIN_COMMANDS = (
    ("admin", "Dashboard of hybrid lessons"),
    ("lessons", "Hybrid lessons, open or closed"),
    ("stats", "Stats of a lesson: /stats LESSON"),
    ("bookings", "Bookings: /bookings LESSON [week]"),
    ("open", "Open bookings: /open LESSON"),
    ("close", "Close bookings: /close LESSON"),
    ("remind", "Remind families who have not booked: /remind LESSON"),
    ("invite", "Invite links of a family: /invite FAMILY"),
    ("calendar", "The school's week"),
)
ALWAYS = (("help", "What I can do"), ("cancel", "Leave the current step"))
STRANGER = (("start", "Start, or link your account with an invite"), *ALWAYS)


def commands_for(roles: Iterable[Role]) -> list[BotCommand]:
    """The menu for a set of roles: parent first, then teacher, then admin; no duplicates."""
    roles = set(roles)
    chosen: list[tuple[str, str]] = []
    if Role.ADMIN in roles:
        chosen += ADMIN_COMMANDS
    if Role.TEACHER in roles:
        chosen += TEACHER_COMMANDS
    if Role.PARENT in roles:
        chosen = list(PARENT_COMMANDS) + chosen
    if not chosen:
        return [BotCommand(c, d) for c, d in STRANGER]
    seen: set[str] = set()
    menu: list[BotCommand] = []
    for command, description in (*chosen, *ALWAYS):
        if command not in seen:
            seen.add(command)
            menu.append(BotCommand(command, description))
    return menu


async def set_menu(bot: Bot, telegram_id: int, roles: Iterable[Role]) -> None:
    """Set one account's menu; a failure is logged, never fatal."""
    try:
        await bot.set_my_commands(
            commands_for(roles), scope=BotCommandScopeChat(chat_id=telegram_id)
        )
    except TelegramError as exc:
        logger.warning("could not set the command menu of %s: %s", telegram_id, exc)


async def set_all_menus(bot: Bot, accounts: dict[int, set[Role]]) -> None:
    try:
        await bot.set_my_commands(commands_for(()), scope=BotCommandScopeDefault())
    except TelegramError as exc:
        logger.warning("could not set the default command menu: %s", exc)
    for telegram_id, roles in accounts.items():
        await set_menu(bot, telegram_id, roles)
