"""Making a booking: the 24-hour notice, closed bookings, the family's own enrolled child, a real
free slot, one per individual week, what the booking shows; a teacher change racing it.

On a real PostgreSQL, read as the rules of DESIGN.md (the school: tests.support.bookings)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from core.db.models import BookingStatus
from core.errors import (
    BookingsClosed,
    InvalidState,
    NotAllowed,
    NoticeTooShort,
    NotYourStudent,
    SlotTaken,
    SlotUnavailable,
)
from core.views import Actor
from tests.support.bookings import (
    ADMIN,
    MON4_1500,
    MON4_1530,
    MON4_1800,
    MON8_1500,
    SYDNEY,
    WED4_1600,
    brown,
    jane_books_emma,
    parent,
    snapshot,
    sydney,
)


async def test_parent_cannot_book_inside_24_hours(world, clock, sessions):
    services, alpha, _ = world
    clock.set(MON4_1500 - timedelta(hours=23, minutes=59))
    before = await snapshot(sessions)
    with pytest.raises(NoticeTooShort):
        await jane_books_emma(services, alpha, MON4_1500)
    assert await snapshot(sessions) == before


async def test_parent_can_book_exactly_24_hours_ahead(world, clock):
    services, alpha, _ = world
    clock.set(MON4_1500 - timedelta(hours=24))
    booking = await jane_books_emma(services, alpha, MON4_1500)
    assert booking.start_at == MON4_1500 and booking.status is BookingStatus.CONFIRMED
    assert booking.booked_by == f"parent:{alpha.smith_parent} Jane Smith"


async def test_admin_can_book_inside_24_hours_but_not_a_session_that_has_started(world, clock):
    services, alpha, _ = world
    clock.set(MON4_1500 + timedelta(minutes=10))
    booking = await services.booking.create_booking(
        alpha.school, ADMIN, alpha.piano, alpha.emma, 4, MON4_1530
    )
    assert booking.booked_by == "admin:alice"
    with pytest.raises(InvalidState):
        await services.booking.create_booking(
            alpha.school, ADMIN, alpha.piano, alpha.liam, 4, MON4_1500
        )


async def test_parent_cannot_book_while_bookings_are_closed_but_admin_can(world, sessions):
    services, alpha, _ = world
    await services.booking.set_bookings_open(alpha.school, alpha.piano, False, ADMIN)
    before = await snapshot(sessions)
    with pytest.raises(BookingsClosed):
        await jane_books_emma(services, alpha, MON4_1500)
    assert await snapshot(sessions) == before
    booking = await services.booking.create_booking(
        alpha.school, ADMIN, alpha.piano, alpha.emma, 4, MON4_1500
    )
    assert booking.booked_by == "admin:alice"


async def test_parent_cannot_book_for_another_familys_child(world, sessions):
    services, alpha, beta = world
    before = await snapshot(sessions)
    for actor in (brown(alpha), Actor.parent(beta.smith_parent), Actor.parent(999_999)):
        with pytest.raises(NotYourStudent):
            await services.booking.create_booking(
                alpha.school, actor, alpha.piano, alpha.emma, 4, MON4_1500
            )
    assert await snapshot(sessions) == before


async def test_student_not_enrolled_in_the_lesson_cannot_be_booked(world, sessions):
    services, alpha, _ = world
    with pytest.raises(NotAllowed, match="not enrolled"):
        await services.booking.create_booking(
            alpha.school, parent(alpha), alpha.theory, alpha.liam, 4, MON4_1500
        )
    assert await snapshot(sessions) == []


async def test_a_time_that_is_not_a_slot_is_refused(world, sessions):
    services, alpha, _ = world
    for week, start in (
        (4, MON4_1500 + timedelta(minutes=10)),  # off the 30-minute grid
        (4, MON8_1500),  # a slot of week 8 asked for as week 4
        (4, sydney(2, 22, 19)),  # the window ends at 19:00
        (4, sydney(2, 23, 15)),  # Tuesday: no window
    ):
        with pytest.raises(SlotUnavailable):
            await services.booking.create_booking(
                alpha.school, ADMIN, alpha.piano, alpha.emma, week, start
            )
    with pytest.raises(SlotUnavailable, match="group week"):
        await services.booking.create_booking(
            alpha.school, ADMIN, alpha.piano, alpha.emma, 3, MON4_1500 - timedelta(days=7)
        )
    assert await snapshot(sessions) == []


async def test_a_slot_during_the_teachers_regular_lesson_is_refused_even_for_admin(world, sessions):
    services, alpha, _ = world
    with pytest.raises(SlotTaken):
        await services.booking.create_booking(
            alpha.school, ADMIN, alpha.piano, alpha.emma, 4, WED4_1600
        )
    assert await snapshot(sessions) == []


async def test_a_slot_booked_in_the_teachers_other_lesson_is_taken(world, sessions):
    services, alpha, _ = world
    await services.booking.create_booking(
        alpha.school, brown(alpha), alpha.theory, alpha.mia, 4, MON4_1500
    )
    before = await snapshot(sessions)
    with pytest.raises(SlotTaken):
        await jane_books_emma(services, alpha, MON4_1500)
    assert await snapshot(sessions) == before


async def test_student_can_book_one_slot_per_individual_week_and_again_after_cancelling(world):
    services, alpha, _ = world
    week4 = await jane_books_emma(services, alpha, MON4_1500)
    week8 = await jane_books_emma(services, alpha, MON8_1500, week=8)
    assert (week4.week, week8.week) == (4, 8)
    await services.booking.cancel_booking(alpha.school, parent(alpha), week4.id)
    again = await jane_books_emma(services, alpha, MON4_1800)
    assert again.id != week4.id and again.local_start.strftime("%a %H:%M") == "Mon 18:00"


async def test_booking_view_carries_names_place_and_local_time(world):
    services, alpha, _ = world
    booking = await jane_books_emma(services, alpha, MON4_1500)
    assert (booking.lesson_key, booking.student_key, booking.family_name) == (
        "piano",
        "emma",
        "Smith family",
    )
    assert (booking.teacher_name, booking.place) == ("Sam Jones", "Main Studio, Room 1")
    assert booking.local_start == datetime(2027, 2, 22, 15, tzinfo=SYDNEY)
    assert booking.end_at - booking.start_at == timedelta(minutes=30)
    assert booking.sequence == 0 and booking.updated_by is None
    assert await services.booking.get_booking(alpha.school, booking.id) == booking


async def test_a_booking_racing_a_teacher_change_is_made_with_the_new_teacher(world, sessions):
    """An import gives piano another teacher just after a booking statement read the catalog
    version: the database's key (lesson, school, teacher) refuses the stale teacher, and the
    service reads the lesson afresh and books it with the new one."""
    services, alpha, _ = world
    await services.booking.available_slots(alpha.school, alpha.piano, 4, ADMIN)  # cached
    async with sessions() as session, session.begin():  # the change, version not yet seen
        await session.execute(
            text("UPDATE lessons SET teacher_id = :t WHERE id = :l"),
            {"t": alpha.other_teacher, "l": alpha.piano},
        )
    view = await services.booking.create_booking(
        alpha.school, ADMIN, alpha.piano, alpha.emma, 4, MON4_1500
    )
    async with sessions() as session:
        teacher = await session.scalar(
            text("SELECT teacher_id FROM bookings WHERE id = :b"), {"b": view.id}
        )
    assert teacher == alpha.other_teacher
