"""The waitlist sweep: freed slots offered in order, each offer's message sent once.

Under its advisory lock (one sweeper at a time across processes) the sweep asks the core to
expire offers and make new ones (:func:`core.waitlist.offers.prepare_offers`), then sends
each standing offer's message through the sent-reminder log like any reminder: claimed with
a lease right before it is sent, so a restart or a second process never sends it twice, and
a claim left by a killed process is taken over once its lease ran out.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.booking.service import BookingService
from core.clock import Clock
from core.reminders import service as core
from core.reminders.service import LEASE, SweepReport
from core.waitlist.offers import due_offers, prepare_offers
from core.waitlist.rules import OFFER_FOR, WAITLIST
from scheduler.notifier import Notifier
from scheduler.sweeps import WORKERS, deliver

logger = logging.getLogger(__name__)


async def run_waitlist_sweep(
    sessions: async_sessionmaker[AsyncSession],
    booking: BookingService,
    notifier: Notifier,
    clock: Clock,
    *,
    offer_for: timedelta = OFFER_FOR,
    workers: int = WORKERS,
    stopping: asyncio.Event | None = None,
    lease: timedelta = LEASE,
) -> SweepReport | None:
    """One waitlist sweep; None when another process holds its lock."""
    async with core.sweep_lock(sessions, WAITLIST) as mine:
        if not mine:
            logger.info("waitlist sweep skipped: another process is sweeping")
            return None
        made = await prepare_offers(sessions, booking, clock.now(), offer_for)
        listed = await due_offers(sessions, clock.now())
        done = await core.settled(sessions, (r.key for r in listed))
        due = [r for r in listed if r.key not in done]
        report = await deliver(
            sessions, notifier, clock, due, workers=workers, stopping=stopping, lease=lease
        )
        if stopping is None or not stopping.is_set():
            await core.expire_stale_claims(sessions, kinds=(WAITLIST,))
    if report.due or made:
        logger.info(
            "waitlist sweep: %s offers made, %s messages due, %s sent, %s to retry, %s failed, "
            "%s blocked, %s unanswered, %s already claimed",
            made, report.due, report.sent, report.retrying, report.failed, report.blocked,
            report.unknown, report.skipped,
        )  # fmt: skip
    return report
