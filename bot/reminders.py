"""Wiring the reminders: the scheduler gets the services, a notifier and the handlers' texts.

Data flows one way: ``scheduler/`` knows neither handlers nor the Application; this module
(bot/) gives it the database sessions and clock from the core services, a notifier with a
``Bot`` of its own (paced, without the Application's rate limiter, patient with late
answers), :func:`handlers.reminder_texts.render` and its ``split``. Handlers reach the on-demand
reminder through ``bot_data.remind_now``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from telegram import Bot
from telegram.ext import Application

from core.reminders.service import OnDemandPlan, SweepReport
from core.services import Services
from handlers.context import app_data
from handlers.reminder_texts import render, split
from scheduler.notifier import Notifier, notifier_request
from scheduler.runner import SchedulerHandle, start_scheduler, stop_scheduler
from scheduler.sweeps import remind_now
from scheduler.waitlist import run_waitlist_sweep

App = Application[Any, Any, Any, Any, Any, Any]


def make_notifier(services: Services, bot: Bot, **pacing: Any) -> Notifier:
    """A notifier that renders with the handlers' texts and records blocked chats."""

    async def on_blocked(chat_id: int) -> None:
        # their next message clears the mark (handlers.presence)
        await services.directory.set_blocked(chat_id, services.clock.now())

    return Notifier(bot, render=render, split=split, on_blocked=on_blocked, **pacing)


@dataclass
class ReminderWiring:
    """The process's one notifier (shared pacing for sweeps and on-demand reminders) and,
    when started, the scheduler."""

    services: Services
    notifier: Notifier
    scheduler: SchedulerHandle | None = None

    async def remind_now(
        self, school_id: int, lesson_id: int, request: str
    ) -> tuple[OnDemandPlan, SweepReport]:
        return await remind_now(
            self.services.sessions, self.notifier, self.services.clock, school_id, lesson_id,
            request,
        )  # fmt: skip

    async def waitlist_sweep(self, stopping: asyncio.Event | None = None) -> SweepReport | None:
        """The waitlist's offers: made in order and each sent once (scheduler/waitlist.py)."""
        services = self.services
        return await run_waitlist_sweep(
            services.sessions, services.booking, self.notifier, services.clock,
            offer_for=services.waitlist.offer_for, stopping=stopping,
        )  # fmt: skip

    async def start(self) -> SchedulerHandle:
        if self.scheduler is None:
            self.scheduler = await start_scheduler(
                self.services.sessions,
                self.notifier,
                self.services.clock,
                jobs={"waitlist": self.waitlist_sweep},
            )
        return self.scheduler

    async def stop(self) -> None:
        if self.scheduler is not None:
            await stop_scheduler(self.scheduler)
            self.scheduler = None
        await self.notifier.close()


def wire_reminders(application: App) -> ReminderWiring:
    """The Application's reminder wiring, made on first use (the notifier's Bot connects lazily)."""
    data = app_data(application)
    if isinstance(data.reminders, ReminderWiring):
        return data.reminders
    if data.services is None or data.api_urls is None:
        raise RuntimeError("build the Application with bot.app.build_application first")
    token, base_url, base_file_url = data.api_urls
    bot = Bot(token, base_url=base_url, base_file_url=base_file_url, request=notifier_request())
    wiring = ReminderWiring(data.services, make_notifier(data.services, bot))
    data.reminders = wiring
    return wiring


def notifier_for(application: App) -> Notifier:
    """The process's one notifier."""
    return wire_reminders(application).notifier


async def start_reminders(application: App) -> SchedulerHandle:
    """Start the reminder scheduler of this Application."""
    return await wire_reminders(application).start()


async def stop_reminders(application: App) -> None:
    """Stop the scheduler (if started) and close the notifier's connections."""
    data = app_data(application)
    wiring = data.reminders
    data.reminders = None
    if isinstance(wiring, ReminderWiring):
        await wiring.stop()
