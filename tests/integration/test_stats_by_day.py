"""Stats that know what day it is, on a real PostgreSQL with an injected clock.

School alpha is in Sydney (UTC+11 in February): piano's week 4 is Monday 2027-02-22 to
Sunday 2027-02-28, with slots Monday 15:00-19:00 and Wednesday 15:30-18:00; its last slot
starts Wednesday 24 February 17:30 local time, 06:30 UTC. Once that slot has started nobody
can book week 4 any more: it leaves the "to book" count, its unbooked students are "not
booked", and completion is over what could still be booked plus what was booked.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import delete, update

from core.clock import FixedClock
from core.db.models import (
    AvailabilityWindow,
    BookingStatus,
    HybridPattern,
    Lesson,
    LessonType,
    Term,
)
from core.services import Services
from core.views import Actor
from tests.support.cli import cli_env, run_cli
from tests.support.factories import build_two_schools

ADMIN = Actor.admin("Alice Admin")
LAST_SLOT_OF_WEEK4 = datetime(2027, 2, 24, 6, 30, tzinfo=UTC)  # Wed 17:30 in Sydney


@pytest.fixture
async def alpha(sessions, clock: FixedClock):
    alpha, _ = await build_two_schools(sessions)
    return Services.build(sessions, clock), alpha


async def book(services: Services, ids, student: int, week: int, at: time) -> int:  # type: ignore[no-untyped-def]
    start = await services.booking.slot_at(ids.school, ids.piano, week, at, day=0)
    view = await services.booking.create_booking(ids.school, ADMIN, ids.piano, student, week, start)
    return view.id


async def test_a_week_leaves_the_to_book_count_once_its_last_slot_has_started(
    alpha, clock: FixedClock
) -> None:
    services, ids = alpha
    await book(services, ids, ids.emma, 4, time(15))
    before = await services.booking.lesson_stats(ids.school, ids.piano)
    assert (before.expected, before.booked, before.pending) == (6, 1, 5)
    assert before.past_weeks == () and before.completion_rate == pytest.approx(1 / 6)

    clock.set(LAST_SLOT_OF_WEEK4 - timedelta(minutes=1))  # an admin could still book 17:30
    assert (await services.booking.lesson_stats(ids.school, ids.piano)).pending == 5

    clock.set(LAST_SLOT_OF_WEEK4)
    after = await services.booking.lesson_stats(ids.school, ids.piano)
    week4, week8 = after.weeks
    assert (week4.past, week4.booked, week4.not_booked, week4.to_book) == (True, 1, 2, 0)
    assert (week8.past, week8.to_book) == (False, 3)
    assert after.expected == 6  # students x individual weeks, as the contract says
    assert (after.booked, after.pending, after.not_booked_past) == (1, 3, 2)
    assert after.completion_rate == pytest.approx(1 / 4)  # booked / (booked + still to book)
    assert after.past_weeks == (4,)
    assert "Brown family" in after.missing_families  # still to book week 8
    assert not await services.booking.available_slots(ids.school, ids.piano, 4, actor=ADMIN)


async def test_per_week_attended_and_no_show_come_from_the_marks(alpha, clock: FixedClock) -> None:
    services, ids = alpha
    emma = await book(services, ids, ids.emma, 4, time(15))
    liam = await book(services, ids, ids.liam, 4, time(15, 30))
    await book(services, ids, ids.mia, 8, time(15))
    clock.set(datetime(2027, 2, 22, 5, 0, tzinfo=UTC))  # Monday 16:00: both sessions started
    await services.attendance.mark(ids.school, ADMIN, emma, BookingStatus.COMPLETED)
    await services.attendance.mark(ids.school, ADMIN, liam, BookingStatus.NO_SHOW)
    stats = await services.booking.lesson_stats(ids.school, ids.piano)
    week4, week8 = stats.weeks
    assert (week4.booked, week4.attended, week4.no_show, week4.past) == (2, 1, 1, False)
    assert (week8.booked, week8.attended, week8.no_show) == (1, 0, 0)
    assert (stats.attended, stats.no_show, stats.booked) == (1, 1, 3)
    clock.set(datetime(2027, 3, 1, tzinfo=UTC))
    over = await services.booking.lesson_stats(ids.school, ids.piano)
    assert (over.weeks[0].past, over.weeks[0].attended, over.weeks[0].no_show) == (True, 1, 1)
    assert (over.pending, over.not_booked_past) == (2, 1)  # week 8: Emma, Liam; week 4: Mia
    assert over.completion_rate == pytest.approx(3 / 5)


async def test_a_week_without_availability_is_past_once_it_has_ended(
    alpha, sessions, clock: FixedClock
) -> None:
    services, ids = alpha
    async with sessions() as session, session.begin():
        await session.execute(
            update(HybridPattern)
            .where(HybridPattern.lesson_id == ids.theory)
            .values(individual_weeks=[3, 4])
        )
        await session.execute(
            delete(AvailabilityWindow).where(AvailabilityWindow.lesson_id == ids.theory)
        )
    clock.set(datetime(2027, 2, 21, 12, 59, tzinfo=UTC))  # Sunday 23:59 of week 3 in Sydney
    theory = await services.booking.lesson_stats(ids.school, ids.theory)
    assert theory.past_weeks == ()
    assert theory.pending == 4
    clock.set(datetime(2027, 2, 21, 13, 0, tzinfo=UTC))  # Monday of week 4, midnight in Sydney
    theory = await services.booking.lesson_stats(ids.school, ids.theory)
    assert (theory.past_weeks, theory.pending, theory.not_booked_past) == ((3,), 2, 2)


async def test_school_stats_of_one_term_and_one_teacher(alpha, sessions) -> None:
    services, ids = alpha
    async with sessions() as session, session.begin():
        later = Term(
            school_id=ids.school, key="t2", name="Term 2", start_date=date(2027, 4, 26), weeks=10
        )
        session.add(later)
        await session.flush()
        session.add(
            Lesson(
                school_id=ids.school,
                key="violin",
                name="Violin",
                type=LessonType.HYBRID,
                term_id=later.id,
                teacher_id=ids.other_teacher,
                day=3,
                start_time=time(16),
                duration_minutes=60,
                hybrid=HybridPattern(school_id=ids.school, individual_weeks=[2], slot_minutes=20),
            )
        )
        term1 = (await session.get(Lesson, ids.piano)).term_id  # type: ignore[union-attr]
        term2 = later.id
    every = await services.booking.school_stats(ids.school)
    assert [s.lesson_key for s in every] == ["theory", "piano", "violin"]
    first = await services.booking.school_stats(ids.school, term_id=term1)
    assert [s.lesson_key for s in first] == ["theory", "piano"]
    second = await services.booking.school_stats(ids.school, term_id=term2)
    assert [s.lesson_key for s in second] == ["violin"]
    kims = await services.booking.school_stats(
        ids.school, term_id=term1, teacher_id=ids.other_teacher
    )
    assert kims == []


async def test_cli_stats_json_keeps_its_keys_and_adds_the_days_gone_by(
    db_url, sessions, tmp_path
) -> None:
    """On the CLI's own (real) clock: term 1 moved so that week 4 was last week and week 8
    is in three weeks; Emma attended week 4, Liam did not come, Mia never booked it."""
    today = date.today()
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=4)
    alpha, _ = await build_two_schools(sessions)
    async with sessions() as session, session.begin():
        await session.execute(
            update(Term).where(Term.school_id == alpha.school).values(start_date=start)
        )
    booking_week4 = datetime.combine(start + timedelta(weeks=3), time(), UTC) - timedelta(days=2)
    services = Services.build(sessions, FixedClock(booking_week4))
    emma = await book(services, alpha, alpha.emma, 4, time(15))
    liam = await book(services, alpha, alpha.liam, 4, time(15, 30))
    services = Services.build(sessions, FixedClock(datetime.now(UTC)))
    await services.attendance.mark(alpha.school, ADMIN, emma, BookingStatus.COMPLETED)
    await services.attendance.mark(alpha.school, ADMIN, liam, BookingStatus.NO_SHOW)

    code, out, err = await run_cli(
        cli_env(db_url),
        tmp_path,
        "stats",
        "--school",
        "alpha",
        "--lesson",
        "piano",
        "--format",
        "json",
    )
    assert code == 0, err
    stats = json.loads(out)
    for key in (
        "lesson", "lesson_name", "bookings_open", "enrolled", "individual_weeks", "expected",
        "booked", "completed", "pending", "completion_rate", "weeks",
    ):  # fmt: skip
        assert key in stats  # the contract's keys, never renamed
    assert (stats["expected"], stats["booked"], stats["pending"], stats["to_book"]) == (6, 2, 3, 3)
    assert (stats["attended"], stats["no_show"], stats["completed"]) == (1, 1, 1)
    assert stats["past_weeks"] == [4] and stats["not_booked_past"] == 1
    assert stats["completion_rate"] == pytest.approx(0.4)
    week4, week8 = stats["weeks"]
    assert {"week", "booked", "expected", "not_booked"} <= set(week4)
    assert (week4["past"], week4["to_book"], week4["not_booked_count"]) == (True, 0, 1)
    assert (week4["attended"], week4["no_show"]) == (1, 1)
    assert [s["student"] for s in week4["not_booked"]] == ["mia"]
    assert (week8["past"], week8["to_book"], week8["booked"]) == (False, 3, 0)

    code, out, _ = await run_cli(
        cli_env(db_url), tmp_path, "stats", "--school", "alpha", "--lesson", "piano"
    )
    assert code == 0
    assert "3 still to book, 1 completed, 1 no-show, 1 not booked in past weeks" in out
    assert "week 4: 2/3 booked (past), 1 attended, 1 no-show; not booked: Mia Brown" in out
