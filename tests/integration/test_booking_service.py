"""Every booking-service operation on a real PostgreSQL, read as the rules of DESIGN.md.

School alpha (Australia/Sydney, UTC+11 in February and March): teacher Sam teaches piano
(hybrid, Monday 16:00, individual weeks 4 and 8, 30-minute slots from Monday 15:00-19:00 and
Wednesday 15:30-18:00), theory (hybrid, Tuesday 17:00, individual week 4, Monday 15:00-17:00)
and the choir (group, Wednesday 16:00-17:00). Term 1 starts Monday 2027-02-01, so week 4 is
Monday 2027-02-22. The clock stands at Tuesday 2027-01-19 09:00 UTC unless a test moves it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from core.calendar.events import EventKind
from core.calendar.service import CalendarFilter
from core.db.models import BookingStatus, Invite, Parent, Term
from core.errors import (
    AlreadyBooked,
    BookingsClosed,
    InvalidInvite,
    InvalidState,
    NotAllowed,
    NotFound,
    NoticeTooShort,
    NotYourStudent,
    SlotTaken,
    SlotUnavailable,
)
from core.services import Services
from core.views import Actor, BookingView
from tests.support.factories import SchoolIds, build_two_schools

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


@pytest.fixture
async def world(sessions, clock):
    alpha, beta = await build_two_schools(sessions)
    return Services.build(sessions, clock), alpha, beta


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


# ====================================================================== available slots


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


# ====================================================================== create


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


# ====================================================================== reschedule


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


# ====================================================================== cancel


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


# ====================================================================== reading bookings


@pytest.fixture
async def booked(world):
    """Emma piano weeks 4 and 8, Liam piano week 4, Emma theory week 4 (cancelled), Mia piano."""
    services, alpha, beta = world
    made = {
        "emma4": (alpha.piano, alpha.emma, 4, MON4_1500),
        "emma8": (alpha.piano, alpha.emma, 8, MON8_1500),
        "liam4": (alpha.piano, alpha.liam, 4, MON4_1600),
        "theory": (alpha.theory, alpha.emma, 4, MON4_1530),
        "mia4": (alpha.piano, alpha.mia, 4, WED4_1700),
    }
    b = services.booking
    ids = {
        name: (await b.create_booking(alpha.school, ADMIN, lesson, student, week, at)).id
        for name, (lesson, student, week, at) in made.items()
    }
    await b.cancel_booking(alpha.school, ADMIN, ids["theory"], "dropped")
    return services, alpha, beta, ids


async def test_parent_bookings_show_only_the_familys_active_bookings_soonest_first(booked):
    services, alpha, _, ids = booked
    rows = await services.booking.parent_bookings(alpha.school, alpha.smith_parent)
    assert [r.id for r in rows] == [ids["emma4"], ids["liam4"], ids["emma8"]]
    brown_rows = await services.booking.parent_bookings(alpha.school, alpha.brown_parent)
    assert [r.id for r in brown_rows] == [ids["mia4"]]


async def test_parent_bookings_filters(booked, clock):
    services, alpha, _, ids = booked
    b = services.booking
    with_cancelled = await b.parent_bookings(
        alpha.school, alpha.smith_parent, include_cancelled=True
    )
    assert ids["theory"] in [r.id for r in with_cancelled] and len(with_cancelled) == 4
    only_liam = await b.parent_bookings(alpha.school, alpha.smith_parent, student_id=alpha.liam)
    assert [r.id for r in only_liam] == [ids["liam4"]]
    only_theory = await b.parent_bookings(
        alpha.school, alpha.smith_parent, lesson_id=alpha.theory, include_cancelled=True
    )
    assert [r.id for r in only_theory] == [ids["theory"]]
    assert await b.parent_bookings(alpha.school, alpha.smith_parent, lesson_id=alpha.theory) == []
    clock.set(sydney(3, 1, 9))  # after week 4
    upcoming = await b.parent_bookings(alpha.school, alpha.smith_parent)
    assert [r.id for r in upcoming] == [ids["emma8"]]
    everything = await b.parent_bookings(alpha.school, alpha.smith_parent, upcoming_only=False)
    assert len(everything) == 3
    # another family's child as a filter shows nothing of theirs
    assert await b.parent_bookings(alpha.school, alpha.smith_parent, student_id=alpha.mia) == []


async def test_lesson_bookings_filters(booked, clock):
    services, alpha, _, ids = booked
    b = services.booking
    piano = await b.lesson_bookings(alpha.school, alpha.piano)
    assert [r.id for r in piano] == [ids["emma4"], ids["liam4"], ids["mia4"], ids["emma8"]]
    week8 = await b.lesson_bookings(alpha.school, alpha.piano, week=8)
    assert [r.id for r in week8] == [ids["emma8"]]
    theory = await b.lesson_bookings(alpha.school, alpha.theory)
    assert theory == []
    theory_all = await b.lesson_bookings(alpha.school, alpha.theory, include_cancelled=True)
    assert [r.id for r in theory_all] == [ids["theory"]]
    cancelled = await b.lesson_bookings(alpha.school, alpha.theory, status=BookingStatus.CANCELLED)
    assert [r.cancel_reason for r in cancelled] == ["dropped"]
    clock.set(sydney(3, 1, 9))
    upcoming = await b.lesson_bookings(alpha.school, alpha.piano, upcoming_only=True)
    assert [r.id for r in upcoming] == [ids["emma8"]]
    with pytest.raises(NotFound):
        await b.lesson_bookings(alpha.school, 999_999)


async def test_lesson_stats_count_active_bookings_and_name_who_has_not_booked(booked):
    services, alpha, _, _ = booked
    piano = await services.booking.lesson_stats(alpha.school, alpha.piano)
    assert (piano.enrolled, piano.expected, piano.booked, piano.pending) == (3, 6, 4, 2)
    assert piano.completion_rate == pytest.approx(4 / 6)
    week4, week8 = piano.weeks
    assert (week4.booked, week8.booked) == (3, 1)
    assert [m.student_name for m in week8.missing] == ["Mia Brown", "Liam Smith"]
    assert week8.missing[0].unreachable is False  # Bob has a Telegram account
    theory = await services.booking.lesson_stats(alpha.school, alpha.theory)
    assert (theory.enrolled, theory.expected, theory.booked) == (2, 2, 0)  # cancelled ignored
    assert theory.missing_families == ["Brown family", "Smith family"]
    every = await services.booking.school_stats(alpha.school)
    assert [s.lesson_key for s in every] == ["theory", "piano"]  # by lesson name
    with pytest.raises(NotAllowed):
        await services.booking.lesson_stats(alpha.school, alpha.group)


async def test_school_bookings_list_the_whole_school(booked):
    services, alpha, _, ids = booked
    rows = await services.booking.school_bookings(alpha.school)
    assert len(rows) == 4 and ids["theory"] not in [r.id for r in rows]
    assert len(await services.booking.school_bookings(alpha.school, include_cancelled=True)) == 5
    assert (
        len(await services.booking.school_bookings(alpha.school, lesson_id=alpha.piano, week=4))
        == 3
    )


# ====================================================================== checks and switches


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


# ====================================================================== calendar


def week4() -> tuple[date, date]:
    return date(2027, 2, 22), date(2027, 2, 28)


async def test_calendar_kinds_per_lesson_type_and_booked_sessions(booked):
    services, alpha, _, ids = booked
    events = await services.calendar.events(alpha.school, *week4())
    kinds = [(e.kind, e.title) for e in events if e.kind is not EventKind.BOOKED_SESSION]
    assert kinds == [
        (EventKind.HYBRID_PLACEHOLDER, "Piano Foundations (individual week: book a slot)"),
        (EventKind.HYBRID_PLACEHOLDER, "Music Theory (individual week: book a slot)"),
        (EventKind.GROUP, "Junior Choir"),
    ]
    sessions = [e for e in events if e.kind is EventKind.BOOKED_SESSION]
    assert sorted(e.uid for e in sessions) == sorted(
        f"booking-{ids[k]}" for k in ("emma4", "liam4", "mia4")
    )  # the cancelled theory booking is not shown
    assert all(e.teacher == "Sam Jones" and e.location == "Main Studio" for e in sessions)
    group_week = await services.calendar.events(alpha.school, date(2027, 2, 15), date(2027, 2, 21))
    assert sorted(e.kind.value for e in group_week) == ["GROUP", "HYBRID_GROUP", "HYBRID_GROUP"]


async def test_calendar_family_filter_shows_only_that_familys_lessons_and_bookings(booked):
    services, alpha, _, ids = booked
    events = await services.calendar.events(
        alpha.school, *week4(), CalendarFilter(family_id=alpha.brown_family)
    )
    assert EventKind.GROUP not in {e.kind for e in events}  # Mia is not in the choir
    sessions = [e.uid for e in events if e.kind is EventKind.BOOKED_SESSION]
    assert sessions == [f"booking-{ids['mia4']}"]


async def test_calendar_teacher_location_and_term_filters(booked, sessions):
    services, alpha, beta, _ = booked
    cal = services.calendar
    everything = await cal.events(alpha.school, *week4())
    mine = await cal.events(alpha.school, *week4(), CalendarFilter(teacher_id=alpha.teacher))
    assert mine == everything
    assert (
        await cal.events(alpha.school, *week4(), CalendarFilter(teacher_id=alpha.other_teacher))
        == []
    )
    async with sessions() as session:
        term = await session.scalar(select(Term.id).where(Term.school_id == alpha.school))
        beta_term = await session.scalar(select(Term.id).where(Term.school_id == beta.school))
    assert await cal.events(alpha.school, *week4(), CalendarFilter(term_id=term)) == everything
    assert await cal.events(alpha.school, *week4(), CalendarFilter(term_id=beta_term)) == []
    locations = await services.directory.locations(alpha.school)
    by_location = await cal.events(
        alpha.school, *week4(), CalendarFilter(location_id=locations[0][0])
    )
    assert by_location == everything
    beta_locations = await services.directory.locations(beta.school)
    assert (
        await cal.events(alpha.school, *week4(), CalendarFilter(location_id=beta_locations[0][0]))
        == []
    )


async def test_calendar_of_a_rescheduled_booking_keeps_its_uid_and_counts_the_change(booked):
    services, alpha, _, ids = booked
    await services.booking.reschedule_booking(alpha.school, ADMIN, ids["emma4"], 4, MON4_1800)
    [event] = await services.calendar.booking_events(alpha.school, [ids["emma4"]])
    assert event.uid == f"booking-{ids['emma4']}" and event.start == MON4_1800
    assert event.sequence == 1 and not event.cancelled
    [cancelled] = await services.calendar.booking_events(alpha.school, [ids["theory"]])
    assert cancelled.cancelled


# ====================================================================== invites


async def test_invite_links_one_parent_once_and_only_a_hash_is_stored(world, sessions):
    services, alpha, _ = world
    issued = await services.invites.issue(alpha.school, alpha.smith_family)
    assert [i.parent_id for i in issued] == [alpha.smith_parent, alpha.smith_second_parent]
    assert issued[0].link("musicbot").startswith("https://t.me/musicbot?start=")
    assert len(issued[0].token) <= 64
    async with sessions() as session:
        hashes = set((await session.scalars(select(Invite.token_hash))).all())
    assert hashes == {hashlib.sha256(i.token.encode()).hexdigest() for i in issued}
    assert not any(i.token in hashes for i in issued)
    linked = await services.invites.redeem(issued[1].token, 777)
    assert (linked.school_id, linked.parent_id, linked.parent_name) == (
        alpha.school,
        alpha.smith_second_parent,
        "John Smith",
    )
    async with sessions() as session:
        john = await session.get(Parent, alpha.smith_second_parent)
        assert john is not None and john.telegram_id == 777
    assert await services.invites.redeem(issued[1].token, 777) == linked  # same account again
    with pytest.raises(InvalidInvite, match="already been used"):
        await services.invites.redeem(issued[1].token, 778)


async def test_expired_and_unknown_invites_are_refused(world, clock):
    services, alpha, _ = world
    [issued] = await services.invites.issue(alpha.school, alpha.brown_family, timedelta(days=1))
    with pytest.raises(InvalidInvite, match="not valid"):
        await services.invites.redeem("no-such-token", 555)
    clock.advance(timedelta(days=1))
    with pytest.raises(InvalidInvite, match="expired"):
        await services.invites.redeem(issued.token, 555)


# ====================================================================== multi-tenancy

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
