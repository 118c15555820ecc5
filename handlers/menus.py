"""The command menu each user sees, fitted to their roles (parent, teacher, admin).

At start-up :func:`set_all_menus` runs in the background (polling does not wait for it) and
sets only the menus that changed since they were last set (:mod:`core.menus` remembers a
digest per account), so a restart with ten thousand linked accounts costs a few calls.
Each account's menu is set once per language (``language_code``; Telegram shows the one of
the client's language) and once without a language code, in the account's own language.
When PUBLIC_URL is https, the chat's menu button opens the Mini App: one per chat (Telegram
gives menu buttons no language code), labelled in the account's language, set with the
commands and remembered in the same digest.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    MenuButtonWebApp,
    WebAppInfo,
)
from telegram.error import TelegramError

from core.i18n import LANGUAGES, N_, pick_language, use_language
from core.i18n import gettext as _
from core.identities import Role
from core.menus import DEFAULT_MENU, CommandMenus

logger = logging.getLogger(__name__)

PARENT_COMMANDS = (
    ("book", N_("Book an individual lesson slot")),
    ("mybookings", N_("See, move or cancel your bookings")),
    ("calendar", N_("Your family's week")),
)
TEACHER_COMMANDS = (
    ("lessons", N_("Your lessons")),
    ("bookings", N_("Bookings of a lesson: /bookings LESSON [week]")),
    ("stats", N_("Stats of your lesson: /stats LESSON")),
    ("calendar", N_("Your week")),
    ("agenda", N_("Evening agenda of the next day: /agenda off|on")),
)
ADMIN_COMMANDS = (
    ("admin", N_("Dashboard of hybrid lessons")),
    ("lessons", N_("Hybrid lessons, open or closed")),
    ("stats", N_("Stats of a lesson: /stats LESSON")),
    ("bookings", N_("Bookings: /bookings LESSON [week]")),
    ("open", N_("Open bookings: /open LESSON")),
    ("close", N_("Close bookings: /close LESSON")),
    ("remind", N_("Remind families who have not booked: /remind LESSON")),
    ("invite", N_("Invite links of a family: /invite FAMILY")),
    ("calendar", N_("The school's week")),
)
BATCH = 100  # menus remembered per transaction while setting them
ALWAYS = (
    ("help", N_("What I can do")),
    ("language", N_("Choose the language I speak")),
    ("cancel", N_("Leave the current step")),
)
STRANGER = (("start", N_("Start, or link your account with an invite")), *ALWAYS)
# the label of the chat's menu button that opens the Mini App (when PUBLIC_URL is https)
MENU_BUTTON = N_("School")
# (chosen with /language, the school's, the client's last reported code): an account's
# languages as its menus need them
MenuLanguages = tuple[str | None, str | None, str | None]
NO_LANGUAGES: MenuLanguages = (None, None, None)


@dataclass(frozen=True)
class Menus:
    """One account's menus: command menus by ``language_code`` Telegram matches against the
    client's ("" for a client whose language has no menu), and the Mini App's menu button
    (label, URL) when there is one. A chat has one menu button, with no language code: its
    label is in the account's own language."""

    commands: dict[str, list[BotCommand]]
    button: tuple[str, str] | None = None


def commands_for(roles: Iterable[Role]) -> list[BotCommand]:
    """The menu for a set of roles, in the current language: parent first, then teacher, then
    admin; no duplicates."""
    roles = set(roles)
    chosen: list[tuple[str, str]] = []
    if Role.ADMIN in roles:
        chosen += ADMIN_COMMANDS
    if Role.TEACHER in roles:
        chosen += TEACHER_COMMANDS
    if Role.PARENT in roles:
        chosen = list(PARENT_COMMANDS) + chosen
    if not chosen:
        return [BotCommand(c, _(d)) for c, d in STRANGER]
    seen: set[str] = set()
    menu: list[BotCommand] = []
    for command, description in (*chosen, *ALWAYS):
        if command not in seen:
            seen.add(command)
            menu.append(BotCommand(command, _(description)))
    return menu


def menus_for(
    roles: Iterable[Role], languages: MenuLanguages = NO_LANGUAGES, miniapp: str | None = None
) -> Menus:
    """An account's menus, one per ``language_code`` Telegram matches against the client's
    (and "" for any other client): in the language chosen with /language when there is
    one, else in the client's own; "" in the school's language, else English. With
    ``miniapp`` (the Mini App's URL), the menu button too, in the account's language."""
    roles = set(roles)
    chosen, school, client = languages
    commands: dict[str, list[BotCommand]] = {}
    for code in ("", *LANGUAGES):
        with use_language(pick_language(chosen, code or school)):
            commands[code] = commands_for(roles)
    if miniapp is None:
        return Menus(commands)
    with use_language(pick_language(chosen, client, school)):
        return Menus(commands, (_(MENU_BUTTON), miniapp))


def menu_digest(menu: Iterable[BotCommand] | Menus) -> str:
    """A short fingerprint of a menu (or of an account's menus): equal menus, equal digests.
    Without a menu button an account's digest is the one its command menus always had."""
    pairs: object
    if isinstance(menu, Menus):
        pairs = {code: [(c.command, c.description) for c in m] for code, m in menu.commands.items()}
        if menu.button is not None:
            pairs = {"commands": pairs, "button": list(menu.button)}
    else:
        pairs = [(c.command, c.description) for c in menu]
    return hashlib.sha256(json.dumps(pairs, sort_keys=True).encode()).hexdigest()


async def _set_menus(bot: Bot, chat_id: int | None, menus: Menus) -> None:
    scope = BotCommandScopeDefault() if chat_id is None else BotCommandScopeChat(chat_id=chat_id)
    for code, menu in menus.commands.items():
        await bot.set_my_commands(menu, scope=scope, language_code=code or None)
    if menus.button is not None:
        label, url = menus.button
        await bot.set_chat_menu_button(
            chat_id=chat_id, menu_button=MenuButtonWebApp(text=label, web_app=WebAppInfo(url))
        )


async def set_menu(
    bot: Bot,
    telegram_id: int,
    roles: Iterable[Role],
    ledger: CommandMenus | None = None,
    *,
    chosen: str | None = None,
    school: str | None = None,
    client: str | None = None,
    miniapp: str | None = None,
) -> None:
    """Set one account's menus (and remember them in ``ledger``); a failure is logged, never
    fatal. ``chosen``: the language picked with /language; ``school``: the school's;
    ``client``: the client's ``language_code``; ``miniapp``: the Mini App's URL, if any."""
    menus = menus_for(roles, (chosen, school, client), miniapp)
    try:
        await _set_menus(bot, telegram_id, menus)
    except TelegramError as exc:
        logger.warning("could not set the command menu of %s: %s", telegram_id, exc)
        return
    if ledger is not None:
        await ledger.record(bot.id, {telegram_id: menu_digest(menus)})


async def set_all_menus(
    bot: Bot,
    accounts: dict[int, set[Role]],
    ledger: CommandMenus,
    languages: Mapping[int, MenuLanguages] | None = None,
    miniapp: str | None = None,
) -> int:
    """The default menus and each account's (with ``miniapp``, the Mini App's URL, the menu
    button too), where they differ from what was last set; how many accounts' were set
    (each account has a menu per language)."""
    languages = languages or {}
    menus = {
        telegram_id: menus_for(roles, languages.get(telegram_id, NO_LANGUAGES), miniapp)
        for telegram_id, roles in accounts.items()
    }
    menus[DEFAULT_MENU] = menus_for((), NO_LANGUAGES, miniapp)
    stale = await ledger.stale(bot.id, {tid: menu_digest(m) for tid, m in menus.items()})
    done: dict[int, str] = {}
    for telegram_id, digest in stale.items():
        chat_id = None if telegram_id == DEFAULT_MENU else telegram_id
        try:
            await _set_menus(bot, chat_id, menus[telegram_id])
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
