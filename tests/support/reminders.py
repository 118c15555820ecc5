"""What the reminder tests share: a notifier on the local Bot API, a school's reminder rules,
a booking at a local time. School alpha (tests.support.factories) is in Sydney."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from telegram import Bot

from bot.local_api import LocalBotApi
from core.db.models import AvailabilityWindow, School
from core.services import Services
from core.views import Actor, BookingView
from handlers.reminder_texts import render, split
from scheduler.notifier import Notifier
from tests.support.chat import TOKEN
from tests.support.factories import SchoolIds

ADMIN = Actor.admin("test")
MORNING = datetime(2027, 1, 19, 22, 0, tzinfo=UTC)  # Wednesday 09:00 in Sydney
SUNDAY = 6


def make_notifier(api: LocalBotApi, **options: Any) -> tuple[Bot, Notifier]:
    """A bot on ``api`` (not yet initialised: ``async with bot``) and its notifier, unpaced
    and with a 10 ms backoff unless ``options`` say otherwise."""
    bot = Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url)
    defaults: dict[str, Any] = {
        "per_second": 1000.0,
        "per_chat_seconds": 0.0,
        "backoff_seconds": 0.01,
    }
    return bot, Notifier(bot, render=render, split=split, **(defaults | options))


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
