"""Moving a booking within its week: the old slot kept when the new is taken, the notice on
both ends, closed bookings, refusals that change nothing, cancelled bookings.

On a real PostgreSQL, read as the rules of DESIGN.md (the school: tests.support.bookings)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.errors import (
    AlreadyBooked,
    BookingsClosed,
    InvalidState,
    NotFound,
    NoticeTooShort,
    NotYourStudent,
    SlotTaken,
    SlotUnavailable,
)
from tests.support.bookings import (
    ADMIN,
    MON4_1500,
    MON4_1530,
    MON4_1600,
    MON8_1500,
    WED4_1700,
    brown,
    jane_books_emma,
    parent,
    snapshot,
)


async def test_reschedule_keeps_the_old_booking_when_the_new_slot_is_taken(world, sessions):
    services, alpha, _ = world
    emma = await jane_books_emma(services, alpha, MON4_1500)
    await services.booking.create_booking(
        alpha.school, brown(alpha), alpha.piano, alpha.mia, 4, MON4_1600
    )
    before = await snapshot(sessions)
    with pytest.raises(SlotTaken):
        await services.booking.reschedule_booking(
            alpha.school, parent(alpha), emma.id, 4, MON4_1600
        )
    assert await snapshot(sessions) == before
    assert await services.booking.get_booking(alpha.school, emma.id) == emma


async def test_reschedule_moves_the_booking_and_frees_the_old_slot(world):
    services, alpha, _ = world
    emma = await jane_books_emma(services, alpha, MON4_1500)
    moved = await services.booking.reschedule_booking(
        alpha.school, parent(alpha), emma.id, 8, MON8_1500
    )
    assert (moved.id, moved.week, moved.start_at, moved.sequence) == (emma.id, 8, MON8_1500, 1)
    assert moved.updated_by == parent(alpha).label
    liam = await services.booking.create_booking(
        alpha.school, parent(alpha), alpha.piano, alpha.liam, 4, MON4_1500
    )
    assert liam.start_at == MON4_1500


async def test_parent_cannot_reschedule_inside_24_hours_of_the_current_slot(world, clock, sessions):
    services, alpha, _ = world
    emma = await jane_books_emma(services, alpha, MON4_1500)
    clock.set(MON4_1500 - timedelta(hours=23))
    before = await snapshot(sessions)
    with pytest.raises(NoticeTooShort, match="current booking"):
        await services.booking.reschedule_booking(
            alpha.school, parent(alpha), emma.id, 4, WED4_1700
        )
    assert await snapshot(sessions) == before


async def test_parent_cannot_reschedule_into_a_slot_inside_24_hours(world, clock, sessions):
    services, alpha, _ = world
    emma = await jane_books_emma(services, alpha, WED4_1700)
    clock.set(MON4_1500 - timedelta(hours=23, minutes=59))
    before = await snapshot(sessions)
    with pytest.raises(NoticeTooShort, match="new time"):
        await services.booking.reschedule_booking(
            alpha.school, parent(alpha), emma.id, 4, MON4_1500
        )
    assert await snapshot(sessions) == before


async def test_admin_can_reschedule_inside_24_hours_and_is_recorded(world, clock):
    services, alpha, _ = world
    emma = await jane_books_emma(services, alpha, MON4_1530)
    clock.set(MON4_1500 - timedelta(hours=2))
    moved = await services.booking.reschedule_booking(alpha.school, ADMIN, emma.id, 4, MON4_1500)
    assert moved.start_at == MON4_1500
    assert moved.updated_by == "admin:alice" and moved.booked_by == parent(alpha).label


async def test_parent_cannot_reschedule_while_bookings_are_closed(world, sessions):
    services, alpha, _ = world
    emma = await jane_books_emma(services, alpha, MON4_1500)
    await services.booking.set_bookings_open(alpha.school, alpha.piano, False, ADMIN)
    before = await snapshot(sessions)
    with pytest.raises(BookingsClosed):
        await services.booking.reschedule_booking(
            alpha.school, parent(alpha), emma.id, 4, MON4_1600
        )
    assert await snapshot(sessions) == before
    moved = await services.booking.reschedule_booking(alpha.school, ADMIN, emma.id, 4, MON4_1600)
    assert moved.start_at == MON4_1600


async def test_reschedule_refusals_leave_the_booking_alone(world, sessions):
    services, alpha, _ = world
    emma = await jane_books_emma(services, alpha, MON4_1500)
    await jane_books_emma(services, alpha, MON8_1500, week=8)
    before = await snapshot(sessions)
    with pytest.raises(AlreadyBooked):  # Emma already has week 8
        await services.booking.reschedule_booking(
            alpha.school, parent(alpha), emma.id, 8, MON8_1500 + timedelta(hours=1)
        )
    with pytest.raises(InvalidState):  # same time
        await services.booking.reschedule_booking(
            alpha.school, parent(alpha), emma.id, 4, MON4_1500
        )
    with pytest.raises(SlotUnavailable):  # a group week
        await services.booking.reschedule_booking(
            alpha.school, parent(alpha), emma.id, 3, MON4_1500 - timedelta(days=7)
        )
    with pytest.raises(NotYourStudent):
        await services.booking.reschedule_booking(alpha.school, brown(alpha), emma.id, 4, MON4_1600)
    with pytest.raises(NotFound):
        await services.booking.reschedule_booking(alpha.school, ADMIN, 999_999, 4, MON4_1600)
    assert await snapshot(sessions) == before


async def test_a_cancelled_booking_cannot_be_rescheduled(world):
    services, alpha, _ = world
    emma = await jane_books_emma(services, alpha, MON4_1500)
    await services.booking.cancel_booking(alpha.school, parent(alpha), emma.id)
    with pytest.raises(InvalidState):
        await services.booking.reschedule_booking(alpha.school, ADMIN, emma.id, 4, MON4_1600)
