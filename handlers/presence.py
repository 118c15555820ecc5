"""Presence: a parent who writes to the bot is reachable again, so clear their blocked mark.

The notifier marks a parent blocked when Telegram refuses a message (403). Every update
asks who the user is (``handlers.context.who``: one statement, on every update anyway), and
that answer says whether a parent row of the account is marked blocked; only then is the
mark cleared, in the background, so the user's own update never waits for it. An account
that is not marked costs nothing more.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Update

from core.services import Services

if TYPE_CHECKING:  # handlers.context imports this module
    from handlers.context import Context

logger = logging.getLogger(__name__)

CLEARING = "presence_clearing"  # bot_data: Telegram ids whose mark is being cleared now


def reached_again(update: Update, context: Context, services: Services, telegram_id: int) -> None:
    """The account wrote and is marked blocked: clear the mark in the background (once, however
    many times this update asks who the user is)."""
    clearing: set[int] = context.application.bot_data.setdefault(CLEARING, set())
    if telegram_id in clearing:
        return
    clearing.add(telegram_id)
    context.application.create_task(
        _clear_blocked(services, clearing, telegram_id, update.update_id), update=update
    )


async def _clear_blocked(
    services: Services, clearing: set[int], telegram_id: int, update_id: int
) -> None:
    try:
        cleared = await services.directory.set_blocked(telegram_id, None)
    except Exception:  # never stand in the way of the update itself; the next one retries
        logger.warning("update %s: could not clear blocked mark", update_id, exc_info=True)
        return
    finally:
        clearing.discard(telegram_id)
    if cleared:
        logger.info(
            "telegram user %s wrote again: reachable (%s parent rows)", telegram_id, cleared
        )
