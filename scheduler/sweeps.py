"""The sweeps: ask the core what is due, claim each reminder, send it, record the outcome.

Every sweep is idempotent: what is due is computed from the database, and each reminder is
claimed in the sent-reminder log (unique key) before it is sent, so a second process, a
restart or a late run after downtime never sends anything twice. Only one process sweeps
at a time (an advisory lock); on-demand reminders need no lock, their keys are their own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.clock import Clock
from core.reminders import service as core
from core.reminders.service import BLOCKED, FAILED, NOT_BOOKED, SENT, SESSION, UNKNOWN, Reminder
from handlers.reminder_texts import render
from scheduler.notifier import Notifier

logger = logging.getLogger(__name__)

WORKERS = 16  # messages in flight at once; the notifier's pacing decides the rate


@dataclass
class SweepReport:
    due: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: int = 0  # already claimed: sent (or being sent) by another sweep or process
    chats: set[int] = field(default_factory=set)

    def add(self, status: str) -> None:
        if status == SENT:
            self.sent += 1
        elif status == BLOCKED:
            self.blocked += 1
        else:
            self.failed += 1


async def deliver_one(
    sessions: async_sessionmaker[AsyncSession],
    notifier: Notifier,
    clock: Clock,
    reminder: Reminder,
    report: SweepReport,
) -> None:
    """Claim, send, record; one family's failure is logged and never stops the sweep."""
    if not await core.claim(sessions, reminder, clock.now()):
        report.skipped += 1
        return
    status, detail = FAILED, "unexpected error"
    try:
        text, buttons = render(reminder)
        delivery = await notifier.send(reminder.chat_id, text, buttons)
        status, detail = delivery.status, delivery.detail
    except asyncio.CancelledError:  # stopped mid-send: it may or may not have gone out
        status, detail = UNKNOWN, "stopped while sending; not resent"
        raise
    except Exception:
        logger.exception("reminder %s to parent %s failed", reminder.key, reminder.parent_id)
    finally:
        report.add(status)
        if status == SENT:
            report.chats.add(reminder.chat_id)
        try:
            await asyncio.shield(core.record(sessions, reminder.key, status, clock.now(), detail))
        except Exception:  # the claim stays: at-most-once, never resent
            logger.exception("reminder %s: could not record %s", reminder.key, status)


async def deliver(
    sessions: async_sessionmaker[AsyncSession],
    notifier: Notifier,
    clock: Clock,
    due: Iterable[Reminder],
    *,
    workers: int = WORKERS,
    stopping: asyncio.Event | None = None,
) -> SweepReport:
    """Send every reminder with a few concurrent workers; ``stopping`` ends it early."""
    report = SweepReport()
    queue: Iterator[Reminder] = iter(due)

    async def worker() -> None:
        for reminder in queue:
            if stopping is not None and stopping.is_set():
                return  # the rest stays unclaimed: the next sweep sends it
            report.due += 1
            await deliver_one(sessions, notifier, clock, reminder, report)

    await asyncio.gather(*(worker() for _ in range(workers)))
    return report


FINDERS = {SESSION: core.due_sessions, NOT_BOOKED: core.due_not_booked}


async def sweep_all(
    sessions: async_sessionmaker[AsyncSession], notifier: Notifier, clock: Clock
) -> SweepReport:
    """Both sweeps one after the other (tests, the CLI); a locked-out sweep counts as empty."""
    total = SweepReport()
    for kind in (SESSION, NOT_BOOKED):
        report = await run_sweep(sessions, notifier, clock, kind) or SweepReport()
        for name in ("due", "sent", "failed", "blocked", "skipped"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        total.chats |= report.chats
    return total


async def run_sweep(
    sessions: async_sessionmaker[AsyncSession],
    notifier: Notifier,
    clock: Clock,
    kind: str,
    *,
    workers: int = WORKERS,
    stopping: asyncio.Event | None = None,
) -> SweepReport | None:
    """One sweep of one kind of reminder; None when another process holds its lock."""
    async with core.sweep_lock(sessions, kind) as mine:
        if not mine:
            logger.info("%s sweep skipped: another process is sweeping", kind)
            return None
        now = clock.now()
        await core.expire_stale_claims(sessions, now)
        due = await FINDERS[kind](sessions, now)
        report = await deliver(sessions, notifier, clock, due, workers=workers, stopping=stopping)
    if report.due:
        logger.info(
            "%s sweep: %s due, %s sent, %s failed, %s blocked, %s already claimed",
            kind,
            report.due,
            report.sent,
            report.failed,
            report.blocked,
            report.skipped,
        )
    return report


async def remind_now(
    sessions: async_sessionmaker[AsyncSession],
    notifier: Notifier,
    clock: Clock,
    school_id: int,
    lesson_id: int,
    request: str,
) -> tuple[core.OnDemandPlan, SweepReport]:
    """An admin's on-demand not-booked reminder for one lesson (raises domain errors)."""
    plan = await core.not_booked_now(sessions, clock.now(), school_id, lesson_id, request)
    report = await deliver(sessions, notifier, clock, plan.reminders)
    logger.info(
        "on-demand reminder %s (school %s, lesson %s): %s sent, %s failed, %s blocked",
        request,
        school_id,
        lesson_id,
        report.sent,
        report.failed,
        report.blocked,
    )
    return plan, report
