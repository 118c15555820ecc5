"""The sent-reminder log: claims with a lease, outcomes, and the sweeps' advisory locks.

Effectively exactly once: a reminder is *claimed* in its own committed transaction right
before it is sent (INSERT ... ON CONFLICT: a new row, or one whose earlier send is to be
retried, or a claim whose lease ran out), the message is sent, and the outcome is marked
by the claim's owner (its ``claim_token``). A process killed between claim and mark leaves
a claim that expires after ``lease`` (database time, so the processes' clocks do not
matter) and the next sweep of any process takes it over and sends it. The only duplicate
possible is a message that went out in the instant before its mark was lost. The sweeps
claim through :mod:`core.reminders.sending`, which stages the SENT mark in the claim's own
transaction before the request and commits it the moment the request returns.

Outcomes: SENT; BLOCKED (the user blocked the bot); FAILED (refused for good, e.g. 400);
RETRY (a 5xx or network error: claimed again by the next sweep, up to ``MAX_ATTEMPTS``
claims); UNKNOWN (no answer after a request was sent, so it may have been delivered: not
resent, since Telegram has no idempotency key).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, literal, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.db.driver import Driver
from core.db.engine import unit_of_work
from core.db.records import SentReminder
from core.reminders.notices import Reminder
from core.reminders.rules import NOT_BOOKED, SESSION

logger = logging.getLogger(__name__)

CLAIMED = "CLAIMED"
SENT = "SENT"
FAILED = "FAILED"
BLOCKED = "BLOCKED"
RETRY = "RETRY"  # failed for a passing reason: the next sweep claims it again
UNKNOWN = "UNKNOWN"  # sent, but no answer came: it may have been delivered; not resent
OUTCOMES = (SENT, FAILED, BLOCKED, RETRY, UNKNOWN)

LEASE = timedelta(seconds=60)  # longer than a send with its retries (the notifier renews it)
STALE_CLAIM = timedelta(minutes=10)
MAX_ATTEMPTS = 60  # claims of one reminder (about an hour of sweeps) before it is FAILED
# advisory locks: one sweeper per kind (the waitlist's offers: core.waitlist.rules.WAITLIST)
SWEEP_LOCKS = {NOT_BOOKED: 727_002, SESSION: 727_003, "waitlist_offer": 727_014}


@dataclass
class SweepReport:
    """What one sweep or one admin's request did, by outcome."""

    due: int = 0
    sent: int = 0
    failed: int = 0  # refused for good
    blocked: int = 0
    retrying: int = 0  # failed for a passing reason: the next sweeps send it
    unknown: int = 0  # no answer came: perhaps delivered, not resent
    skipped: int = 0  # already claimed: sent (or being sent) by another sweep or process
    chats: set[int] = field(default_factory=set)
    outcomes: dict[str, str] = field(default_factory=dict)  # reminder key -> status recorded

    def add(self, status: str) -> None:
        if status == SENT:
            self.sent += 1
        elif status == BLOCKED:
            self.blocked += 1
        elif status == RETRY:
            self.retrying += 1
        elif status == UNKNOWN:
            self.unknown += 1
        else:
            self.failed += 1

    def merge(self, other: SweepReport) -> None:
        for name in ("due", "sent", "failed", "blocked", "retrying", "unknown", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.chats |= other.chats
        self.outcomes |= other.outcomes


def new_token() -> str:
    """A claim's owner: one per claim (a process may claim many)."""
    return uuid.uuid4().hex


def takeable() -> ColumnElement[bool]:
    """A row another claim may take: a send to retry, or a claim whose lease ran out."""
    return or_(
        SentReminder.status == RETRY,
        and_(
            SentReminder.status == CLAIMED,
            or_(
                SentReminder.lease_until.is_(None),
                SentReminder.lease_until < func.clock_timestamp(),
            ),
        ),
    )


async def claim(
    sessions: async_sessionmaker[AsyncSession],
    reminder: Reminder,
    now: datetime,
    *,
    token: str | None = None,
    lease: timedelta = LEASE,
) -> bool:
    """Claim a reminder before sending it (committed at once); False if someone else holds
    it or it is settled. ``token`` names this claim, for :func:`renew` and :func:`record`."""
    lease_until = func.clock_timestamp() + literal(lease)
    stmt = insert(SentReminder).values(
        school_id=reminder.school_id,
        dedupe_key=reminder.key,
        kind=reminder.kind,
        parent_id=reminder.parent_id,
        status=CLAIMED,
        created_at=now,
        lease_until=lease_until,
        claim_token=token or new_token(),
        attempts=1,
    )
    claiming = stmt.on_conflict_do_update(
        index_elements=[SentReminder.dedupe_key],
        set_={
            "status": CLAIMED,
            "lease_until": stmt.excluded.lease_until,
            "claim_token": stmt.excluded.claim_token,
            "attempts": SentReminder.attempts + 1,
        },
        where=takeable(),
    ).returning(SentReminder.id)
    async with unit_of_work(sessions) as session:
        claimed = await session.scalar(claiming)
        await session.commit()
        return claimed is not None


async def renew(
    sessions: async_sessionmaker[AsyncSession],
    key: str,
    token: str,
    lease: timedelta = LEASE,
) -> bool:
    """Extend this claim's lease before another attempt; False if it is no longer ours."""
    async with unit_of_work(sessions) as session:
        result = await session.execute(
            update(SentReminder)
            .where(
                SentReminder.dedupe_key == key,
                SentReminder.claim_token == token,
                SentReminder.status == CLAIMED,
            )
            .values(lease_until=func.clock_timestamp() + literal(lease))
        )
        await session.commit()
        # AsyncSession.execute is typed Result; an UPDATE gives a CursorResult, with rowcount
        return bool(result.rowcount)  # type: ignore[attr-defined]


MARK = """
UPDATE sent_reminders
SET status = CASE WHEN $2::text = 'RETRY' AND attempts >= $5 THEN 'FAILED' ELSE $2::text END,
    detail = $3, sent_at = $4, lease_until = NULL
WHERE dedupe_key = $1 AND ($6::text IS NULL OR (claim_token = $6 AND status = 'CLAIMED'))
RETURNING status
"""


# the outcome of a message carrying several reminders (Reminder.covers), every key at once
MARK_MANY = MARK.replace("WHERE dedupe_key = $1", "WHERE dedupe_key = ANY($1::text[])").replace(
    "RETURNING status", "RETURNING dedupe_key, status"
)


async def record(
    sessions: async_sessionmaker[AsyncSession],
    key: str,
    status: str,
    now: datetime,
    detail: str | None = None,
    *,
    token: str | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    covers: Sequence[str] = (),
) -> str:
    """Mark the outcome of a claimed reminder; returns the status recorded (a RETRY past
    ``max_attempts`` claims is FAILED). With ``token``, only that claim's owner marks it.
    ``covers``: the other keys of the same message (Reminder.covers), marked with it (the
    status returned is ``key``'s).

    One statement in its own transaction (one round trip), run as soon as the send returns:
    the time between the Bot API's delivery and this commit is the only window in which a
    killed process leaves a message sent but unmarked (it is then sent again)."""
    engine: AsyncEngine = sessions.kw["bind"]
    args = (
        status,
        (detail or None) and detail[:500],
        now if status == SENT else None,
        max_attempts,
        token,
    )
    if covers:
        rows = await Driver(engine).fetch(MARK_MANY, [key, *covers], *args)
        mine = [r for r in rows if r["dedupe_key"] == key] or rows
        row = mine[0] if mine else None
    else:
        row = await Driver(engine).fetchrow(MARK, key, *args)
    if row is None:
        logger.warning("reminder %s: the claim was taken over before %s was marked", key, status)
        return status
    return str(row["status"])


async def settled(sessions: async_sessionmaker[AsyncSession], keys: Iterable[str]) -> set[str]:
    """Those of ``keys`` that are done or being sent now (neither to retry nor expired)."""
    wanted = list(keys)
    if not wanted:
        return set()
    async with unit_of_work(sessions) as session:
        rows = await session.scalars(
            select(SentReminder.dedupe_key).where(
                SentReminder.dedupe_key.in_(wanted),
                ~takeable(),
            )
        )
        return set(rows)


async def expire_stale_claims(
    sessions: async_sessionmaker[AsyncSession],
    older_than: timedelta = STALE_CLAIM,
    *,
    kinds: Iterable[str] | None = None,
) -> int:
    """Claims (of ``kinds``, default all) whose lease ran out ``older_than`` ago and which
    no sweep took over (the reminder is no longer due, or it was an admin's one-off):
    marked UNKNOWN. A sweep calls it after it has taken over what of its kind was due."""
    only = [] if kinds is None else [SentReminder.kind.in_(list(kinds))]
    async with unit_of_work(sessions) as session:
        result = await session.execute(
            update(SentReminder)
            .where(
                *only,
                SentReminder.status == CLAIMED,
                or_(
                    SentReminder.lease_until.is_(None),
                    SentReminder.lease_until < func.clock_timestamp() - literal(older_than),
                ),
            )
            .values(
                status=UNKNOWN,
                detail="claimed by a process that stopped; no longer due, not resent",
            )
        )
        await session.commit()
        # AsyncSession.execute is typed Result; an UPDATE gives a CursorResult, with rowcount
        expired = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if expired:
        logger.warning("%s reminder claims were left by a stopped process: UNKNOWN", expired)
    return expired


async def log_counts(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """Rows of the log by status (for benchmarks and operators)."""
    async with unit_of_work(sessions) as session:
        rows = await session.execute(
            select(SentReminder.status, func.count()).group_by(SentReminder.status)
        )
        return {status: int(count) for status, count in rows}


@asynccontextmanager
async def sweep_lock(sessions: async_sessionmaker[AsyncSession], kind: str) -> AsyncIterator[bool]:
    """Hold a sweep's advisory lock on a dedicated connection; yields False if taken."""
    engine: AsyncEngine = sessions.kw["bind"]
    lock = SWEEP_LOCKS[kind]
    async with engine.connect() as raw:
        conn = await raw.execution_options(isolation_level="AUTOCOMMIT")
        got = bool(await conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": lock}))
        try:
            yield got
        finally:
            if got:
                await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock})
