"""What the reminder tests share: the two schools with only alpha's families due reminders, a
notifier on the local Bot API (or a proxy before it), a school's reminder rules, a booking at a
local time, polling until something is true. School alpha (tests.support.factories) is in
Sydney."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.request import BaseRequest

from bot.local_api import LocalBotApi
from core.clock import FixedClock
from core.db.models import AvailabilityWindow, School
from core.services import Services
from core.views import Actor, BookingView
from handlers.reminder_texts import render, split
from scheduler.notifier import Notifier
from tests.support.chat import TOKEN
from tests.support.factories import SchoolIds, build_two_schools

ADMIN = Actor.admin("test")
MORNING = datetime(2027, 1, 19, 22, 0, tzinfo=UTC)  # Wednesday 09:00 in Sydney
SUNDAY = 6


async def alpha_to_remind(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> tuple[Services, SchoolIds, SchoolIds]:
    """Services on both schools with beta's bookings closed, so that only alpha's families
    are reminded (Jane Smith 1011 and Bob Brown 1012, two reminders each); alpha, beta."""
    alpha, beta = await build_two_schools(sessions)
    services = Services.build(sessions, clock)
    await services.booking.set_bookings_open(beta.school, beta.piano, False, ADMIN)
    await services.booking.set_bookings_open(beta.school, beta.theory, False, ADMIN)
    return services, alpha, beta


def make_notifier(
    api: LocalBotApi,
    *,
    base_url: str | None = None,
    request: BaseRequest | None = None,
    **options: Any,
) -> tuple[Bot, Notifier]:
    """A bot on ``api`` (or at ``base_url``, e.g. a proxy before it; with ``request``, if
    given), not yet initialised (``async with bot``), and its notifier, unpaced and with a
    10 ms backoff unless ``options`` say otherwise."""
    bot = Bot(
        TOKEN,
        base_url=base_url or api.base_url,
        base_file_url=api.base_file_url,
        request=request,
    )
    defaults: dict[str, Any] = {
        "per_second": 1000.0,
        "per_chat_seconds": 0.0,
        "backoff_seconds": 0.01,
    }
    return bot, Notifier(bot, render=render, split=split, **(defaults | options))


async def until(predicate: Callable[[], Awaitable[bool]], timeout: float = 20.0) -> None:  # noqa: ASYNC109
    """Poll ``predicate`` every 20 ms until it is true; fail after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await predicate():
        assert loop.time() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


async def set_rules(
    services: Services, school: int, reminders: dict[str, Any], tz: str | None = None
) -> None:
    """The school's reminder rules (and time zone, if given), as its school file sets them."""
    values: dict[str, Any] = {"reminders": reminders}
    if tz:
        values["timezone"] = tz
    async with services.sessions() as session, session.begin():
        await session.execute(update(School).where(School.id == school).values(**values))


async def book_at(
    services: Services,
    alpha: SchoolIds,
    week: int,
    local: str,
    *,
    sunday: str | None = None,
    student: int | None = None,
) -> BookingView:
    """An admin's booking of a piano slot (Emma's by default) at local ``HH:MM`` (in a
    Sunday window, if given, added to the lesson)."""
    if sunday:
        start, end = (time.fromisoformat(t) for t in sunday.split("-"))
        async with services.sessions() as session, session.begin():
            session.add(
                AvailabilityWindow(
                    lesson_id=alpha.piano, day=SUNDAY, start_time=start, end_time=end
                )
            )
    slots = await services.booking.available_slots(alpha.school, alpha.piano, week, ADMIN)
    async with services.sessions() as session:
        tz = ZoneInfo((await session.get(School, alpha.school)).timezone)  # type: ignore[union-attr]
    wanted = [s for s in slots if s.start_at.astimezone(tz).strftime("%H:%M") == local]
    if sunday:
        wanted = [s for s in wanted if s.start_at.astimezone(tz).weekday() == SUNDAY]
    assert wanted, f"no slot at {local}"
    return await services.booking.create_booking(
        alpha.school, ADMIN, alpha.piano, student or alpha.emma, week, wanted[0].start_at
    )
