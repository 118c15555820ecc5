"""The booking rules hold once: the catalog path (slots, create) and the ORM path
(reschedule, slot_at) agree on who may act while bookings are closed, and on the slots."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from core.booking.queries import lesson_of
from core.booking.rules import individual_slots
from core.db.engine import unit_of_work
from core.errors import BookingsClosed, DomainError, NotAllowed
from core.services import Services
from core.views import Actor, ActorRole
from tests.support.factories import build_two_schools

SYDNEY = ZoneInfo("Australia/Sydney")
ADMIN = Actor.admin("alice")


def sydney(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=SYDNEY).astimezone(UTC)


MON4_1500, MON4_1530, MON4_1600 = sydney(2, 22, 15), sydney(2, 22, 15, 30), sydney(2, 22, 16)


def actors(parent_id: int) -> dict[str, Actor]:
    return {
        "parent": Actor.parent(parent_id, "Jane Smith"),
        "admin": ADMIN,
        "school's CLI": Actor.system(),
        "teacher": Actor(ActorRole.TEACHER, "teacher:1"),
    }


def outcome(result: object) -> str:
    return type(result).__name__ if isinstance(result, DomainError) else "done"


async def attempt(operation: object) -> str:
    try:
        await operation  # type: ignore[misc]
    except DomainError as refused:
        return outcome(refused)
    return "done"


@pytest.mark.parametrize("who", ["parent", "admin", "school's CLI", "teacher"])
async def test_book_and_reschedule_agree_on_who_may_act_while_bookings_are_closed(
    sessions, clock, who: str
) -> None:
    services = Services.build(sessions, clock)
    alpha, _ = await build_two_schools(sessions)
    actor = actors(alpha.smith_parent)[who]
    booking = services.booking
    moved = await booking.create_booking(alpha.school, ADMIN, alpha.piano, alpha.liam, 4, MON4_1500)
    await booking.set_bookings_open(alpha.school, alpha.piano, False, ADMIN)

    book = await attempt(
        booking.create_booking(alpha.school, actor, alpha.piano, alpha.emma, 4, MON4_1530)
    )
    move = await attempt(booking.reschedule_booking(alpha.school, actor, moved.id, 4, MON4_1600))
    slots = await attempt(booking.available_slots(alpha.school, alpha.piano, 4, actor))

    expected = {
        "parent": "BookingsClosed",  # the family may not book or move while closed
        "admin": "done",
        "school's CLI": "done",
        "teacher": "NotAllowed",  # read-only: neither path lets a teacher change bookings
    }[who]
    assert book == move == expected
    assert slots == ("done" if expected == "done" else "BookingsClosed")


async def test_a_teacher_cannot_cancel_either(sessions, clock) -> None:
    services = Services.build(sessions, clock)
    alpha, _ = await build_two_schools(sessions)
    made = await services.booking.create_booking(
        alpha.school, ADMIN, alpha.piano, alpha.emma, 4, MON4_1500
    )
    with pytest.raises(NotAllowed):
        await services.booking.cancel_booking(
            alpha.school, Actor(ActorRole.TEACHER, "teacher:1"), made.id
        )


async def test_the_cached_plan_and_the_orm_lesson_cut_the_same_slots(sessions, clock) -> None:
    services = Services.build(sessions, clock)
    alpha, _ = await build_two_schools(sessions)
    async with unit_of_work(sessions) as session:
        catalog = await services.catalogs.current(session, alpha.school)
        orm_lesson = await lesson_of(session, alpha.school, alpha.piano)
        plan = catalog.lesson(alpha.piano)
        assert plan is not None
        for week in range(1, 11):
            from_orm = individual_slots(orm_lesson, week, SYDNEY)
            assert list(catalog.week_slots(plan, week)) == from_orm
            assert individual_slots(plan, week, SYDNEY) == from_orm
    # and the two paths find the same slot by time
    at = MON4_1530.astimezone(SYDNEY).time()
    assert await services.booking.slot_at(alpha.school, alpha.piano, 4, at, day=0) == MON4_1530


async def test_parent_refused_while_closed_is_bookings_closed_on_both_paths(
    sessions, clock
) -> None:
    services = Services.build(sessions, clock)
    alpha, _ = await build_two_schools(sessions)
    jane = Actor.parent(alpha.smith_parent, "Jane Smith")
    made = await services.booking.create_booking(
        alpha.school, jane, alpha.piano, alpha.emma, 4, MON4_1500
    )
    await services.booking.set_bookings_open(alpha.school, alpha.piano, False, ADMIN)
    with pytest.raises(BookingsClosed):
        await services.booking.reschedule_booking(alpha.school, jane, made.id, 4, MON4_1600)
    with pytest.raises(BookingsClosed):
        await services.booking.create_booking(
            alpha.school, jane, alpha.piano, alpha.liam, 4, MON4_1600
        )
