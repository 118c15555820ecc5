"""What the booking-service tests (tests/integration/booking_service/) share: the times
of school alpha's week 4 and 8 slots, its parents as actors, Jane's booking of Emma, the
bookings table's rows (to prove a refusal wrote nothing). Their fixtures (``world``, ``booked``)
are in that folder's conftest.py.

School alpha (Australia/Sydney, UTC+11 in February and March): teacher Sam teaches piano
(hybrid, Monday 16:00, individual weeks 4 and 8, 30-minute slots from Monday 15:00-19:00 and
Wednesday 15:30-18:00), theory (hybrid, Tuesday 17:00, individual week 4, Monday 15:00-17:00)
and the choir (group, Wednesday 16:00-17:00). Term 1 starts Monday 2027-02-01, so week 4 is
Monday 2027-02-22. The clock stands at Tuesday 2027-01-19 09:00 UTC unless a test moves it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from core.services import Services
from core.views import Actor, BookingView
from tests.support.factories import SchoolIds

SYDNEY = ZoneInfo("Australia/Sydney")
ADMIN = Actor.admin("alice")
MONDAY, WEDNESDAY = 0, 2


def sydney(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=SYDNEY).astimezone(UTC)


MON4_1500 = sydney(2, 22, 15)  # 04:00 UTC
MON4_1530 = sydney(2, 22, 15, 30)
MON4_1600 = sydney(2, 22, 16)
MON4_1800 = sydney(2, 22, 18)
WED4_1600 = sydney(2, 24, 16)  # the choir's time
WED4_1700 = sydney(2, 24, 17)
MON8_1500 = sydney(3, 22, 15)


async def snapshot(sessions) -> list[tuple[Any, ...]]:
    """Every row of the bookings table, to prove a refusal wrote nothing."""
    async with sessions() as session:
        rows = (await session.execute(text("SELECT * FROM bookings ORDER BY id"))).all()
    return [tuple(row) for row in rows]


def parent(ids: SchoolIds) -> Actor:
    return Actor.parent(ids.smith_parent, "Jane Smith")


def brown(ids: SchoolIds) -> Actor:
    return Actor.parent(ids.brown_parent, "Bob Brown")


async def jane_books_emma(
    services: Services, alpha: SchoolIds, at: datetime, week: int = 4
) -> BookingView:
    """Jane Smith's booking of Emma's piano slot starting ``at``, in ``week``."""
    return await services.booking.create_booking(
        alpha.school, parent(alpha), alpha.piano, alpha.emma, week, at
    )


def week4() -> tuple[date, date]:
    """Monday and Sunday of week 4."""
    return date(2027, 2, 22), date(2027, 2, 28)
