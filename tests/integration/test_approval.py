"""Booking approval on real PostgreSQL: a lesson with ``approval`` makes a parent's booking
PENDING; it holds its slot; the lesson's teacher or the school confirms (confirmedAt) or
declines it (the slot is free again); of two decisions exactly one wins.

School alpha is in Sydney: piano's week 4 starts Monday 22 February 2027 (the clock stands
at 2027-01-19 09:00 UTC); Sam teaches piano, Lee teaches theory.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.clock import FixedClock
from core.db.models import BookingStatus, HybridPattern
from core.errors import AlreadyBooked, AlreadyDecided, InvalidState, NotAllowed, SlotTaken
from core.school_file.importer import import_school
from core.services import Services
from core.views import Actor
from tests.support.factories import SchoolIds, build_two_schools, require_approval
from tests.support.school_files import base, problems_after

SYDNEY = ZoneInfo("Australia/Sydney")
MON4_1500 = datetime(2027, 2, 22, 15, tzinfo=SYDNEY)
MON4_1530 = datetime(2027, 2, 22, 15, 30, tzinfo=SYDNEY)
ADMIN = Actor.admin("alice")


@pytest.fixture
async def world(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> tuple[Services, SchoolIds, SchoolIds]:
    alpha, beta = await build_two_schools(sessions)
    await require_approval(sessions, alpha.piano)
    return Services.build(sessions, clock), alpha, beta


def bob(alpha: SchoolIds) -> Actor:
    return Actor.parent(alpha.brown_parent, "Bob Brown")


def jane(alpha: SchoolIds) -> Actor:
    return Actor.parent(alpha.smith_parent, "Jane Smith")


def sam(alpha: SchoolIds) -> Actor:
    return Actor.teacher(alpha.teacher, "Sam Jones")


async def _pending(services: Services, alpha: SchoolIds, at: datetime = MON4_1500) -> int:
    view = await services.booking.create_booking(
        alpha.school, bob(alpha), alpha.piano, alpha.mia, 4, at
    )
    assert view.status is BookingStatus.PENDING and view.confirmed_at is None
    return view.id


async def test_a_parents_booking_waits_and_holds_its_slot(world) -> None:
    services, alpha, _ = world
    booking_id = await _pending(services, alpha)
    stored = await services.booking.get_booking(alpha.school, booking_id)
    assert stored.status is BookingStatus.PENDING and stored.awaiting_confirmation
    free = await services.booking.available_slots(alpha.school, alpha.piano, 4, jane(alpha))
    assert MON4_1500 not in [s.start_at for s in free]
    with pytest.raises(SlotTaken):
        await services.booking.create_booking(
            alpha.school, jane(alpha), alpha.piano, alpha.emma, 4, MON4_1500
        )
    with pytest.raises(AlreadyBooked):  # one booking per student and week, PENDING counts
        await services.booking.create_booking(
            alpha.school, bob(alpha), alpha.piano, alpha.mia, 4, MON4_1530
        )
    assert await services.booking.check_conflict(  # the plan's conflict check: busy
        alpha.school, alpha.teacher, MON4_1500, MON4_1530
    )
    assert [b.id for b in await services.approval.pending(alpha.school)] == [booking_id]
    stats = await services.booking.lesson_stats(alpha.school, alpha.piano)
    assert stats.pending_status == 1


async def test_a_booking_the_school_makes_is_confirmed_at_once(world, clock) -> None:
    services, alpha, _ = world
    view = await services.booking.create_booking(
        alpha.school, ADMIN, alpha.piano, alpha.mia, 4, MON4_1500
    )
    assert view.status is BookingStatus.CONFIRMED and view.confirmed_at == clock.now()
    stored = await services.booking.get_booking(alpha.school, view.id)
    assert stored.status is BookingStatus.CONFIRMED and stored.confirmed_at == clock.now()
    theory = await services.booking.slot_at(alpha.school, alpha.theory, 4, time(16, 0))
    plain = await services.booking.create_booking(  # theory asks for no approval
        alpha.school, jane(alpha), alpha.theory, alpha.emma, 4, theory
    )
    assert plain.status is BookingStatus.CONFIRMED


async def test_the_teacher_confirms_and_a_second_confirmation_loses_cleanly(world, clock) -> None:
    services, alpha, _ = world
    booking_id = await _pending(services, alpha)
    confirmed = await services.approval.confirm(alpha.school, sam(alpha), booking_id)
    assert confirmed.status is BookingStatus.CONFIRMED
    assert confirmed.confirmed_at == clock.now()
    assert confirmed.confirmed_by == f"teacher:{alpha.teacher} Sam Jones"
    with pytest.raises(AlreadyDecided, match="already confirmed by Sam Jones"):
        await services.approval.confirm(alpha.school, ADMIN, booking_id)
    with pytest.raises(AlreadyDecided, match="already confirmed by Sam Jones"):
        await services.approval.decline(alpha.school, ADMIN, booking_id)
    assert await services.approval.pending(alpha.school) == []


async def test_a_declined_booking_frees_its_slot(world) -> None:
    services, alpha, _ = world
    booking_id = await _pending(services, alpha)
    declined = await services.approval.decline(
        alpha.school, ADMIN, booking_id, "  Please choose another time.  "
    )
    assert declined.status is BookingStatus.CANCELLED and declined.declined_at is not None
    assert declined.cancel_reason == "Please choose another time."
    assert declined.cancelled_by == "admin:alice"
    free = await services.booking.available_slots(alpha.school, alpha.piano, 4, jane(alpha))
    assert MON4_1500 in [s.start_at for s in free]
    again = await services.booking.create_booking(
        alpha.school, jane(alpha), alpha.piano, alpha.emma, 4, MON4_1500
    )
    assert again.status is BookingStatus.PENDING
    with pytest.raises(AlreadyDecided, match="already declined by alice"):
        await services.approval.confirm(alpha.school, ADMIN, booking_id)


async def test_only_the_lessons_teacher_or_the_school_decides(world) -> None:
    services, alpha, beta = world
    booking_id = await _pending(services, alpha)
    for who in (bob(alpha), Actor.teacher(alpha.other_teacher, "Lee")):
        with pytest.raises(NotAllowed, match="lesson's teacher or the school's admins"):
            await services.approval.confirm(alpha.school, who, booking_id)
    with pytest.raises(Exception, match="No booking"):
        await services.approval.confirm(beta.school, ADMIN, booking_id)
    with pytest.raises(InvalidState, match="at most 500"):
        await services.approval.decline(alpha.school, ADMIN, booking_id, "x" * 501)
    assert (await services.booking.get_booking(alpha.school, booking_id)).awaiting_confirmation


async def test_a_family_cancelling_a_pending_booking_leaves_nothing_to_decide(world) -> None:
    services, alpha, _ = world
    booking_id = await _pending(services, alpha)
    await services.booking.cancel_booking(alpha.school, bob(alpha), booking_id, "plans changed")
    with pytest.raises(AlreadyDecided, match="cancelled by Bob Brown; there is nothing"):
        await services.approval.confirm(alpha.school, sam(alpha), booking_id)


async def test_a_pending_booking_moved_stays_pending(world) -> None:
    services, alpha, _ = world
    booking_id = await _pending(services, alpha)
    moved = await services.booking.reschedule_booking(
        alpha.school, bob(alpha), booking_id, 4, MON4_1530
    )
    assert moved.status is BookingStatus.PENDING and moved.start_at == MON4_1530
    free = await services.booking.available_slots(alpha.school, alpha.piano, 4, jane(alpha))
    assert MON4_1500 in [s.start_at for s in free]
    assert MON4_1530 not in [s.start_at for s in free]


async def test_a_confirm_racing_a_decline_one_wins(world) -> None:
    services, alpha, _ = world
    for round_ in range(3):
        at = datetime(2027, 2, 22, 15 + round_, tzinfo=SYDNEY)
        student = (alpha.mia, alpha.emma, alpha.liam)[round_]
        who = bob(alpha) if student == alpha.mia else jane(alpha)
        view = await services.booking.create_booking(alpha.school, who, alpha.piano, student, 4, at)
        results = await asyncio.gather(
            services.approval.confirm(alpha.school, sam(alpha), view.id),
            services.approval.decline(alpha.school, ADMIN, view.id, "no"),
            services.approval.confirm(alpha.school, ADMIN, view.id),
            return_exceptions=True,
        )
        winners = [r for r in results if not isinstance(r, BaseException)]
        losers = [r for r in results if isinstance(r, BaseException)]
        assert len(winners) == 1 and len(losers) == 2
        assert all(isinstance(r, AlreadyDecided) for r in losers)
        final = await services.booking.get_booking(alpha.school, view.id)
        assert final.status is winners[0].status
        assert final.status in (BookingStatus.CONFIRMED, BookingStatus.CANCELLED)


def _with_approval(value: object) -> str:
    data = base()
    [hybrid] = [lesson for lesson in data["lessons"] if lesson.get("hybrid")][:1]
    hybrid["hybrid"]["approval"] = value
    return yaml.safe_dump(data, sort_keys=False)


async def test_approval_follows_the_school_file(sessions, clock) -> None:
    async def approval() -> list[bool]:
        async with sessions() as session:
            return list((await session.scalars(select(HybridPattern.approval))).all())

    await import_school(sessions, yaml.safe_dump(base(), sort_keys=False), clock=clock)
    assert set(await approval()) == {False}  # the default
    await import_school(sessions, _with_approval(True), clock=clock)
    assert True in await approval()
    again = await import_school(sessions, _with_approval(True), clock=clock)
    assert not any(c.created or c.updated for c in again.counts.values())  # idempotent
    await import_school(sessions, _with_approval(False), clock=clock)
    assert set(await approval()) == {False}


def test_a_bad_approval_value_is_refused_with_its_path() -> None:
    problems = problems_after(
        lambda data: next(x for x in data["lessons"] if x.get("hybrid"))["hybrid"].update(
            approval="maybe"
        )
    )
    assert any(".hybrid.approval" in p for p in problems), problems


async def test_a_waiting_booking_is_tentative_in_its_calendar_file_until_confirmed(world) -> None:
    from core.calendar.ics import booking_ics
    from core.calendar.service import booking_event

    services, alpha, _ = world
    booking_id = await _pending(services, alpha)
    waiting = booking_event(await services.booking.get_booking(alpha.school, booking_id))
    text = booking_ics(waiting, "Australia/Sydney").decode()
    assert "STATUS:TENTATIVE" in text and "STATUS:CONFIRMED" not in text
    await services.approval.confirm(alpha.school, sam(alpha), booking_id)
    confirmed = booking_event(await services.booking.get_booking(alpha.school, booking_id))
    text = booking_ics(confirmed, "Australia/Sydney").decode()
    assert "STATUS:CONFIRMED" in text and confirmed.sequence > waiting.sequence
