"""Wiring of the parent's chat: the steps of /start, /book and /mybookings (its Cancel: cancel),
and stale buttons."""

from __future__ import annotations

from telegram.ext import Application, CallbackQueryHandler

from handlers.parent import book, cancel, mybookings, start, waitlist
from handlers.parent.common import stale_button


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the parent's commands and buttons (anchored patterns, one handler per step)."""
    start.register(application)
    book.register(application)
    mybookings.register(application)
    cancel.register(application)
    waitlist.register(application)
    application.add_handler(CallbackQueryHandler(stale_button, pattern=r"^(bk|my|sc|wl):"))
