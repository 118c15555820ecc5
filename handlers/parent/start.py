"""Linking a Telegram account: /start with an invite token, or a welcome."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, CommandHandler

from core.errors import InvalidInvite
from core.i18n import gettext as _
from core.menus import CommandMenus
from handlers.common import help_text
from handlers.context import Context, bot_data_of, services_of, who
from handlers.menus import set_menu
from handlers.parent import texts
from handlers.parent.common import reply
from handlers.webapp import miniapp_url

logger = logging.getLogger(__name__)


async def start_command(update: Update, context: Context) -> None:
    """/start [token]: redeem an invite, or greet a known account, or explain how to join."""
    user = update.effective_user
    if user is None:
        raise RuntimeError("user is None")
    token = context.args[0].strip() if context.args else ""
    if token:
        await _redeem(update, context, token)
        return
    me = await who(update, context)
    if not me.is_known:
        await reply(update, _(texts.STRANGER))
        return
    await reply(update, texts.welcome_back(me.identities[0].name, me.is_parent))


async def _redeem(update: Update, context: Context, token: str) -> None:
    user = update.effective_user
    if user is None:
        raise RuntimeError("user is None")
    try:
        linked = await services_of(context).invites.redeem(token, user.id)
    except InvalidInvite as exc:
        logger.info("update %s: invite refused for %s: %s", update.update_id, user.id, exc.code)
        me = await who(update, context)
        hint = (
            ""
            if not me.is_known
            else "\n\n" + help_text(me.is_parent, me.is_teacher, me.is_admin, True)
        )
        await reply(update, texts.refusal(exc) + hint)
        return
    me = await who(update, context)
    services = services_of(context)
    chosen, school, client = (await services.languages.menu_languages(user.id)).get(
        user.id, (None, None, None)
    )
    await set_menu(
        context.bot,
        user.id,
        {i.role for i in me.identities},
        CommandMenus(services.sessions),
        chosen=chosen,
        school=school,
        client=user.language_code or client,
        miniapp=miniapp_url(bot_data_of(context).settings),
    )
    await reply(update, texts.greeting_linked(linked.parent_name, linked.school_name))


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("start", start_command))
