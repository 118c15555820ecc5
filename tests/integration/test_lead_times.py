"""Session reminders at the school's lead times, and quiet hours, on a real PostgreSQL.

The injected clock walks through daylight-saving nights (Europe/Berlin: the last Sundays
of March and October 2027): lead times are absolute time, quiet hours the school's wall
clock.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from core.clock import FixedClock
from core.db.models import Term
from core.db.records import SentReminder
from core.reminders.due import legacy_session_key
from core.reminders.service import SESSION
from core.services import Services
from scheduler.notifier import Notifier
from scheduler.sweeps import run_sweep
from tests.support.factories import SchoolIds, build_two_schools
from tests.support.reminders import ADMIN, book_at, make_notifier, set_rules


@pytest.fixture
async def world(sessions, clock) -> tuple[Services, SchoolIds]:  # type: ignore[no-untyped-def]
    alpha, _ = await build_two_schools(sessions)
    return Services.build(sessions, clock), alpha


async def sweep(services: Services, notifier: Notifier, clock: FixedClock, at: datetime) -> int:
    clock.set(at)
    report = await run_sweep(services.sessions, notifier, clock, SESSION)
    assert report is not None
    return report.sent


async def test_a_parent_gets_one_reminder_at_each_lead_time(api, world, notifier, clock):
    services, alpha = world
    await set_rules(services, alpha.school, {"before_session": ["24h", "2h"]})
    booking = await book_at(services, alpha, 4, "15:00")
    start = booking.start_at
    sent = [
        await sweep(services, notifier, clock, at)
        for at in (
            start - timedelta(hours=24, minutes=1),
            start - timedelta(hours=24),
            start - timedelta(hours=23),
            start - timedelta(hours=2, minutes=1),
            start - timedelta(hours=2),
            start - timedelta(minutes=1),
            start,
        )
    ]
    assert sent == [0, 1, 0, 0, 1, 0, 0]
    titles = [m["text"].splitlines()[0] for m in api.chat(1011)]
    assert titles == ["Reminder: Piano Foundations"] * 2
    async with services.sessions() as session:
        keys = set((await session.scalars(select(SentReminder.dedupe_key))).all())
    epoch = int(start.timestamp())
    assert keys == {
        f"ss:{booking.id}:{epoch}:1440m:{alpha.smith_parent}",
        f"ss:{booking.id}:{epoch}:120m:{alpha.smith_parent}",
    }


async def test_a_missed_reminder_goes_late_but_never_after_a_shorter_lead_is_due(
    api, world, notifier, clock
):
    services, alpha = world
    await set_rules(services, alpha.school, {"before_session": ["1d", "2h", "30m"]})
    booking = await book_at(services, alpha, 4, "15:00")
    start = booking.start_at
    # the bot was down from a day before until 3 hours before: the 24h one goes late
    assert await sweep(services, notifier, clock, start - timedelta(hours=3)) == 1
    # down again until 20 minutes before: the 2h one is skipped, the 30m one goes
    assert await sweep(services, notifier, clock, start - timedelta(minutes=20)) == 1
    assert await sweep(services, notifier, clock, start - timedelta(minutes=19)) == 0
    assert len(api.chat(1011)) == 2


async def test_cancelled_sessions_get_none_and_moved_ones_those_of_their_new_time(
    api, world, notifier, clock
):
    services, alpha = world
    await set_rules(services, alpha.school, {"before_session": ["24h", "2h"]})
    first = await book_at(services, alpha, 4, "15:00")
    assert await sweep(services, notifier, clock, first.start_at - timedelta(hours=24)) == 1
    slots = await services.booking.available_slots(alpha.school, alpha.piano, 4, ADMIN)
    later = next(s for s in slots if s.start_at >= first.start_at + timedelta(hours=2))
    moved = await services.booking.reschedule_booking(
        alpha.school, ADMIN, first.id, 4, later.start_at
    )
    # the old time's 2h instant: nothing (the session is no longer then)
    assert await sweep(services, notifier, clock, first.start_at - timedelta(hours=2)) == 1
    # ... that one was the new time's 24h reminder, late; its 2h one comes at its time
    assert await sweep(services, notifier, clock, moved.start_at - timedelta(hours=2)) == 1
    await services.booking.cancel_booking(alpha.school, ADMIN, moved.id, "ill")
    assert await sweep(services, notifier, clock, moved.start_at - timedelta(minutes=30)) == 0
    assert len(api.chat(1011)) == 3


async def test_a_24_hour_reminder_sent_under_the_old_key_is_not_sent_again(
    api, world, notifier, clock
):
    services, alpha = world
    booking = await book_at(services, alpha, 4, "15:00")
    async with services.sessions() as session, session.begin():
        session.add(
            SentReminder(
                school_id=alpha.school,
                dedupe_key=legacy_session_key(booking.id, booking.start_at, alpha.smith_parent),
                kind=SESSION,
                parent_id=alpha.smith_parent,
                status="SENT",
                created_at=clock.now(),
            )
        )
    assert await sweep(services, notifier, clock, booking.start_at - timedelta(hours=20)) == 0


# --- daylight saving (Europe/Berlin) ------------------------------------------------------


async def test_a_2h_reminder_across_the_spring_change_fires_at_the_right_instant(
    api, world, notifier, clock
):
    services, alpha = world
    await set_rules(services, alpha.school, {"before_session": ["24h", "2h"]}, "Europe/Berlin")
    # Sunday 28 March 2027, 03:30 CEST = 01:30 UTC; clocks went 02:00 -> 03:00 at 01:00 UTC
    booking = await book_at(services, alpha, 8, "03:30", sunday="03:00-04:00")
    assert booking.start_at == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert await sweep(services, notifier, clock, datetime(2027, 3, 27, 1, 30, tzinfo=UTC)) == 1
    # two hours before is 23:30 UTC, 00:30 CET: three hours earlier on the wall clock
    assert await sweep(services, notifier, clock, datetime(2027, 3, 27, 23, 29, tzinfo=UTC)) == 0
    assert await sweep(services, notifier, clock, datetime(2027, 3, 27, 23, 30, tzinfo=UTC)) == 1
    assert await sweep(services, notifier, clock, datetime(2027, 3, 28, 0, 30, tzinfo=UTC)) == 0
    assert len(api.chat(1011)) == 2


async def test_quiet_hours_end_at_eight_on_the_wall_clock_after_the_spring_change(
    api, world, notifier, clock
):
    services, alpha = world
    rules = {"before_session": ["24h", "2h"], "quiet_hours": "21:00-08:00"}
    await set_rules(services, alpha.school, rules, "Europe/Berlin")
    # Sunday 28 March 2027, 09:30 CEST = 07:30 UTC
    booking = await book_at(services, alpha, 8, "09:30", sunday="09:00-10:00")
    start = booking.start_at
    assert start == datetime(2027, 3, 28, 7, 30, tzinfo=UTC)
    # 24 hours before is Saturday 08:30 CET (07:30 UTC): 23 hours earlier on the wall clock
    assert await sweep(services, notifier, clock, start - timedelta(hours=24, minutes=1)) == 0
    assert await sweep(services, notifier, clock, start - timedelta(hours=24)) == 1
    # the 2h one falls due at 07:30 CEST (05:30 UTC), inside the quiet hours
    assert await sweep(services, notifier, clock, start - timedelta(hours=2)) == 0
    # 06:59 UTC is 07:59 CEST (the winter offset would make 06:00 UTC still quiet: 07:00 CET)
    assert await sweep(services, notifier, clock, datetime(2027, 3, 28, 5, 59, tzinfo=UTC)) == 0
    assert await sweep(services, notifier, clock, datetime(2027, 3, 28, 6, 0, tzinfo=UTC)) == 1
    assert len(api.chat(1011)) == 2


async def test_quiet_hours_after_the_autumn_change_and_a_session_begun_by_their_end(
    api, world, notifier, clock
):
    services, alpha = world
    rules = {"before_session": ["24h", "2h"], "quiet_hours": "21:00-08:00"}
    await set_rules(services, alpha.school, rules, "Europe/Berlin")
    async with services.sessions() as session, session.begin():  # week 4 holds Sunday 31 Oct
        await session.execute(update(Term).values(start_date=datetime(2027, 10, 4).date()))
    clock.set(datetime(2027, 10, 1, 9, 0, tzinfo=UTC))
    late = await book_at(services, alpha, 4, "09:30", sunday="07:00-10:00")
    early = await book_at(services, alpha, 4, "07:00", student=alpha.liam)
    assert late.start_at == datetime(2027, 10, 31, 8, 30, tzinfo=UTC)  # 09:30 CET
    assert early.start_at == datetime(2027, 10, 31, 6, 0, tzinfo=UTC)  # 07:00 CET
    # the day before, each 24h reminder at its instant (08:00 and 10:30 CEST)
    assert await sweep(services, notifier, clock, datetime(2027, 10, 30, 6, 0, tzinfo=UTC)) == 1
    assert await sweep(services, notifier, clock, datetime(2027, 10, 30, 8, 30, tzinfo=UTC)) == 1
    # both 2h ones fall due inside the quiet hours (05:00 and 07:30 CET)
    assert await sweep(services, notifier, clock, datetime(2027, 10, 31, 4, 0, tzinfo=UTC)) == 0
    # the night of the change: 06:59 UTC is 07:59 CET, still quiet (summer time would be 08:59)
    assert await sweep(services, notifier, clock, datetime(2027, 10, 31, 6, 59, tzinfo=UTC)) == 0
    # 08:00 CET: the 09:30 session's 2h reminder goes; the 07:00 session has begun: skipped
    assert await sweep(services, notifier, clock, datetime(2027, 10, 31, 7, 0, tzinfo=UTC)) == 1
    assert await sweep(services, notifier, clock, datetime(2027, 10, 31, 7, 1, tzinfo=UTC)) == 0
    assert len(api.chat(1011)) == 3


async def test_two_sweepers_at_once_send_each_lead_time_once(api, world, clock):
    services, alpha = world
    await set_rules(services, alpha.school, {"before_session": ["24h", "2h"]})
    booking = await book_at(services, alpha, 4, "15:00")
    bot_a, first = make_notifier(api)
    bot_b, second = make_notifier(api)
    async with bot_a, bot_b:
        for at in (booking.start_at - timedelta(hours=24), booking.start_at - timedelta(hours=2)):
            clock.set(at)
            await asyncio.gather(
                run_sweep(services.sessions, first, clock, SESSION),
                run_sweep(services.sessions, second, clock, SESSION),
            )
    assert api.metrics()["delivered"] == {"1011": 2}
