"""The service's checks and switches: teacher conflicts, opening and closing bookings,
attendance, who is a child's parent, finding a slot by local time.

On a real PostgreSQL, read as the rules of DESIGN.md (the school: tests.support.bookings)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.db.models import BookingStatus
from core.errors import InvalidState, NotAllowed, SlotUnavailable
from core.views import Actor
from tests.support.bookings import (
    ADMIN,
    MON4_1500,
    MON4_1530,
    MON4_1600,
    MON4_1800,
    MONDAY,
    SYDNEY,
    WED4_1600,
    WED4_1700,
    WEDNESDAY,
    parent,
    sydney,
)


async def test_check_conflict_sees_bookings_of_any_lesson_and_regular_lessons(booked):
    services, alpha, _, ids = booked
    b = services.booking
    half_hour = timedelta(minutes=30)
    assert await b.check_conflict(alpha.school, alpha.teacher, MON4_1500, MON4_1500 + half_hour)
    assert await b.check_conflict(
        alpha.school, alpha.teacher, MON4_1500 + timedelta(minutes=20), MON4_1800
    )
    # the cancelled theory booking at 15:30 does not count; 15:30-16:00 is free
    assert not await b.check_conflict(alpha.school, alpha.teacher, MON4_1530, MON4_1600)
    assert await b.check_conflict(alpha.school, alpha.teacher, WED4_1600, WED4_1600 + half_hour)
    assert not await b.check_conflict(
        alpha.school,
        alpha.teacher,
        MON4_1500,
        MON4_1500 + half_hour,
        exclude_booking_id=ids["emma4"],
    )
    assert not await b.check_conflict(
        alpha.school, alpha.other_teacher, MON4_1500, MON4_1500 + half_hour
    )


async def test_only_the_school_can_open_or_close_bookings(world, clock):
    services, alpha, _ = world
    b = services.booking
    with pytest.raises(NotAllowed):
        await b.set_bookings_open(alpha.school, alpha.piano, False, parent(alpha))
    assert await b.set_bookings_open(alpha.school, alpha.piano, True, ADMIN) is False  # no change
    assert await b.set_bookings_open(alpha.school, alpha.piano, False, ADMIN) is True
    assert (await b.lesson_stats(alpha.school, alpha.piano)).bookings_open is False
    assert await b.set_bookings_open(alpha.school, alpha.piano, True, Actor.system()) is True
    ref = await services.directory.lesson(alpha.school, alpha.piano)
    assert ref.bookings_open and ref.opened_at == clock.now()
    with pytest.raises(NotAllowed):
        await b.set_bookings_open(alpha.school, alpha.group, True, ADMIN)


async def test_attendance_is_marked_by_the_school_after_the_session_starts(booked, clock):
    services, alpha, _, ids = booked
    b = services.booking
    with pytest.raises(NotAllowed):
        await b.mark_attendance(alpha.school, parent(alpha), ids["emma4"], BookingStatus.COMPLETED)
    with pytest.raises(InvalidState, match="once it has started"):
        await b.mark_attendance(alpha.school, ADMIN, ids["emma4"], BookingStatus.COMPLETED)
    with pytest.raises(InvalidState):
        await b.mark_attendance(alpha.school, ADMIN, ids["emma4"], BookingStatus.CONFIRMED)
    clock.set(MON4_1800)
    done = await b.mark_attendance(alpha.school, ADMIN, ids["emma4"], BookingStatus.COMPLETED)
    assert done.status is BookingStatus.COMPLETED and done.updated_by == "admin:alice"
    absent = await b.mark_attendance(alpha.school, ADMIN, ids["liam4"], BookingStatus.NO_SHOW)
    assert absent.status is BookingStatus.NO_SHOW
    with pytest.raises(InvalidState, match="cancelled"):
        await b.mark_attendance(alpha.school, ADMIN, ids["theory"], BookingStatus.COMPLETED)
    with pytest.raises(InvalidState):  # a completed session can no longer be cancelled
        await b.cancel_booking(alpha.school, ADMIN, ids["emma4"])
    assert (await b.lesson_stats(alpha.school, alpha.piano)).completed == 1


async def test_is_parent_of_holds_only_within_the_family_and_school(world):
    services, alpha, beta = world
    b = services.booking
    assert await b.is_parent_of(alpha.school, alpha.smith_parent, alpha.emma)
    assert await b.is_parent_of(alpha.school, alpha.smith_second_parent, alpha.liam)
    assert not await b.is_parent_of(alpha.school, alpha.smith_parent, alpha.mia)
    assert not await b.is_parent_of(alpha.school, beta.smith_parent, alpha.emma)
    assert not await b.is_parent_of(beta.school, alpha.smith_parent, alpha.emma)


async def test_slot_at_finds_the_slot_by_local_time_and_asks_for_the_day_when_ambiguous(world):
    services, alpha, _ = world
    b = services.booking
    assert await b.slot_at(alpha.school, alpha.piano, 4, MON4_1500.astimezone(SYDNEY).time()) == (
        MON4_1500
    )
    five = WED4_1700.astimezone(SYDNEY).time()  # Monday and Wednesday both have 17:00
    with pytest.raises(SlotUnavailable, match="say which day"):
        await b.slot_at(alpha.school, alpha.piano, 4, five)
    assert await b.slot_at(alpha.school, alpha.piano, 4, five, WEDNESDAY) == WED4_1700
    assert await b.slot_at(alpha.school, alpha.piano, 4, five, MONDAY) == sydney(2, 22, 17)
    with pytest.raises(SlotUnavailable):
        await b.slot_at(
            alpha.school,
            alpha.piano,
            4,
            (MON4_1500 + timedelta(minutes=10)).astimezone(SYDNEY).time(),
        )
    with pytest.raises(SlotUnavailable):
        await b.slot_at(alpha.school, alpha.piano, 3, five, MONDAY)
