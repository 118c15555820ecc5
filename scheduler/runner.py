"""The scheduler inside the bot process: APScheduler jobs that run the reminder sweeps.

Two interval jobs, ``not_booked`` and ``session``, each a sweep of the database (what is
due is computed from it, so a run after downtime sends what is due once). Job defaults:
``coalesce=True`` (missed runs collapse into one), ``misfire_grace_time`` (a late run still
happens), ``max_instances=1`` (a long fan-out is never run twice in one process; across
processes the advisory lock decides). Stopping lets in-flight messages finish, briefly.

What the jobs use is given to :func:`start_scheduler` (bot/ wires the database sessions,
the clock and a notifier carrying the handlers' renderer): nothing here knows the bot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.clock import Clock
from core.reminders.service import NOT_BOOKED, SESSION
from scheduler.notifier import Notifier
from scheduler.sweeps import run_sweep

logger = logging.getLogger(__name__)

Job = Callable[[asyncio.Event], Awaitable[object]]  # a sweep of its own, given ``stopping``

SWEEP_SECONDS = 60
MISFIRE_GRACE_SECONDS = 300
STOP_GRACE_SECONDS = 5.0
JOB_DEFAULTS = {"coalesce": True, "misfire_grace_time": MISFIRE_GRACE_SECONDS, "max_instances": 1}


@dataclass
class SchedulerHandle:
    """What ``start_scheduler`` returns: the APScheduler and what its jobs share."""

    scheduler: AsyncIOScheduler
    notifier: Notifier
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    running: set[asyncio.Task[Any]] = field(default_factory=set)

    def get_jobs(self) -> list[Any]:
        return list(self.scheduler.get_jobs())


async def start_scheduler(
    sessions: async_sessionmaker[AsyncSession],
    notifier: Notifier,
    clock: Clock,
    *,
    jobs: Mapping[str, Job] | None = None,
) -> SchedulerHandle:
    """Start the reminder jobs on the running event loop; the first sweep runs in a few seconds.

    ``jobs``: more sweeps by name (bot/ gives the waitlist's offers), run each minute right
    after the session sweep, in its job (so the job list stays the reminders' two)."""
    scheduler = AsyncIOScheduler(
        event_loop=asyncio.get_running_loop(), timezone=UTC, job_defaults=dict(JOB_DEFAULTS)
    )
    handle = SchedulerHandle(scheduler, notifier)

    async def sweep(kind: str) -> None:
        if handle.stopping.is_set():
            return
        task = asyncio.current_task()
        if task is None:  # APScheduler runs coroutine jobs as tasks
            raise RuntimeError("a sweep must run as a task")
        handle.running.add(task)
        try:
            try:
                await run_sweep(sessions, notifier, clock, kind, stopping=handle.stopping)
            except Exception:  # the job must survive a database hiccup; next minute tries again
                logger.exception("%s sweep failed", kind)
            for name, job in (jobs or {}).items() if kind == SESSION else ():
                if handle.stopping.is_set():
                    break
                try:  # after the session reminders, in the same job: one job per minute
                    await job(handle.stopping)
                except Exception:
                    logger.exception("%s sweep failed", name)
        finally:
            handle.running.discard(task)

    first = datetime.now(UTC) + timedelta(seconds=5)
    for kind in (SESSION, NOT_BOOKED):
        scheduler.add_job(
            sweep,
            "interval",
            seconds=SWEEP_SECONDS,
            args=[kind],
            id=f"reminders-{kind}",
            name=f"{kind} reminder sweep",
            next_run_time=first,
            replace_existing=True,
        )
    scheduler.start()
    logger.info("reminder scheduler started: sweeps every %ss", SWEEP_SECONDS)
    return handle


async def stop_scheduler(handle: SchedulerHandle) -> None:
    """Stop the jobs: no new sweeps, in-flight messages get a few seconds, then cancel."""
    handle.stopping.set()
    if handle.scheduler.running:
        handle.scheduler.pause()
    if handle.running:
        _, late = await asyncio.wait(set(handle.running), timeout=STOP_GRACE_SECONDS)
        for task in late:
            task.cancel()
        if late:
            await asyncio.gather(*late, return_exceptions=True)
    if handle.scheduler.running:
        handle.scheduler.shutdown(wait=False)  # takes effect on the event loop's next turn
        for _ in range(50):
            if not handle.scheduler.running:
                break
            await asyncio.sleep(0.01)
    logger.info("reminder scheduler stopped")
