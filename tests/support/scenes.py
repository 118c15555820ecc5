"""Setting the scene in the database for e2e tests: bookings made by the school, read back."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from core.db.models import Booking
from core.services import Services
from core.views import Actor, BookingView
from tests.support.factories import SchoolIds


async def bookings(services: Services) -> list[Booking]:
    """Every booking row, oldest first."""
    async with services.sessions() as session:
        return list((await session.scalars(select(Booking).order_by(Booking.id))).all())


async def book_for(
    services: Services, ids: SchoolIds, student: int, at: time, day: int = 0
) -> BookingView:
    """A piano booking in week 4 made by the school (for setting the scene)."""
    start = await services.booking.slot_at(ids.school, ids.piano, 4, at, day)
    return await services.booking.create_booking(
        ids.school, Actor.admin("t"), ids.piano, student, 4, start
    )
