"""Where the deciders' copies of an approval request are, on real PostgreSQL: recorded once
each, handed over exactly once (two settling processes never edit one copy twice), and gone
with their booking.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.booking.approval import Copy
from core.clock import FixedClock
from core.db.models import Booking, HybridPattern
from core.services import Services
from core.views import Actor
from tests.support.factories import build_two_schools

SYDNEY = ZoneInfo("Australia/Sydney")
MON4_1500 = datetime(2027, 2, 22, 15, tzinfo=SYDNEY)


async def _pending(sessions: async_sessionmaker[AsyncSession], clock: FixedClock):  # type: ignore[no-untyped-def]
    alpha, _beta = await build_two_schools(sessions)
    async with sessions() as session:
        await session.execute(
            update(HybridPattern)
            .where(HybridPattern.lesson_id == alpha.piano)
            .values(approval=True)
        )
        await session.commit()
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
