"""Setting the scene for e2e tests: bookings made by the school or by Bob in the chat, read
back."""

from __future__ import annotations

from datetime import time

from sqlalchemy import delete, select, update

from bot.local_api import LocalBotApi, UserClient
from core.db.models import AvailabilityWindow, Booking, School
from core.services import Services
from core.views import Actor, BookingView
from tests.support.chat import confirm, open_booking, pick_slot, sent
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


async def bob_books_in_chat(api: LocalBotApi) -> None:
    """Bob Brown (1012) books Mia's Monday 15:00 of week 4 in the chat, a lesson asking for
    approval (tests.support.factories.require_approval): returns once the requests to
    confirm it have reached the teacher (1002) and the admin (1001)."""
    bob = api.user(1012)
    await pick_slot(bob)
    before = api.seq
    await confirm(bob)
    await api.settle(1002, before, until=sent)
    await api.settle(1001, before, until=sent)


async def bob_opens_mias_booking(
    api: LocalBotApi, services: Services, ids: SchoolIds
) -> tuple[BookingView, UserClient]:
    """The school books Mia's Monday 15:00 of week 4, and Bob (1012) opens it from
    /mybookings: the booking, and Bob's chat showing its card."""
    view = await book_for(services, ids, ids.mia, time(15))
    bob = api.user(1012)
    await open_booking(bob)
    return view, bob


async def widen_piano(services: Services, alpha: SchoolIds) -> None:
    """Open piano 08:00-20:00 Monday to Friday, as a school file's import would."""
    async with services.sessions() as session, session.begin():
        await session.execute(
            delete(AvailabilityWindow).where(AvailabilityWindow.lesson_id == alpha.piano)
        )
        session.add_all(
            AvailabilityWindow(lesson_id=alpha.piano, day=d, start_time=time(8), end_time=time(20))
            for d in range(5)
        )
        await session.execute(
            update(School)
            .where(School.id == alpha.school)
            .values(catalog_version=School.catalog_version + 1)
        )
    slots = await services.booking.available_slots(alpha.school, alpha.piano, 4, Actor.admin("t"))
    assert len(slots) > 100  # more than any keyboard could hold


async def is_open(services: Services, ids: SchoolIds, lesson: int) -> bool:
    """Whether families may book the hybrid ``lesson`` now."""
    return (await services.directory.lesson(ids.school, lesson)).bookings_open
