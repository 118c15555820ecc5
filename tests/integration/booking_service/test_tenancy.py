"""Schools never see each other: another school's ids are not found and change nothing, its
reads show nothing, its parents cannot act here.

On a real PostgreSQL, read as the rules of DESIGN.md (the school: tests.support.bookings)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from core.calendar.events import EventKind
from core.calendar.service import CalendarFilter
from core.db.models import BookingStatus
from core.errors import NotFound, NotYourStudent
from core.services import Services
from core.views import Actor
from tests.support.bookings import ADMIN, MON4_1500, MON4_1600, jane_books_emma, snapshot, week4
from tests.support.factories import SchoolIds

Operation = Callable[[Services, SchoolIds, SchoolIds, int], Awaitable[Any]]

# Each operation asks school beta about something of school alpha (booking id given).
FOREIGN_OPERATIONS: dict[str, Operation] = {
    "available_slots": lambda s, a, b, _: s.booking.available_slots(b.school, a.piano, 4, ADMIN),
    "slot_at": lambda s, a, b, _: s.booking.slot_at(b.school, a.piano, 4, MON4_1500.time()),
    "create_booking": lambda s, a, b, _: s.booking.create_booking(
        b.school, ADMIN, a.piano, a.liam, 4, MON4_1600
    ),
    "create_with_foreign_student": lambda s, a, b, _: s.booking.create_booking(
        b.school, ADMIN, b.piano, a.liam, 4, MON4_1600
    ),
    "create_with_foreign_lesson": lambda s, a, b, _: s.booking.create_booking(
        b.school, ADMIN, a.piano, b.emma, 4, MON4_1600
    ),
    "reschedule_booking": lambda s, a, b, bid: s.booking.reschedule_booking(
        b.school, ADMIN, bid, 4, MON4_1600
    ),
    "cancel_booking": lambda s, a, b, bid: s.booking.cancel_booking(b.school, ADMIN, bid, "x"),
    "mark_attendance": lambda s, a, b, bid: s.booking.mark_attendance(
        b.school, ADMIN, bid, BookingStatus.NO_SHOW
    ),
    "get_booking": lambda s, a, b, bid: s.booking.get_booking(b.school, bid),
    "parent_bookings": lambda s, a, b, _: s.booking.parent_bookings(b.school, a.smith_parent),
    "lesson_bookings": lambda s, a, b, _: s.booking.lesson_bookings(b.school, a.piano),
    "lesson_stats": lambda s, a, b, _: s.booking.lesson_stats(b.school, a.piano),
    "set_bookings_open": lambda s, a, b, _: s.booking.set_bookings_open(
        b.school, a.piano, False, ADMIN
    ),
    "check_conflict": lambda s, a, b, _: s.booking.check_conflict(
        b.school, a.teacher, MON4_1500, MON4_1600
    ),
    "directory_lesson": lambda s, a, b, _: s.directory.lesson(b.school, a.piano),
    "directory_family": lambda s, a, b, _: s.directory.family(b.school, a.smith_family),
    "directory_children": lambda s, a, b, _: s.directory.children(b.school, a.smith_parent),
    "invites_issue": lambda s, a, b, _: s.invites.issue(b.school, a.smith_family),
}


@pytest.mark.parametrize("operation", sorted(FOREIGN_OPERATIONS))
async def test_ids_of_another_school_are_not_found_and_change_nothing(world, sessions, operation):
    services, alpha, beta = world
    booking = await jane_books_emma(services, alpha, MON4_1500)
    before = await snapshot(sessions)
    with pytest.raises(NotFound):
        await FOREIGN_OPERATIONS[operation](services, alpha, beta, booking.id)
    assert await snapshot(sessions) == before
    assert (await services.booking.lesson_stats(alpha.school, alpha.piano)).bookings_open


async def test_reads_of_another_school_show_nothing_of_it(world, sessions):
    services, alpha, beta = world
    booking = await jane_books_emma(services, alpha, MON4_1500)
    assert await services.booking.school_bookings(beta.school) == []
    assert not await services.booking.is_parent_of(beta.school, alpha.smith_parent, alpha.emma)
    assert await services.calendar.booking_events(beta.school, [booking.id]) == []
    for filters in (
        CalendarFilter(teacher_id=alpha.teacher),
        CalendarFilter(family_id=alpha.smith_family),
    ):
        events = await services.calendar.events(beta.school, *week4(), filters)
        assert all(not e.uid.startswith(f"booking-{booking.id}") for e in events)
        assert all(e.kind is not EventKind.BOOKED_SESSION for e in events)
    beta_titles = {e.title for e in await services.calendar.events(beta.school, *week4())}
    assert f"booking-{booking.id}" not in beta_titles


async def test_a_parent_of_another_school_cannot_act_here(world, sessions):
    services, alpha, beta = world
    booking = await jane_books_emma(services, alpha, MON4_1500)
    outsider = Actor.parent(beta.smith_parent)
    before = await snapshot(sessions)
    with pytest.raises(NotYourStudent):
        await services.booking.reschedule_booking(alpha.school, outsider, booking.id, 4, MON4_1600)
    with pytest.raises(NotYourStudent):
        await services.booking.cancel_booking(alpha.school, outsider, booking.id)
    with pytest.raises(NotFound):
        await services.booking.parent_bookings(alpha.school, beta.smith_parent)
    assert await snapshot(sessions) == before
