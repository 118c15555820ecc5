"""Presence: a user who writes to the bot is reachable again, so clear their blocked mark.

Runs first (group -1) for every update. Cheap: each Telegram id is checked against the
database at most once per few minutes (an in-memory cache), and the update is a no-op
unless the parent was marked blocked. The notifier forgets an id when it marks it blocked,
so the very next message from that user clears the mark.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

from handlers.context import services_of

logger = logging.getLogger(__name__)

PRESENCE = "presence"
SEEN_SECONDS = 300.0


class Presence:
    """Telegram ids seen recently (and known not to be marked blocked)."""

    def __init__(
        self,
        ttl: float = SEEN_SECONDS,
        max_size: int = 50_000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_size = max_size
        self._monotonic = monotonic
        self._seen_until: dict[int, float] = {}

    def should_check(self, telegram_id: int) -> bool:
        """True (and remembered) unless this id was checked within the last ``ttl`` seconds."""
        now = self._monotonic()
        if self._seen_until.get(telegram_id, 0.0) > now:
            return False
        if len(self._seen_until) >= self.max_size:
            self._seen_until = {t: u for t, u in self._seen_until.items() if u > now}
            if len(self._seen_until) >= self.max_size:
                self._seen_until.clear()
        self._seen_until[telegram_id] = now + self.ttl
        return True

    def forget(self, telegram_id: int) -> None:
        self._seen_until.pop(telegram_id, None)


def presence_of(application: Application) -> Presence:  # type: ignore[type-arg]
    presence = application.bot_data.get(PRESENCE)
    if presence is None:
        presence = application.bot_data[PRESENCE] = Presence()
    return presence  # type: ignore[no-any-return]


async def note_presence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any update from a user: clear their blocked mark (at most once per few minutes)."""
    user = update.effective_user
    if user is None or user.is_bot:
        return
    presence = presence_of(context.application)
    if not presence.should_check(user.id):
        return
    # in the background: the user's own update need not wait for this bookkeeping
    context.application.create_task(
        _clear_blocked(context, presence, user.id, update.update_id), update=update
    )


async def _clear_blocked(
    context: ContextTypes.DEFAULT_TYPE, presence: Presence, telegram_id: int, update_id: int
) -> None:
    user_id = telegram_id
    try:
        cleared = await services_of(context).directory.set_blocked(user_id, None)
    except Exception:  # never stand in the way of the update itself
        presence.forget(user_id)
        logger.warning("update %s: could not clear blocked mark", update_id, exc_info=True)
        return
    if cleared:
        logger.info("telegram user %s wrote again: reachable (%s parent rows)", user_id, cleared)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add this area's handlers."""
    presence_of(application)
    application.add_handler(TypeHandler(Update, note_presence), group=-1)
