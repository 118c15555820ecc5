"""What a chat is in the middle of, kept in the database so that any bot process sees it.

A flow that needs a typed answer (a cancellation reason) records the step it waits for;
the next text message of that Telegram account is then that answer, whichever process it
reaches and even after a restart. An answer that must wait for a confirming button is kept
with the step. One row per account at most; a step older than ``TTL`` is forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.clock import Clock
from core.db.driver import Driver
from core.db.engine import engine_of

TTL = timedelta(hours=2)

UPSERT = """
INSERT INTO chat_steps (telegram_id, step, args, typed, updated_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (telegram_id) DO UPDATE
   SET step = EXCLUDED.step, args = EXCLUDED.args, typed = EXCLUDED.typed,
       updated_at = EXCLUDED.updated_at
"""
GET = "SELECT step, args, typed FROM chat_steps WHERE telegram_id = $1 AND updated_at > $2"
CLEAR = "DELETE FROM chat_steps WHERE telegram_id = $1"


@dataclass(frozen=True, slots=True)
class ChatStep:
    step: str
    args: tuple[int, ...]
    typed: str | None = None


class ChatSteps:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.driver = Driver(engine_of(sessions))
        self.clock = clock

    async def get(self, telegram_id: int) -> ChatStep | None:
        """The step this account is in, unless it is older than ``TTL``."""
        row = await self.driver.fetchrow(GET, telegram_id, self.clock.now() - TTL)
        if row is None:
            return None
        return ChatStep(row["step"], tuple(row["args"]), row["typed"])

    async def set(
        self, telegram_id: int, step: str, args: tuple[int, ...], typed: str | None = None
    ) -> None:
        """This account is now in ``step`` (replacing any other)."""
        await self.driver.execute(UPSERT, telegram_id, step, list(args), typed, self.clock.now())

    async def clear(self, telegram_id: int) -> bool:
        """Forget the account's step; whether there was one."""
        status = await self.driver.execute(CLEAR, telegram_id)
        return status != "DELETE 0"
