"""Where the deciders' copies of an approval request are, on real PostgreSQL: recorded once
each, handed over exactly once (two settling processes never edit one copy twice), and gone
with their booking; `musicbot approve` edits them too (through a local Bot API server).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from bot.local_api import LocalBotApi
from core.booking.approval import Copy
from core.booking.catalog import CatalogCache
from core.booking.service import BookingService
from core.clock import FixedClock, SystemClock
from core.db.models import Booking
from core.services import Services
from core.views import Actor
from handlers.approval.chat import announce_request
from tests.support.chat import TOKEN
from tests.support.cli import musicbot
from tests.support.factories import build_two_schools, require_approval

SYDNEY = ZoneInfo("Australia/Sydney")
MON4_1500 = datetime(2027, 2, 22, 15, tzinfo=SYDNEY)


async def _pending(sessions: async_sessionmaker[AsyncSession], clock: FixedClock):  # type: ignore[no-untyped-def]
    alpha, _beta = await build_two_schools(sessions)
    await require_approval(sessions, alpha.piano)
    services = Services.build(sessions, clock)
    view = await services.booking.create_booking(
        alpha.school, Actor.parent(alpha.brown_parent, "Bob Brown"), alpha.piano, alpha.mia, 4,
        MON4_1500,
    )  # fmt: skip
    assert view.awaiting_confirmation
    return services, alpha, view


async def test_copies_are_recorded_once_and_handed_over_once(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    services, _alpha, view = await _pending(sessions, clock)
    copies = [Copy(1002, 7), Copy(1001, 8)]
    await services.approval.record_copies(view.id, copies)
    await services.approval.record_copies(view.id, [Copy(1002, 7)])  # again: no second row
    assert await services.approval.take_copies(view.id) == copies  # in the order sent
    assert await services.approval.take_copies(view.id) == []


async def test_two_settlers_share_the_copies_without_overlap(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    services, _alpha, view = await _pending(sessions, clock)
    copies = [Copy(1000 + i, i) for i in range(20)]
    await services.approval.record_copies(view.id, copies)
    first, second = await asyncio.gather(
        services.approval.take_copies(view.id), services.approval.take_copies(view.id)
    )
    assert sorted(first + second, key=lambda c: c.message_id) == copies


async def test_the_copies_go_with_their_booking(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    services, _alpha, view = await _pending(sessions, clock)
    await services.approval.record_copies(view.id, [Copy(1002, 7)])
    async with sessions() as session:
        await session.execute(delete(Booking).where(Booking.id == view.id))
        await session.commit()
    assert await services.approval.take_copies(view.id) == []


async def test_the_teachers_chat_is_named_among_the_deciders(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    services, alpha, view = await _pending(sessions, clock)
    deciders = await services.approval.approvers(alpha.school, alpha.piano)
    assert deciders.teacher_chat_id == 1002 and deciders.chat_ids == (1002, 1001)


async def test_musicbot_approve_edits_the_deciders_copies(
    db_url, sessions: async_sessionmaker[AsyncSession], tmp_path, api: LocalBotApi
) -> None:
    """`musicbot approve` (a real process) edits each decider's copy to say the school
    decided, through the bot's token, and leaves no copy to edit twice."""
    alpha, _beta = await build_two_schools(sessions)
    await require_approval(sessions, alpha.piano)
    booking = BookingService(sessions, SystemClock(), CatalogCache())
    view = await booking.create_booking(
        alpha.school, Actor.parent(alpha.brown_parent, "Bob Brown"), alpha.piano, alpha.mia, 4,
        MON4_1500,
    )  # fmt: skip
    services = Services.build(sessions, SystemClock())
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        assert await announce_request(bot, services, view) == 2
    teachers = int((api.user(1002).last_message or {})["message_id"])
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.base_url}
    code, out, err = await musicbot(
        db_url, tmp_path, "approve", "--school", "alpha", "--booking", str(view.id), **env
    )
    assert code == 0, err
    copy = api.message(1002, teachers) or {}
    assert "Confirmed by the school" in copy["text"]
    assert api.user(1002).buttons(teachers) == []
    assert await services.approval.take_copies(view.id) == []
