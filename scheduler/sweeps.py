"""The sweeps: ask the core what is due, then for each reminder wait its turn, claim it,
send it, mark the outcome.

Every sweep is idempotent: what is due is computed from the database, and each reminder
is claimed in the sent-reminder log (unique key, with a lease) right before it is sent, so
a second process, a restart or a late run after downtime never sends a settled reminder
again, and a claim left by a killed process is taken over once its lease runs out
(:mod:`core.reminders.log`). Only one process sweeps a kind at a time (an advisory lock);
on-demand reminders need no lock, their keys are their own.

The words come from the notifier's renderer (bot/ wires the handlers' texts in): nothing
here imports handlers/.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.clock import Clock
from core.reminders import service as core
from core.reminders.agenda import due_agendas
from core.reminders.digest import due_digests
from core.reminders.rules import AGENDA, DIGEST
from core.reminders.sending import StagedSend
from core.reminders.service import (
    FAILED,
    LEASE,
    NOT_BOOKED,
    ON_DEMAND,
    RETRY,
    SENT,
    SESSION,
    UNKNOWN,
    Reminder,
    SweepReport,
)
from scheduler.notifier import SKIPPED, Notifier, Progress

logger = logging.getLogger(__name__)

WORKERS = 16  # messages in flight at once; the notifier's pacing decides the rate

__all__ = ["WORKERS", "SweepReport", "deliver", "deliver_one", "remind_now", "run_sweep"]


async def deliver_one(
    sessions: async_sessionmaker[AsyncSession],
    notifier: Notifier,
    clock: Clock,
    reminder: Reminder,
    report: SweepReport,
    *,
    lease: timedelta = LEASE,
) -> None:
    """Turn, claim, send, mark; one family's failure is logged and never stops the sweep.

    Stopped (the process shutting down) while it waits (a backoff, a flood wait), the claim
    is released (RETRY: the next sweep of any process sends it); stopped mid-request, it may
    have been delivered: UNKNOWN, not resent."""
    token = core.new_token()
    progress = Progress()
    staged = StagedSend(sessions, reminder, token, clock, lease=lease)

    status = FAILED
    detail: str | None = "unexpected error"
    stopped = False
    try:
        text, buttons = notifier.render(reminder)
        delivery = await notifier.send(
            reminder.chat_id, text, buttons, attempt=staged, progress=progress
        )
        status, detail = delivery.status, delivery.detail
    except asyncio.CancelledError:
        if progress.requesting:  # stopped mid-request: it may or may not have gone out
            status, detail = UNKNOWN, "stopped while sending; not resent"
        else:  # stopped while waiting: nothing went out, release it
            status, detail = RETRY, "released: the process stopped before sending"
        stopped = True
        raise
    except Exception:
        logger.exception("reminder %s to parent %s failed", reminder.key, reminder.parent_id)
    finally:
        if not staged.claimed or status == SKIPPED:
            report.skipped += 1
        elif status != SENT:  # SENT was committed the moment the request returned
            try:
                await (asyncio.shield(staged.close()) if stopped else staged.close())
                mark = core.record(
                    sessions, reminder.key, status, clock.now(), detail, token=token,
                    covers=reminder.covers,
                )  # fmt: skip
                status = await (asyncio.shield(mark) if stopped else mark)
            except Exception:  # the lease runs out and another sweep sends it again
                logger.exception("reminder %s: could not record %s", reminder.key, status)
        if staged.claimed and status != SKIPPED:
            report.add(status)
            for key in reminder.keys:  # a digest of several lessons: each lesson's key
                report.outcomes[key] = status
            if status == SENT:
                report.chats.add(reminder.chat_id)


def by_turns(due: Iterable[Reminder]) -> Iterator[Reminder]:
    """Each chat's first reminder, then each one's second, and so on: every chat keeps its
    order, and the workers are not all parked on one chat's per-chat second (an admin's
    digests one after another) while the other chats' messages could go."""
    queues: dict[int, list[Reminder]] = {}
    for reminder in due:
        queues.setdefault(reminder.chat_id, []).append(reminder)
    rounds = max((len(q) for q in queues.values()), default=0)
    for turn in range(rounds):
        for queue in queues.values():
            if turn < len(queue):
                yield queue[turn]


async def deliver(
    sessions: async_sessionmaker[AsyncSession],
    notifier: Notifier,
    clock: Clock,
    due: Iterable[Reminder],
    *,
    workers: int = WORKERS,
    stopping: asyncio.Event | None = None,
    lease: timedelta = LEASE,
) -> SweepReport:
    """Send every reminder with a few concurrent workers (the chats' turns interleaved,
    :func:`by_turns`), a message too long for Telegram in its parts (``notifier.split``);
    ``stopping`` ends it early."""
    report = SweepReport()
    queue: Iterator[Reminder] = by_turns(part for r in due for part in notifier.split(r))

    async def worker() -> None:
        for reminder in queue:
            if stopping is not None and stopping.is_set():
                return  # the rest stays unclaimed: the next sweep sends it
            report.due += 1
            await deliver_one(sessions, notifier, clock, reminder, report, lease=lease)

    await asyncio.gather(*(worker() for _ in range(workers)))
    return report


async def _due_by_the_clock(
    sessions: async_sessionmaker[AsyncSession], now: datetime
) -> list[Reminder]:
    """The session sweep's list: session reminders at their lead times, teachers' agendas."""
    return [*await core.due_sessions(sessions, now), *await due_agendas(sessions, now)]


async def _due_to_book(sessions: async_sessionmaker[AsyncSession], now: datetime) -> list[Reminder]:
    """The not-booked sweep's list: families' rounds, then admins' digests."""
    return [*await core.due_not_booked(sessions, now), *await due_digests(sessions, now)]


FINDERS = {SESSION: _due_by_the_clock, NOT_BOOKED: _due_to_book}
# the kinds each sweep sends, whose claims left by a stopped process it ends
SWEPT_KINDS = {SESSION: (SESSION, AGENDA), NOT_BOOKED: (NOT_BOOKED, ON_DEMAND, DIGEST)}


async def sweep_all(
    sessions: async_sessionmaker[AsyncSession], notifier: Notifier, clock: Clock
) -> SweepReport:
    """Both sweeps one after the other (tests, the CLI); a locked-out sweep counts as empty."""
    total = SweepReport()
    for kind in (SESSION, NOT_BOOKED):
        total.merge(await run_sweep(sessions, notifier, clock, kind) or SweepReport())
    return total


async def run_sweep(
    sessions: async_sessionmaker[AsyncSession],
    notifier: Notifier,
    clock: Clock,
    kind: str,
    *,
    workers: int = WORKERS,
    stopping: asyncio.Event | None = None,
    lease: timedelta = LEASE,
) -> SweepReport | None:
    """One sweep of one kind of reminder; None when another process holds its lock."""
    async with core.sweep_lock(sessions, kind) as mine:
        if not mine:
            logger.info("%s sweep skipped: another process is sweeping", kind)
            return None
        listed = await FINDERS[kind](sessions, clock.now())
        done = await core.settled(sessions, (r.key for r in listed))
        due = [r for r in listed if r.key not in done]
        report = await deliver(
            sessions, notifier, clock, due, workers=workers, stopping=stopping, lease=lease
        )
        if stopping is None or not stopping.is_set():
            # an admin's one-off is never due again: the not-booked sweep ends its claims too
            await core.expire_stale_claims(sessions, kinds=SWEPT_KINDS[kind])
    if report.due:
        logger.info(
            "%s sweep: %s due, %s sent, %s to retry, %s failed, %s blocked, %s unanswered, "
            "%s already claimed",
            kind,
            report.due,
            report.sent,
            report.retrying,
            report.failed,
            report.blocked,
            report.unknown,
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
        "on-demand reminder %s (school %s, lesson %s): %s sent, %s to retry, %s failed, "
        "%s blocked, %s unanswered",
        request,
        school_id,
        lesson_id,
        report.sent,
        report.retrying,
        report.failed,
        report.blocked,
        report.unknown,
    )
    return plan, report
