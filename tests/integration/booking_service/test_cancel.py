"""Cancelling a booking: the reason and who cancelled, the 24-hour notice, twice, while bookings
are closed, another family's booking.

On a real PostgreSQL, read as the rules of DESIGN.md (the school: tests.support.bookings)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.db.models import BookingStatus
from core.errors import InvalidState, NoticeTooShort, NotYourStudent
from core.views import Actor
from tests.support.bookings import (
    ADMIN,
    MON4_1500,
    MON4_1600,
    brown,
    jane_books_emma,
    parent,
    snapshot,
)


async def test_cancel_records_the_reason_and_who_cancelled(world, clock):
    services, alpha, _ = world
    emma = await jane_books_emma(services, alpha, MON4_1500)
    cancelled = await services.booking.cancel_booking(
        alpha.school, parent(alpha), emma.id, "  sick  "
    )
    assert cancelled.status is BookingStatus.CANCELLED
    assert cancelled.cancel_reason == "sick"
    assert cancelled.cancelled_by == parent(alpha).label
    assert cancelled.sequence == 1 and not cancelled.active
    blank = await services.booking.create_booking(
        alpha.school, parent(alpha), alpha.piano, alpha.liam, 4, MON4_1600
    )
    assert (
        await services.booking.cancel_booking(alpha.school, ADMIN, blank.id)
    ).cancel_reason is None


async def test_parent_cannot_cancel_inside_24_hours_but_admin_can(world, clock, sessions):
    services, alpha, _ = world
    emma = await jane_books_emma(services, alpha, MON4_1500)
    clock.set(MON4_1500 - timedelta(hours=23, minutes=59))
    before = await snapshot(sessions)
    with pytest.raises(NoticeTooShort):
        await services.booking.cancel_booking(alpha.school, parent(alpha), emma.id, "late")
    assert await snapshot(sessions) == before
    cancelled = await services.booking.cancel_booking(alpha.school, ADMIN, emma.id, "teacher ill")
    assert cancelled.cancelled_by == "admin:alice" and cancelled.cancel_reason == "teacher ill"


async def test_parent_can_cancel_exactly_24_hours_ahead(world, clock):
    services, alpha, _ = world
    emma = await jane_books_emma(services, alpha, MON4_1500)
    clock.set(MON4_1500 - timedelta(hours=24))
    cancelled = await services.booking.cancel_booking(alpha.school, parent(alpha), emma.id)
    assert cancelled.status is BookingStatus.CANCELLED


async def test_cancelling_twice_is_an_invalid_state(world, sessions):
    services, alpha, _ = world
    emma = await jane_books_emma(services, alpha, MON4_1500)
    await services.booking.cancel_booking(alpha.school, parent(alpha), emma.id, "first")
    before = await snapshot(sessions)
    with pytest.raises(InvalidState, match="already cancelled"):
        await services.booking.cancel_booking(alpha.school, ADMIN, emma.id, "second")
    assert await snapshot(sessions) == before


async def test_parent_can_cancel_while_bookings_are_closed(world):
    services, alpha, _ = world
    emma = await jane_books_emma(services, alpha, MON4_1500)
    await services.booking.set_bookings_open(alpha.school, alpha.piano, False, ADMIN)
    cancelled = await services.booking.cancel_booking(alpha.school, parent(alpha), emma.id)
    assert cancelled.status is BookingStatus.CANCELLED


async def test_parent_cannot_cancel_another_familys_booking(world, sessions):
    services, alpha, _ = world
    emma = await jane_books_emma(services, alpha, MON4_1500)
    before = await snapshot(sessions)
    with pytest.raises(NotYourStudent):
        await services.booking.cancel_booking(alpha.school, brown(alpha), emma.id, "mine now")
    assert await snapshot(sessions) == before
    # the second parent of the same family may
    second = Actor.parent(alpha.smith_second_parent, "John Smith")
    assert (await services.booking.cancel_booking(alpha.school, second, emma.id)).cancelled_by == (
        second.label
    )
