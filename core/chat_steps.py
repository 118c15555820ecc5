"""What a chat is in the middle of, kept in the database so that any bot process sees it.

A flow that needs a typed answer (a cancellation reason) records the step it waits for;
the next text message of that Telegram account is then that answer, whichever process it
reaches and even after a restart. An answer that must wait for a confirming button is kept
with the step. One row per account at most; a step older than ``TTL`` is forgotten.

A bot update reads the account's step with its language, in one round trip
(:meth:`core.languages.Languages.for_bot_update`), and :meth:`ChatSteps.keep` holds it for
the rest of that update's task: :meth:`ChatSteps.get` answers from it without a round trip,
and :meth:`ChatSteps.set` / :meth:`ChatSteps.clear` in that task update it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.clock import Clock
from core.db.driver import Driver
from core.db.engine import engine_of

TTL = timedelta(hours=2)
# how long a step kept by an update's task is trusted (seconds): an update's handlers run
# well within it; a task started from the update and still running later reads afresh
KEPT_FOR = 10.0

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


def step_of(step: str | None, args: Sequence[int] | None, typed: str | None) -> ChatStep | None:
    """The step of a row's columns (none when ``step`` is NULL: no row)."""
    if step is None:
        return None
    return ChatStep(step, tuple(args or ()), typed)


# (telegram id, its step or None, time.monotonic() when read): this task's known step
_kept: ContextVar[tuple[int, ChatStep | None, float] | None] = ContextVar(
    "chat_step_kept", default=None
)


class ChatSteps:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.driver = Driver(engine_of(sessions))
        self.clock = clock

    def cutoff(self) -> datetime:
        """A step last set before this is forgotten."""
        return self.clock.now() - TTL

    def keep(self, telegram_id: int, step: ChatStep | None) -> None:
        """The account's step as just read; this task's :meth:`get` answers from it."""
        _kept.set((telegram_id, step, time.monotonic()))

    def forget_kept(self) -> None:
        """The next :meth:`get` of this task reads the database."""
        _kept.set(None)

    async def get(self, telegram_id: int) -> ChatStep | None:
        """The step this account is in, unless it is older than ``TTL``."""
        kept = _kept.get()
        if kept is not None and kept[0] == telegram_id and time.monotonic() - kept[2] < KEPT_FOR:
            return kept[1]
        row = await self.driver.fetchrow(GET, telegram_id, self.cutoff())
        if row is None:
            return None
        return ChatStep(row["step"], tuple(row["args"]), row["typed"])

    async def set(
        self, telegram_id: int, step: str, args: tuple[int, ...], typed: str | None = None
    ) -> None:
        """This account is now in ``step`` (replacing any other)."""
        await self.driver.execute(UPSERT, telegram_id, step, list(args), typed, self.clock.now())
        self._kept_now(telegram_id, ChatStep(step, tuple(args), typed))

    async def clear(self, telegram_id: int) -> bool:
        """Forget the account's step; whether there was one."""
        status = await self.driver.execute(CLEAR, telegram_id)
        self._kept_now(telegram_id, None)
        return status != "DELETE 0"

    def _kept_now(self, telegram_id: int, step: ChatStep | None) -> None:
        """A change this task made: what it kept for that account follows it."""
        kept = _kept.get()
        if kept is not None and kept[0] == telegram_id:
            _kept.set((telegram_id, step, kept[2]))
