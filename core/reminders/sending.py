"""One reminder's send, marked SENT before the request and committed the moment it returns.

The claim of :mod:`core.reminders.log` with the mark staged: right before each request the
reminder is claimed (first attempt) or its claim checked (later ones) in a transaction that
also marks it SENT, left open on a connection of its own while the request is out:

- the request returns: ``COMMIT``, one message on a connection that is already there, its
  statement already run; nothing else stands between the Bot API's answer and the mark (no
  pool checkout, no statement to prepare, no parsing of ours). A process killed after that
  message left has marked it: PostgreSQL reads a ``COMMIT`` in its socket even once the
  sender is gone.
- the request fails: the row becomes the claim (CLAIMED, with a lease), committed, and
  the outcome is marked by the claim's token as before (:func:`core.reminders.log.record`).
- the process dies before the ``COMMIT``: PostgreSQL rolls the transaction back when the
  connection drops, the row is as it was before the attempt (absent, to retry, or a claim
  whose lease runs out) and the next sweep of any process sends it.

While the request is out the row is locked: another process that would claim it (its lease
ran out, say) waits for this send to end instead of sending it too, then finds it SENT or
claims it. The only duplicate left is a message the Bot API delivered in the instant
before the process was killed, its answer not yet read or its ``COMMIT`` not yet written.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Executable, func, literal, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from core.clock import Clock
from core.db.models import SentReminder
from core.reminders.log import CLAIMED, LEASE, SENT, takeable
from core.reminders.notices import Reminder

logger = logging.getLogger(__name__)


class StagedSend:
    """The claim of one reminder by one sender (its ``token``), attempt by attempt.

    :meth:`before` stages the SENT mark (False: someone else has it, or it is settled),
    then exactly one of :meth:`delivered` or :meth:`failed` ends the attempt; :meth:`close`
    ends one left open (as failed). Each attempt holds one connection of the pool from
    :meth:`before` to its end, none in between."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        reminder: Reminder,
        token: str,
        clock: Clock,
        *,
        lease: timedelta = LEASE,
    ) -> None:
        bind = sessions.kw.get("bind")
        if not isinstance(bind, AsyncEngine):
            raise TypeError("the session factory is not bound to an AsyncEngine")
        self.engine = bind
        self.reminder = reminder
        self.token = token
        self.clock = clock
        self.lease = lease
        self.claimed = False  # a claim of ours was (or is being) committed
        self._conn: AsyncConnection | None = None

    async def before(self, attempt: int) -> bool:
        """Claim (the first time) or check our claim, marked SENT, uncommitted."""
        now = self.clock.now()
        conn = await self.engine.connect()
        try:
            staged = await conn.scalar(self._first(now) if not self.claimed else self._again(now))
        except BaseException:
            await conn.close()
            raise
        if staged is None:
            await conn.close()  # rolls back: nothing was changed
            return False
        self._conn = conn
        self.claimed = True
        return True

    async def delivered(self) -> None:
        """The request returned: commit the SENT mark at once."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            await conn.commit()
        finally:
            await conn.close()

    async def failed(self) -> None:
        """The request failed (or was stopped): keep the claim, with a fresh lease, for the
        retry or for the outcome's mark."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            await conn.execute(
                update(SentReminder)
                .where(
                    SentReminder.dedupe_key == self.reminder.key,
                    SentReminder.claim_token == self.token,
                )
                .values(
                    status=CLAIMED,
                    sent_at=None,
                    lease_until=func.clock_timestamp() + literal(self.lease),
                )
            )
            await conn.commit()
        finally:
            await conn.close()

    async def close(self) -> None:
        """End an attempt nobody ended (an unexpected error): as failed."""
        if self._conn is not None:
            await self.failed()

    def _first(self, now: datetime) -> Executable:
        stmt = insert(SentReminder).values(
            school_id=self.reminder.school_id,
            dedupe_key=self.reminder.key,
            kind=self.reminder.kind,
            parent_id=self.reminder.parent_id,
            status=SENT,
            created_at=now,
            sent_at=now,
            lease_until=None,
            claim_token=self.token,
            attempts=1,
        )
        return stmt.on_conflict_do_update(
            index_elements=[SentReminder.dedupe_key],
            set_={
                "status": SENT,
                "sent_at": stmt.excluded.sent_at,
                "detail": None,
                "lease_until": None,
                "claim_token": stmt.excluded.claim_token,
                "attempts": SentReminder.attempts + 1,
            },
            where=takeable(),
        ).returning(SentReminder.id)

    def _again(self, now: datetime) -> Executable:
        return (
            update(SentReminder)
            .where(
                SentReminder.dedupe_key == self.reminder.key,
                SentReminder.claim_token == self.token,
                SentReminder.status == CLAIMED,
            )
            .values(status=SENT, sent_at=now, lease_until=None)
            .returning(SentReminder.id)
        )
