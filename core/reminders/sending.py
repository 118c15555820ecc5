"""One reminder's send, marked SENT before the request and committed the moment it returns.

The claim of :mod:`core.reminders.log` with the mark staged: right before each request the
reminder is claimed (first attempt) or its claim checked (later ones) in a transaction that
also marks it SENT, left open on a connection of its own while the request is out
(:class:`core.db.driver_staged.Staged`: raw asyncpg, prepared statements):

- the Bot API answers that it delivered (scheduler/answers.py calls :meth:`delivered` from
  the HTTP client, as soon as the answer's status line is read): ``COMMIT``, one message
  written within the call on the connection that is already there; nothing else stands
  between the Bot API's answer and the mark (no pool checkout, no statement to prepare, no
  ORM, no parsing of ours). A process killed after that message left has marked it:
  PostgreSQL reads a ``COMMIT`` in its socket even once the sender is gone.
- the request fails: the row becomes the claim (CLAIMED, with a lease), committed, and
  the outcome is marked by the claim's token as before (:func:`core.reminders.log.record`).
- the process dies before the ``COMMIT``: PostgreSQL rolls the transaction back when the
  connection drops, the row is as it was before the attempt (absent, to retry, or a claim
  whose lease runs out) and the next sweep of any process sends it.

While the request is out the row is locked: another process that would claim it (its lease
ran out, say) waits for this send to end instead of sending it too, then finds it SENT or
claims it. The only duplicate left is a message whose request had left the killed process
(the Bot API delivers it even after its sender died) and whose ``COMMIT`` had not: from
the request's last byte to the ``COMMIT``'s, the request's whole round trip
(docs/reminders.md has the measurements).

A message carrying several reminders (``Reminder.covers``: an admin's digest of several
lessons) claims, marks and releases all its keys in each statement: all of them or none,
so each of its reminders goes out exactly once, with that message.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.clock import Clock
from core.db.driver_staged import Staged
from core.reminders.log import CLAIMED, LEASE, SENT
from core.reminders.notices import Reminder

logger = logging.getLogger(__name__)

# the first attempt: claim the reminder (absent, to retry, or a claim whose lease ran out:
# core.reminders.log.takeable) and mark it SENT, uncommitted
FIRST = f"""
INSERT INTO sent_reminders AS r (school_id, dedupe_key, kind, parent_id, status, created_at,
                                 sent_at, lease_until, claim_token, attempts)
VALUES ($1, $2, $3, $4, '{SENT}', $5, $5, NULL, $6, 1)
ON CONFLICT (dedupe_key) DO UPDATE
SET status = '{SENT}', sent_at = EXCLUDED.sent_at, detail = NULL, lease_until = NULL,
    claim_token = EXCLUDED.claim_token, attempts = r.attempts + 1
WHERE r.status = 'RETRY'
   OR (r.status = '{CLAIMED}' AND (r.lease_until IS NULL OR r.lease_until < clock_timestamp()))
RETURNING r.id
"""
# the first attempt of a message carrying several reminders (an admin's digest of several
# lessons, Reminder.covers): every key claimed and marked SENT in one statement, or none
# (a NULL: some key is held or settled, and the transaction is rolled back)
FIRST_MANY = f"""
WITH claimed AS (
    INSERT INTO sent_reminders AS r (school_id, dedupe_key, kind, parent_id, status,
                                     created_at, sent_at, lease_until, claim_token, attempts)
    SELECT $1::integer, k, $3::text, $4::integer, '{SENT}', $5::timestamptz, $5::timestamptz,
           NULL, $6::text, 1
    FROM unnest($2::text[]) AS k ORDER BY k
    ON CONFLICT (dedupe_key) DO UPDATE
    SET status = '{SENT}', sent_at = EXCLUDED.sent_at, detail = NULL, lease_until = NULL,
        claim_token = EXCLUDED.claim_token, attempts = r.attempts + 1
    WHERE r.status = 'RETRY'
       OR (r.status = '{CLAIMED}' AND (r.lease_until IS NULL OR r.lease_until < clock_timestamp()))
    RETURNING r.id
)
SELECT CASE WHEN count(*) = cardinality($2::text[]) THEN count(*) END FROM claimed
"""
# a later attempt: our claim, still ours, marked SENT, uncommitted
AGAIN = f"""
UPDATE sent_reminders SET status = '{SENT}', sent_at = $3, lease_until = NULL
WHERE dedupe_key = $1 AND claim_token = $2 AND status = '{CLAIMED}'
RETURNING id
"""
AGAIN_MANY = f"""
WITH again AS (
    UPDATE sent_reminders SET status = '{SENT}', sent_at = $3, lease_until = NULL
    WHERE dedupe_key = ANY($1::text[]) AND claim_token = $2 AND status = '{CLAIMED}'
    RETURNING id
)
SELECT CASE WHEN count(*) = cardinality($1::text[]) THEN count(*) END FROM again
"""
# the request failed: the staged row becomes our claim, with a fresh lease
FAILED_ATTEMPT = f"""
UPDATE sent_reminders
SET status = '{CLAIMED}', sent_at = NULL, lease_until = clock_timestamp() + $3::interval
WHERE dedupe_key = $1 AND claim_token = $2
"""
FAILED_MANY = f"""
UPDATE sent_reminders
SET status = '{CLAIMED}', sent_at = NULL, lease_until = clock_timestamp() + $3::interval
WHERE dedupe_key = ANY($1::text[]) AND claim_token = $2
"""


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
        self._staged: Staged | None = None

    async def before(self, attempt: int) -> bool:
        """Claim (the first time) or check our claim, marked SENT, uncommitted."""
        now = self.clock.now()
        r = self.reminder
        key: str | list[str] = list(r.keys) if r.covers else r.key
        if not self.claimed:
            first = FIRST_MANY if r.covers else FIRST
            args: tuple[object, ...] = (r.school_id, key, r.kind, r.parent_id, now, self.token)
            staged, _ = await Staged.begin(self.engine, first, *args)
        else:
            again = AGAIN_MANY if r.covers else AGAIN
            staged, _ = await Staged.begin(self.engine, again, key, self.token, now)
        if staged is None:
            return False
        self._staged = staged
        self.claimed = True
        return True

    async def delivered(self) -> None:
        """The Bot API delivered it: commit the SENT mark at once (the ``COMMIT`` is written
        before this call first waits)."""
        staged, self._staged = self._staged, None
        if staged is not None:
            await staged.commit()

    async def failed(self) -> None:
        """The request failed (or was stopped): keep the claim, with a fresh lease, for the
        retry or for the outcome's mark."""
        staged, self._staged = self._staged, None
        if staged is not None:
            r = self.reminder
            if r.covers:
                await staged.end(FAILED_MANY, list(r.keys), self.token, self.lease)
            else:
                await staged.end(FAILED_ATTEMPT, r.key, self.token, self.lease)

    async def close(self) -> None:
        """End an attempt nobody ended (an unexpected error): as failed."""
        if self._staged is not None:
            await self.failed()
