"""Telegram updates acted on once: the first process to record an update's id handles it.

A webhook update Telegram did not see acknowledged comes again, possibly to another process
behind the load balancer. ``first_time`` inserts (bot, update_id) and says whether this was
the first insert; the primary key makes the answer exact across processes. Rows older than
the retention are removed now and then (Telegram gives up resending within a day).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from core.booking import sql as booking_sql
from core.clock import Clock

RETENTION = timedelta(days=2)
PRUNE_EVERY = 1000  # updates between two prunes, per process

RECORD = """
INSERT INTO processed_updates (bot_id, update_id, received_at) VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING
RETURNING update_id
"""
PRUNE = "DELETE FROM processed_updates WHERE received_at < $1"


class ProcessedUpdates:
    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock
        self._since_prune = 0

    async def first_time(self, bot_id: int, update_id: int) -> bool:
        """Record the update; True only for the first delivery of this update id."""
        row = await booking_sql.fetchrow(self.engine, RECORD, bot_id, update_id, self.clock.now())
        self._since_prune += 1
        if self._since_prune >= PRUNE_EVERY:
            self._since_prune = 0
            await self.prune()
        return row is not None

    async def prune(self) -> int:
        status = await booking_sql.execute(self.engine, PRUNE, self.clock.now() - RETENTION)
        return int(status.rsplit(" ", 1)[-1] or 0)
