"""Which command menu each Telegram account was last given, remembered across restarts.

The bot sets a menu per account fitted to its roles. Setting ten thousand of them at every
start-up is slow (one Bot API call each), so what was set is kept as a digest per bot and
account (``telegram_id`` 0 stands for the bot's default menu): a restart asks
:meth:`CommandMenus.stale` which digests differ and sets only those. The digest is written
only after the menu was set, so a failed call is simply tried again next time.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.db.engine import unit_of_work

__all__ = ["DEFAULT_MENU", "CommandMenus"]

DEFAULT_MENU = 0  # the telegram_id under which the bot's default menu is remembered

_READ = text("SELECT telegram_id, digest FROM command_menus WHERE bot_id = :bot_id")
_UPSERT = text(
    """
    INSERT INTO command_menus (bot_id, telegram_id, digest, set_at)
    SELECT :bot_id, t.telegram_id, t.digest, now()
      FROM unnest(CAST(:telegram_ids AS bigint[]), CAST(:digests AS text[]))
           AS t(telegram_id, digest)
    ON CONFLICT (bot_id, telegram_id)
    DO UPDATE SET digest = EXCLUDED.digest, set_at = EXCLUDED.set_at
    """
)


class CommandMenus:
    """The ledger of menus set, per bot (its numeric id) and Telegram account."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def stale(self, bot_id: int, wanted: Mapping[int, str]) -> dict[int, str]:
        """Of ``wanted`` (account -> digest of its menu), those not known to be set so."""
        async with unit_of_work(self.sessions) as session:
            rows = await session.execute(_READ, {"bot_id": bot_id})
            known = {int(telegram_id): str(digest) for telegram_id, digest in rows}
        return {tid: digest for tid, digest in wanted.items() if known.get(tid) != digest}

    async def record(self, bot_id: int, was_set: Mapping[int, str]) -> None:
        """Remember that these accounts now have these menus."""
        if not was_set:
            return
        async with unit_of_work(self.sessions) as session:
            await session.execute(
                _UPSERT,
                {
                    "bot_id": bot_id,
                    "telegram_ids": list(was_set),
                    "digests": list(was_set.values()),
                },
            )
            await session.commit()
