"""The language of each update, set in one place, and /language, where a user chooses one.

:func:`apply_language` runs first for every update (group -1, before every handler): it
reads the account's language (core.languages: chosen, else the client's, else the school's,
else English) and makes it the current one (core.i18n) for the rest of the update's task; the
same round trip reads the account's chat step, kept for the update's handlers
(core.chat_steps).

Callback data: ``lg:s:<index>`` picks ``core.i18n.LANGUAGES[index]``.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, TypeHandler

from core.i18n import LANGUAGE_NAMES, LANGUAGES, pick_language, set_language
from core.i18n import gettext as _
from core.menus import CommandMenus
from handlers.callbacks import decode, encode, fields_pattern
from handlers.context import Context, bot_data_of, services_of, who
from handlers.menus import set_menu
from handlers.webapp import miniapp_url

logger = logging.getLogger(__name__)

LANGUAGE_GROUP = -1  # before every other handler (they are in group 0)


async def apply_language(update: object, context: Context) -> None:
    """Make the update's user's language the current one for the handlers that follow."""
    if not isinstance(update, Update) or update.effective_user is None:
        set_language(None)
        return
    user = update.effective_user
    services = services_of(context)
    try:  # the account's chat step comes with it, for the handlers that follow
        language = await services.languages.for_bot_update(
            user.id, user.language_code, services.chat_steps
        )
    except Exception as exc:  # the database is down: the client's language, and the handler
        # that follows meets the outage and says so (once)
        services.chat_steps.forget_kept()
        logger.warning("update %s: language of %s not read: %s", update.update_id, user.id, exc)
        language = pick_language(user.language_code)
    set_language(language)


def language_keyboard() -> InlineKeyboardMarkup:
    """One button per language, each in its own words."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(LANGUAGE_NAMES[code], callback_data=encode("lg", "s", index))]
            for index, code in enumerate(LANGUAGES)
        ]
    )


def choose_text() -> str:
    return _("Which language should I speak with you?")


def chosen_text(language: str) -> str:
    return _("From now on I speak {language} with you.").format(language=LANGUAGE_NAMES[language])


async def language_command(update: Update, context: Context) -> None:
    """/language: the languages to choose from."""
    if update.effective_message is None:
        return
    await update.effective_message.reply_text(choose_text(), reply_markup=language_keyboard())


async def language_chosen(update: Update, context: Context) -> None:
    """A language button: remember the choice, answer in it, give the menu in it."""
    query = update.callback_query
    if query is None or update.effective_user is None:
        return
    await query.answer()
    callback = decode(query.data)
    index = callback.arg(0) if callback is not None else -1
    if not 0 <= index < len(LANGUAGES):  # forged: the pattern admits any number
        await query.edit_message_text(choose_text(), reply_markup=language_keyboard())
        return
    telegram_id = update.effective_user.id
    services = services_of(context)
    language = await services.languages.choose(telegram_id, LANGUAGES[index])
    set_language(language)
    logger.info("update %s: %s chose language %s", update.update_id, telegram_id, language)
    await query.edit_message_text(chosen_text(language))
    me = await who(update, context)
    _, school, client = (await services.languages.menu_languages(telegram_id)).get(
        telegram_id, (None, None, None)
    )
    await set_menu(
        context.bot,
        telegram_id,
        {i.role for i in me.identities},
        CommandMenus(services.sessions),
        chosen=language,
        school=school,
        client=client,
        miniapp=miniapp_url(bot_data_of(context).settings),
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(TypeHandler(Update, apply_language), group=LANGUAGE_GROUP)
    application.add_handler(CommandHandler("language", language_command))
    application.add_handler(
        CallbackQueryHandler(language_chosen, pattern=fields_pattern("lg", "s", 1))
    )
