"""Telegram handlers: parse an update, call the core, render text and keyboards."""

from __future__ import annotations

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from handlers import agenda, common, language, teacher
from handlers.admin import remind
from handlers.admin import routes as admin
from handlers.approval import chat as approval
from handlers.calendar import view as calendar_view
from handlers.parent import routes as parent


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Wire every handler in one group: the first match wins, so the catch-alls go last.
    Before them all (group -1), the update's language is set (handlers.language)."""
    language.register(application)
    application.add_handler(CommandHandler("help", common.help_command))
    application.add_handler(CommandHandler("cancel", common.cancel_command))
    parent.register(application)
    admin.register(application)
    teacher.register(application)
    agenda.register(application)
    calendar_view.register(application)
    remind.register(application)
    approval.register(application)
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, common.text_message))
    application.add_handler(MessageHandler(filters.COMMAND, common.unknown_command))
    application.add_handler(CallbackQueryHandler(common.stale_button))
    application.add_error_handler(common.error_handler)
