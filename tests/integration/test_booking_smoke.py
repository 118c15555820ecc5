"""The booking service's main path on a real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.errors import AlreadyBooked, NotFound, NotYourStudent, SlotTaken
from core.services import Services
from core.views import Actor
from tests.support.factories import build_two_schools


@pytest.fixture
async def world(sessions, clock):
    alpha, beta = await build_two_schools(sessions)
    return Services.build(sessions, clock), alpha, beta


async def test_parent_books_a_free_slot_and_it_disappears(world):
    services, alpha, _ = world
    parent = Actor.parent(alpha.smith_parent)
    slots = await services.booking.available_slots(alpha.school, alpha.piano, 4, parent)
    # Monday 15:00-19:00 (8 slots) + Wednesday 15:30-18:00 minus the choir 16:00-17:00 (3 slots)
    assert len(slots) == 8 + 3
    first = slots[0]
    assert first.start_at == datetime(2027, 2, 22, 4, 0, tzinfo=UTC)  # 15:00 Sydney (UTC+11)
    booking = await services.booking.create_booking(
        alpha.school, parent, alpha.piano, alpha.emma, 4, first.start_at
    )
    assert booking.student_name == "Emma Smith"
    assert booking.local_start.strftime("%H:%M") == "15:00"
    again = await services.booking.available_slots(alpha.school, alpha.piano, 4, parent)
    assert first not in again and len(again) == len(slots) - 1
    # the same teacher's other hybrid lesson lost that slot too
    theory = await services.booking.available_slots(alpha.school, alpha.theory, 4, parent)
    assert first.start_at not in [s.start_at for s in theory]


async def test_second_booking_same_week_and_taken_slot_refused(world):
    services, alpha, _ = world
    parent = Actor.parent(alpha.smith_parent)
    slots = await services.booking.available_slots(alpha.school, alpha.piano, 4, parent)
    await services.booking.create_booking(
        alpha.school, parent, alpha.piano, alpha.emma, 4, slots[0].start_at
    )
    with pytest.raises(AlreadyBooked):
        await services.booking.create_booking(
            alpha.school, parent, alpha.piano, alpha.emma, 4, slots[1].start_at
        )
    with pytest.raises(SlotTaken):
        await services.booking.create_booking(
            alpha.school, parent, alpha.piano, alpha.liam, 4, slots[0].start_at
        )


async def test_cross_family_and_cross_school_refused(world):
    services, alpha, beta = world
    slots = await services.booking.available_slots(
        alpha.school, alpha.piano, 4, Actor.parent(alpha.smith_parent)
    )
    with pytest.raises(NotYourStudent):
        await services.booking.create_booking(
            alpha.school,
            Actor.parent(alpha.brown_parent),
            alpha.piano,
            alpha.emma,
            4,
            slots[0].start_at,
        )
    with pytest.raises(NotFound):
        await services.booking.create_booking(
            beta.school, Actor.admin("x"), alpha.piano, alpha.emma, 4, slots[0].start_at
        )
    assert await services.booking.school_bookings(alpha.school) == []


async def test_reschedule_and_cancel_and_stats(world):
    services, alpha, _ = world
    parent = Actor.parent(alpha.smith_parent)
    slots = await services.booking.available_slots(alpha.school, alpha.piano, 4, parent)
    b = await services.booking.create_booking(
        alpha.school, parent, alpha.piano, alpha.emma, 4, slots[0].start_at
    )
    moved = await services.booking.reschedule_booking(
        alpha.school, parent, b.id, 4, slots[2].start_at
    )
    assert moved.id == b.id and moved.start_at == slots[2].start_at and moved.sequence == 1
    stats = await services.booking.lesson_stats(alpha.school, alpha.piano)
    assert (stats.enrolled, stats.expected, stats.booked, stats.pending) == (3, 6, 1, 5)
    cancelled = await services.booking.cancel_booking(alpha.school, parent, b.id, "ill")
    assert cancelled.status.value == "CANCELLED" and cancelled.cancel_reason == "ill"
    stats = await services.booking.lesson_stats(alpha.school, alpha.piano)
    assert stats.booked == 0
    events = await services.calendar.events(
        alpha.school, datetime(2027, 2, 22).date(), datetime(2027, 2, 28).date()
    )
    kinds = sorted({e.kind.value for e in events})
    assert kinds == ["GROUP", "HYBRID_PLACEHOLDER"]
