"""Tell a family's parents in chat of a change an admin made to their booking.

A parent who blocked the bot is recorded as unreachable (``Directory.set_blocked``), so the
dashboard can mark the family; any other send failure is logged and skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError

from core.calendar.ics import booking_ics
from core.calendar.service import booking_event
from core.i18n import use_language
from core.services import Services
from core.views import BookingView

logger = logging.getLogger(__name__)


def booking_file(booking: BookingView, services: Services) -> tuple[str, bytes]:
    """The booking's .ics (a cancelled booking goes out as METHOD:CANCEL), with its file name."""
    data = booking_ics(booking_event(booking), booking.timezone, now=services.clock.now())
    return f"booking-{booking.id}.ics", data


async def tell_family(
    bot: Bot,
    services: Services,
    school_id: int,
    family_id: int,
    text: str | Callable[[], str],
    document: tuple[str, bytes] | Callable[[], tuple[str, bytes]] | None = None,
) -> int:
    """Send ``text`` (HTML) and the optional file to every reachable parent; how many got it.
    Given as functions, both are built for each parent in their language (core.languages)."""
    told = 0
    parents = await services.directory.parent_chat_ids(school_id, family_id)
    languages = await services.languages.of_accounts(school_id, [chat for _, chat in parents])
    for parent_id, chat_id in parents:
        with use_language(languages.get(chat_id)):
            message = text() if callable(text) else text
            attached = document() if callable(document) else document
        try:
            await bot.send_message(chat_id, message, parse_mode=ParseMode.HTML)
            if attached is not None:
                filename, data = attached
                await bot.send_document(chat_id, document=data, filename=filename)
            told += 1
        except Forbidden:
            logger.info("parent %s of school %s blocked the bot", parent_id, school_id)
            await services.directory.set_blocked(chat_id, services.clock.now())
        except TelegramError as exc:
            logger.warning("could not tell parent %s of school %s: %s", parent_id, school_id, exc)
    logger.info("family %s of school %s told of a change: %s parents", family_id, school_id, told)
    return told
