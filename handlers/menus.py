"""The command menu each user sees, fitted to their roles (parent, teacher, admin).

At start-up :func:`set_all_menus` runs in the background (polling does not wait for it) and
sets only the menus that changed since they were last set (:mod:`core.menus` remembers a
digest per account), so a restart with ten thousand linked accounts costs a few calls.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from core.directory import Role
from core.menus import DEFAULT_MENU, CommandMenus

logger = logging.getLogger(__name__)

PARENT_COMMANDS = (
    ("book", "Book an individual lesson slot"),
    ("mybookings", "See, move or cancel your bookings"),
    ("calendar", "Your family's week"),
)
TEACHER_COMMANDS = (
    ("lessons", "Your lessons"),
    ("bookings", "Bookings of a lesson: /bookings LESSON [week]"),
    ("stats", "Stats of your lesson: /stats LESSON"),
    ("calendar", "Your week"),
    ("agenda", "Evening agenda of the next day: /agenda off|on"),
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
BATCH = 100  # menus remembered per transaction while setting them
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


def menu_digest(menu: Iterable[BotCommand]) -> str:
    """A short fingerprint of a menu: equal menus, equal digests."""
    pairs = [(c.command, c.description) for c in menu]
    return hashlib.sha256(json.dumps(pairs).encode()).hexdigest()


async def set_menu(
    bot: Bot, telegram_id: int, roles: Iterable[Role], ledger: CommandMenus | None = None
) -> None:
    """Set one account's menu (and remember it in ``ledger``); a failure is logged, never fatal."""
    menu = commands_for(roles)
    try:
        await bot.set_my_commands(menu, scope=BotCommandScopeChat(chat_id=telegram_id))
    except TelegramError as exc:
        logger.warning("could not set the command menu of %s: %s", telegram_id, exc)
        return
    if ledger is not None:
        await ledger.record(bot.id, {telegram_id: menu_digest(menu)})


async def set_all_menus(bot: Bot, accounts: dict[int, set[Role]], ledger: CommandMenus) -> int:
    """The default menu and each account's, where they differ from what was last set; how
    many were set."""
    menus = {telegram_id: commands_for(roles) for telegram_id, roles in accounts.items()}
    menus[DEFAULT_MENU] = commands_for(())
    stale = await ledger.stale(bot.id, {tid: menu_digest(menu) for tid, menu in menus.items()})
    done: dict[int, str] = {}
    for telegram_id, digest in stale.items():
        scope = (
            BotCommandScopeDefault()
            if telegram_id == DEFAULT_MENU
            else BotCommandScopeChat(chat_id=telegram_id)
        )
        try:
            await bot.set_my_commands(menus[telegram_id], scope=scope)
        except TelegramError as exc:
            logger.warning("could not set the command menu of %s: %s", telegram_id, exc)
            continue
        done[telegram_id] = digest
        if len(done) >= BATCH:
            await ledger.record(bot.id, done)
            done = {}
    await ledger.record(bot.id, done)
    logger.info("command menus: %s of %s changed and set", len(stale), len(menus))
    return len(stale)
