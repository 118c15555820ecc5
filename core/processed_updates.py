"""Telegram updates acted on once, and none lost: a claim with a lease, then the mark.

A webhook update Telegram did not see acknowledged comes again, possibly to another process
behind the load balancer. The webhook acknowledges an update only once it was handled:

1. :meth:`ProcessedUpdates.claim` inserts (bot, update_id) with a lease (``lease_until``,
   database time). ``MINE``: handle it. ``DONE``: it was handled already, acknowledge and
   drop. ``BUSY``: another process holds a live lease: refuse, Telegram resends later.
   A lease that ran out (its process died mid-update) is taken over: ``MINE``.
2. While it is handled, :meth:`renew` extends the lease (a slow update is not taken over).
3. :meth:`done` clears the lease (``lease_until`` NULL: handled), and only then is the
   update acknowledged. :meth:`release` removes a claim whose handling did not happen, so
   the resend is handled at once.

The primary key makes the claim exact across processes. The only duplicate possible is an
update whose process died after acting and before its mark; the only delay, the lease.
Rows older than the retention are removed now and then (Telegram gives up within a day).
"""

from __future__ import annotations

import enum
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from core.clock import Clock
from core.db.driver import Driver

RETENTION = timedelta(days=2)
PRUNE_EVERY = 1000  # updates between two prunes, per process
LEASE = timedelta(seconds=10)  # a claim's life without renewal; renewed every LEASE / 3

CLAIM = """
INSERT INTO processed_updates (bot_id, update_id, received_at, lease_until)
VALUES ($1, $2, $3, clock_timestamp() + $4::interval)
ON CONFLICT (bot_id, update_id) DO UPDATE SET lease_until = EXCLUDED.lease_until
WHERE processed_updates.lease_until < clock_timestamp()
RETURNING update_id
"""
STATE = "SELECT lease_until FROM processed_updates WHERE bot_id = $1 AND update_id = $2"
RENEW = """
UPDATE processed_updates SET lease_until = clock_timestamp() + $3::interval
WHERE bot_id = $1 AND update_id = $2 AND lease_until IS NOT NULL
"""
DONE = "UPDATE processed_updates SET lease_until = NULL WHERE bot_id = $1 AND update_id = $2"
RELEASE = """
DELETE FROM processed_updates WHERE bot_id = $1 AND update_id = $2 AND lease_until IS NOT NULL
"""
PRUNE = "DELETE FROM processed_updates WHERE received_at < $1"  # a lease two days old is dead


class Claim(enum.Enum):
    MINE = "mine"  # handle it, then mark it done
    DONE = "done"  # handled already: acknowledge, drop
    BUSY = "busy"  # another process is handling it now: refuse, it is resent


class ProcessedUpdates:
    def __init__(self, engine: AsyncEngine, clock: Clock, *, lease: timedelta = LEASE) -> None:
        self.engine = engine
        self.clock = clock
        self.lease = lease
        self._since_prune = 0

    async def claim(self, bot_id: int, update_id: int) -> Claim:
        """Claim the update for this process (committed at once)."""
        driver = Driver(self.engine)
        row = await driver.fetchrow(
            CLAIM, bot_id, update_id, self.clock.now(), self.lease, repeatable=False
        )
        self._since_prune += 1
        if self._since_prune >= PRUNE_EVERY:
            self._since_prune = 0
            await self.prune()
        if row is not None:
            return Claim.MINE
        state = await driver.fetchrow(STATE, bot_id, update_id)
        if state is None or state["lease_until"] is None:
            return Claim.DONE  # (a row pruned in between was handled two days ago)
        return Claim.BUSY

    async def first_time(self, bot_id: int, update_id: int) -> bool:
        """Claim and mark at once (no lease kept): True only for the first delivery."""
        if await self.claim(bot_id, update_id) is not Claim.MINE:
            return False
        await self.done(bot_id, update_id)
        return True

    async def renew(self, bot_id: int, update_id: int) -> None:
        await Driver(self.engine).execute(RENEW, bot_id, update_id, self.lease)

    async def done(self, bot_id: int, update_id: int) -> None:
        """Handled: a resend of it is acknowledged and dropped from now on."""
        await Driver(self.engine).execute(DONE, bot_id, update_id)

    async def release(self, bot_id: int, update_id: int) -> None:
        """Not handled after all: the next delivery of it is handled at once."""
        await Driver(self.engine).execute(RELEASE, bot_id, update_id)

    async def prune(self) -> int:
        status = await Driver(self.engine).execute(PRUNE, self.clock.now() - RETENTION)
        return int(status.rsplit(" ", 1)[-1] or 0)
