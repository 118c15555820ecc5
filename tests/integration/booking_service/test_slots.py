"""A lesson week's free slots: 24 hours ahead for parents, every future slot for the school;
closed lessons, the teacher's other lessons and bookings, group weeks.

On a real PostgreSQL, read as the rules of DESIGN.md (the school: tests.support.bookings)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.errors import BookingsClosed, NotAllowed, SlotUnavailable
from tests.support.bookings import (
    ADMIN,
    MON4_1500,
    MON4_1530,
    MON4_1600,
    WED4_1600,
    WED4_1700,
    brown,
    jane_books_emma,
    parent,
    sydney,
)


async def test_parent_sees_only_slots_at_least_24_hours_ahead_admin_sees_every_future_slot(
    world, clock
):
    services, alpha, _ = world
    clock.set(MON4_1600 - timedelta(hours=24))  # exactly 24 h before Monday 16:00
    for_parent = await services.booking.available_slots(alpha.school, alpha.piano, 4, parent(alpha))
    for_admin = await services.booking.available_slots(alpha.school, alpha.piano, 4, ADMIN)
    assert for_parent[0].start_at == MON4_1600
    assert len(for_parent) == 6 + 3  # Monday 16:00-18:30 and Wednesday's three
    assert len(for_admin) == 8 + 3
    assert for_admin[0].start_at == MON4_1500
    clock.set(MON4_1600 + timedelta(minutes=10))  # the admin loses only started slots
    for_admin = await services.booking.available_slots(alpha.school, alpha.piano, 4, ADMIN)
    assert for_admin[0].start_at == sydney(2, 22, 16, 30)


async def test_default_actor_of_available_slots_is_held_to_the_parent_rules(world, clock):
    services, alpha, _ = world
    clock.set(MON4_1600 - timedelta(hours=24))
    assert len(await services.booking.available_slots(alpha.school, alpha.piano, 4)) == 9


async def test_closed_lesson_refuses_parents_but_the_school_still_sees_its_slots(world):
    services, alpha, _ = world
    assert await services.booking.set_bookings_open(alpha.school, alpha.piano, False, ADMIN)
    with pytest.raises(BookingsClosed):
        await services.booking.available_slots(alpha.school, alpha.piano, 4, parent(alpha))
    assert len(await services.booking.available_slots(alpha.school, alpha.piano, 4, ADMIN)) == 11


async def test_slots_exclude_the_teachers_regular_lessons_and_bookings_in_other_lessons(world):
    services, alpha, _ = world
    slots = [
        s.start_at
        for s in await services.booking.available_slots(alpha.school, alpha.piano, 4, ADMIN)
    ]
    assert WED4_1600 not in slots and sydney(2, 24, 16, 30) not in slots  # the choir
    assert sydney(2, 24, 15, 30) in slots and WED4_1700 in slots
    await services.booking.create_booking(
        alpha.school, brown(alpha), alpha.theory, alpha.mia, 4, MON4_1530
    )
    piano = [
        s.start_at
        for s in await services.booking.available_slots(alpha.school, alpha.piano, 4, ADMIN)
    ]
    assert MON4_1530 not in piano and MON4_1500 in piano and MON4_1600 in piano


async def test_a_cancelled_booking_gives_its_slot_back(world):
    services, alpha, _ = world
    booking = await jane_books_emma(services, alpha, MON4_1500)
    await services.booking.cancel_booking(alpha.school, parent(alpha), booking.id, "changed plans")
    slots = await services.booking.available_slots(alpha.school, alpha.piano, 4, parent(alpha))
    assert slots[0].start_at == MON4_1500


async def test_group_weeks_and_weeks_outside_the_term_have_no_slots(world):
    services, alpha, _ = world
    for week in (3, 0, 11):
        with pytest.raises(SlotUnavailable):
            await services.booking.available_slots(alpha.school, alpha.piano, week, parent(alpha))
    with pytest.raises(NotAllowed):
        await services.booking.available_slots(alpha.school, alpha.group, 4, parent(alpha))
