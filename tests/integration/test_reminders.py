"""Reminder sweeps on a real PostgreSQL, delivering to a local Bot API server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from telegram import Bot

from bot.local_api import LocalBotApi
from core.clock import FixedClock
from core.db.models import Parent, School
from core.db.records import SentReminder
from core.reminders import service as core
from core.reminders.service import NOT_BOOKED, SESSION
from core.services import Services
from handlers.reminder_texts import render
from scheduler.notifier import Notifier
from scheduler.sweeps import deliver, run_sweep, sweep_all
from tests.support import reminders as reminding
from tests.support.chat import TOKEN
from tests.support.reminders import ADMIN, MORNING


@pytest.fixture
async def world(sessions, clock):
    """Both schools; beta's bookings closed, so that only alpha's families are reminded."""
    return await reminding.alpha_to_remind(sessions, clock)


def make_notifier(api: LocalBotApi, services: Services, **pacing: float) -> tuple[Bot, Notifier]:
    """tests.support.reminders' notifier, marking a chat that blocked the bot as blocked."""

    async def on_blocked(chat_id: int) -> None:
        await services.directory.set_blocked(chat_id, services.clock.now())

    return reminding.make_notifier(api, on_blocked=on_blocked, **pacing)


@pytest.fixture
async def notifier(api: LocalBotApi, world) -> AsyncIterator[Notifier]:
    """This module's own notifier (tests/integration/conftest.py's does not mark blocked chats)."""
    bot, notifier = make_notifier(api, world[0])
    async with bot:
        yield notifier


def delivered(api: LocalBotApi) -> dict[str, int]:
    return api.metrics()["delivered"]


async def test_nothing_is_sent_outside_the_schools_hours(api, world, notifier, clock: FixedClock):
    services, _, beta = world
    await services.booking.set_bookings_open(beta.school, beta.piano, True, ADMIN)
    # the fixed clock is 20:00 in Sydney (the window [09:00, 20:00) has just closed)
    # and 09:00 in London: only school beta's families are reminded
    report = await sweep_all(services.sessions, notifier, clock)
    assert report.sent == 2 and delivered(api) == {"2011": 1, "2012": 1}
    await services.booking.set_bookings_open(beta.school, beta.piano, False, ADMIN)
    api.reset()
    clock.set(MORNING - timedelta(minutes=1))  # 08:59
    assert (await sweep_all(services.sessions, notifier, clock)).sent == 0
    clock.set(MORNING)  # 09:00 Sydney; 22:00 in London, where school beta waits for morning
    report = await sweep_all(services.sessions, notifier, clock)
    # Smith (piano: Emma, Liam; theory: Emma) and Brown (piano, theory: Mia): one per lesson
    assert delivered(api) == {"1011": 2, "1012": 2}
    assert report.sent == 4


async def test_a_family_message_lists_its_children_with_a_book_now_button_each(
    api, world, notifier, clock
):
    services, alpha, _ = world
    clock.set(MORNING)
    await sweep_all(services.sessions, notifier, clock)
    piano = next(m for m in api.chat(1011) if "Piano" in m["text"])
    assert "Emma Smith – week 4" in piano["text"] and "Liam Smith – week 8" in piano["text"]
    buttons = [b for row in piano["reply_markup"]["inline_keyboard"] for b in row]
    assert len(buttons) == 4  # two children x weeks 4 and 8
    assert buttons[0]["callback_data"] == f"bk:s:{alpha.school}:{alpha.emma}:{alpha.piano}:4"


async def test_cadence_every_48_hours_at_most_three_times(api, world, notifier, clock):
    services, _, _ = world
    sent = []
    hours = (0, 24, 47, 48, 72, 96, 120, 144, 192)  # every one 09:00 in Sydney but 47
    for hour in hours:
        clock.set(MORNING + timedelta(hours=hour))
        sent.append((await sweep_all(services.sessions, notifier, clock)).sent)
    assert sent == [4, 0, 0, 4, 0, 4, 0, 0, 0]  # rounds at 0, 48 and 96 hours; then no more
    assert delivered(api) == {"1011": 6, "1012": 6}


async def test_a_round_due_at_night_waits_for_the_morning(api, world, notifier, clock):
    services, _, _ = world
    clock.set(MORNING + timedelta(hours=10))  # 19:00 Sydney: round 1
    assert (await sweep_all(services.sessions, notifier, clock)).sent == 4
    clock.advance(timedelta(hours=49))  # 20:00 two days later: round 2 due, but night
    assert (await sweep_all(services.sessions, notifier, clock)).sent == 0
    clock.advance(timedelta(hours=12, minutes=59))  # 08:59: still night
    assert (await sweep_all(services.sessions, notifier, clock)).sent == 0
    clock.advance(timedelta(minutes=1))  # 09:00 the next morning
    assert (await sweep_all(services.sessions, notifier, clock)).sent == 4


async def test_reminders_stop_once_booked_and_once_closed(api, world, notifier, clock):
    services, alpha, _ = world
    clock.set(MORNING)
    for week, (emma_at, liam_at) in {4: (0, 1), 8: (0, 1)}.items():
        slots = await services.booking.available_slots(alpha.school, alpha.piano, week, ADMIN)
        for student, index in ((alpha.emma, emma_at), (alpha.liam, liam_at)):
            await services.booking.create_booking(
                alpha.school, ADMIN, alpha.piano, student, week, slots[index].start_at
            )
    await sweep_all(services.sessions, notifier, clock)
    smith = [m["text"] for m in api.chat(1011)]
    assert len(smith) == 1 and "Music Theory" in smith[0]  # piano is fully booked
    await services.booking.set_bookings_open(alpha.school, alpha.piano, False, ADMIN)
    await services.booking.set_bookings_open(alpha.school, alpha.theory, False, ADMIN)
    clock.advance(timedelta(hours=48))
    assert (await sweep_all(services.sessions, notifier, clock)).sent == 0


async def test_no_reminder_for_a_week_that_can_no_longer_be_booked(api, world, notifier, clock):
    services, _, _ = world
    # Tuesday 23 Feb 09:00 Sydney: week 4's slots (Mon, Wed 24 Feb 15:30+) — Wednesday's
    # start within 24h+? 15:30 Wed is 30.5 hours away, so week 4 is still bookable; a week
    # later it is not, and only week 8 of piano is left (theory has week 4 only).
    clock.set(datetime(2027, 3, 1, 22, 0, tzinfo=UTC))  # Tuesday 2 Mar 09:00 Sydney
    await sweep_all(services.sessions, notifier, clock)
    texts = [m["text"] for m in api.chat(1011)]
    assert len(texts) == 1 and "week 8" in texts[0] and "week 4" not in texts[0]


async def test_session_reminder_exactly_24_hours_before_and_once(api, world, notifier, clock):
    services, alpha, _ = world
    slots = await services.booking.available_slots(alpha.school, alpha.piano, 4, ADMIN)
    booking = await services.booking.create_booking(
        alpha.school, ADMIN, alpha.piano, alpha.emma, 4, slots[0].start_at
    )
    sweep = run_sweep
    clock.set(booking.start_at - timedelta(hours=24, minutes=1))
    assert (await sweep(services.sessions, notifier, clock, SESSION)).sent == 0
    clock.set(booking.start_at - timedelta(hours=24))
    assert (await sweep(services.sessions, notifier, clock, SESSION)).sent == 1
    clock.advance(timedelta(minutes=1))
    assert (await sweep(services.sessions, notifier, clock, SESSION)).sent == 0
    [message] = api.chat(1011)
    text = message["text"]
    assert "Emma Smith" in text and "Monday 22 February 2027, 15:00–15:30" in text
    assert "Sam Jones" in text and "Main Studio, Room 1" in text


async def test_a_rescheduled_session_is_reminded_again(api, world, notifier, clock):
    services, alpha, _ = world
    slots = await services.booking.available_slots(alpha.school, alpha.piano, 4, ADMIN)
    booking = await services.booking.create_booking(
        alpha.school, ADMIN, alpha.piano, alpha.emma, 4, slots[0].start_at
    )
    clock.set(booking.start_at - timedelta(hours=23))
    assert (await run_sweep(services.sessions, notifier, clock, SESSION)).sent == 1
    await services.booking.reschedule_booking(alpha.school, ADMIN, booking.id, 4, slots[1].start_at)
    assert (await run_sweep(services.sessions, notifier, clock, SESSION)).sent == 1
    assert (await run_sweep(services.sessions, notifier, clock, SESSION)).sent == 0


async def test_two_schedulers_sweeping_at_once_send_each_reminder_once(api, world, clock):
    services, _, _ = world
    clock.set(MORNING)
    bot_a, first = make_notifier(api, services)
    bot_b, second = make_notifier(api, services)
    async with bot_a, bot_b:
        reports = await asyncio.gather(
            sweep_all(services.sessions, first, clock), sweep_all(services.sessions, second, clock)
        )
    assert sum(r.sent for r in reports) == 4
    assert delivered(api) == {"1011": 2, "1012": 2}


async def test_the_claim_alone_prevents_doubles_without_the_lock(api, world, notifier, clock):
    services, _, _ = world
    clock.set(MORNING)
    due = await core.due_not_booked(services.sessions, clock.now())
    reports = await asyncio.gather(
        *(deliver(services.sessions, notifier, clock, due) for _ in range(3))
    )
    assert sum(r.sent for r in reports) == len(due) == 4
    assert sum(r.skipped for r in reports) == 8
    assert delivered(api) == {"1011": 2, "1012": 2}


async def test_a_restart_mid_sweep_sends_nothing_twice(api, world, clock):
    services, _, _ = world
    clock.set(MORNING)
    bot, slow = make_notifier(api, services, per_second=2.0)
    async with bot:
        sweep = asyncio.create_task(run_sweep(services.sessions, slow, clock, NOT_BOOKED))
        await asyncio.sleep(0.8)  # a message or two out, others claimed or waiting
        sweep.cancel()
        with pytest.raises(asyncio.CancelledError):
            await sweep
    before = delivered(api)
    assert 0 < sum(before.values()) < 4
    _, fresh = make_notifier(api, services)
    async with fresh.bot:
        await run_sweep(services.sessions, fresh, clock, NOT_BOOKED)
    after = delivered(api)
    async with services.sessions() as session:
        rows = (await session.execute(select(SentReminder.status))).scalars().all()
    # every reminder was claimed exactly once; the one cut off mid-send is not resent: it is
    # UNKNOWN (delivered or not, the cancel came before the answer), every other one SENT
    assert len(rows) == 4 and all(n <= 2 for n in after.values())
    assert set(rows) <= {"SENT", "UNKNOWN"} and rows.count("UNKNOWN") <= 1
    assert rows.count("SENT") <= sum(after.values()) <= len(rows)


async def test_a_crashed_claim_is_taken_over_once_its_lease_runs_out(api, world, notifier, clock):
    """Was "a crashed claim is not resent" (at-most-once): issue 10 asks for the claim to be
    a lease that another sweep takes over, so that nothing is lost."""
    services, _, _ = world
    clock.set(MORNING)
    due = await core.due_not_booked(services.sessions, clock.now())
    crashed = due[0]
    assert await core.claim(services.sessions, crashed, clock.now())  # then the process died
    report = await sweep_all(services.sessions, notifier, clock)
    assert report.sent == 3  # its lease still runs: nobody else sends it yet
    assert sum(delivered(api).values()) == 3
    async with services.sessions() as session, session.begin():  # the lease runs out
        await session.execute(
            update(SentReminder)
            .where(SentReminder.dedupe_key == crashed.key)
            .values(lease_until=datetime(2000, 1, 1, tzinfo=UTC))
        )
    report = await sweep_all(services.sessions, notifier, clock)
    assert report.due == report.sent == 1 and report.chats == {crashed.chat_id}
    assert await core.log_counts(services.sessions) == {"SENT": 4}
    assert delivered(api) == {"1011": 2, "1012": 2}
    assert (await sweep_all(services.sessions, notifier, clock)).sent == 0


async def test_a_claim_nobody_takes_over_is_marked_unknown_after_a_while(api, world, clock):
    services, _, _ = world
    clock.set(MORNING)
    crashed = (await core.due_not_booked(services.sessions, clock.now()))[0]
    assert await core.claim(services.sessions, crashed, clock.now())
    assert await core.expire_stale_claims(services.sessions) == 0  # its lease runs
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(SentReminder).values(lease_until=datetime(2000, 1, 1, tzinfo=UTC))
        )
    assert await core.expire_stale_claims(services.sessions) == 1
    assert await core.log_counts(services.sessions) == {"UNKNOWN": 1}


async def test_a_blocked_family_is_recorded_skipped_and_reached_again(api, world, notifier, clock):
    services, alpha, _ = world
    clock.set(MORNING)
    api.block(1012)
    report = await sweep_all(services.sessions, notifier, clock)
    assert report.sent == 2 and report.blocked == 2  # both Brown messages: 403
    assert delivered(api) == {"1011": 2}
    async with services.sessions() as session:
        blocked_at = await session.scalar(
            select(Parent.blocked_at).where(Parent.id == alpha.brown_parent)
        )
        rows = await session.execute(select(SentReminder.parent_id, SentReminder.status))
        statuses = {parent_id: status for parent_id, status in rows}
    assert blocked_at == clock.now()
    assert statuses[alpha.brown_parent] == "BLOCKED"
    assert await services.directory.parent_chat_ids(alpha.school, alpha.brown_family) == []
    stats = await services.booking.lesson_stats(alpha.school, alpha.piano)
    missing = {m.family_name: m.unreachable for m in stats.weeks[0].missing}
    assert missing == {"Smith family": False, "Brown family": True}
    clock.advance(timedelta(hours=48))
    await sweep_all(services.sessions, notifier, clock)
    assert "1012" not in delivered(api)  # skipped while blocked
    api.unblock(1012)
    await services.directory.set_blocked(1012, None)  # they wrote to the bot (presence)
    clock.advance(timedelta(hours=48))
    await sweep_all(services.sessions, notifier, clock)
    assert delivered(api)["1012"] == 2


async def test_flood_control_waits_as_told_and_delivers_once(api, world, notifier, clock):
    services, _, _ = world
    clock.set(MORNING)
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    report = await sweep_all(services.sessions, notifier, clock)
    assert loop.time() - started >= 1.0
    assert report.sent == 4 and notifier.flood_waits == 1
    assert api.metrics()["responses_429"] == 1
    assert delivered(api) == {"1011": 2, "1012": 2}


async def test_network_errors_are_retried_with_backoff(api, world, notifier, clock):
    services, _, _ = world
    clock.set(MORNING)
    api.fail_next("sendMessage", 502, "Bad Gateway")
    api.fail_next("sendMessage", 502, "Bad Gateway")
    report = await sweep_all(services.sessions, notifier, clock)
    assert report.sent == 4 and report.failed == 0
    assert delivered(api) == {"1011": 2, "1012": 2}


async def test_one_familys_failure_never_stops_the_sweep(api, world, notifier, clock):
    services, _, _ = world
    clock.set(MORNING)
    api.fail_next("sendMessage", 400, "Bad Request: chat not found", chat_id=1011)
    report = await sweep_all(services.sessions, notifier, clock)
    assert report.failed == 1 and report.sent == 3
    assert await core.log_counts(services.sessions) == {"SENT": 3, "FAILED": 1}


async def test_school_rules_override_the_defaults(api, world, notifier, clock):
    services, alpha, _ = world
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(School)
            .where(School.id == alpha.school)
            .values(
                reminders={
                    "not_booked": {"every_hours": 24, "max_times": 1, "window_start": "20:00",
                                   "window_end": "21:00"},
                }
            )
        )  # fmt: skip
    # the fixed clock is 20:00 in Sydney: inside this school's window
    assert (await sweep_all(services.sessions, notifier, clock)).sent == 4
    clock.advance(timedelta(hours=24))
    assert (await sweep_all(services.sessions, notifier, clock)).sent == 0  # max_times 1


async def test_a_send_failing_with_5xx_is_retried_by_the_next_sweep_in_the_same_round(
    api, world, notifier, clock
):
    """Issue 10 row 4: 502s while reminders go out were FAILED for good and used up a round."""
    services, _, _ = world
    clock.set(MORNING)
    for _ in range(4 * notifier.max_attempts):  # every attempt of every reminder: 502
        api.fail_next("sendMessage", 502, "Bad Gateway")
    report = await sweep_all(services.sessions, notifier, clock)
    assert report.sent == 0 and report.retrying == 4 and report.failed == 0
    assert await core.log_counts(services.sessions) == {"RETRY": 4}
    clock.advance(timedelta(minutes=1))  # the next sweep: the same round, not a new one
    report = await sweep_all(services.sessions, notifier, clock)
    assert report.sent == 4 and delivered(api) == {"1011": 2, "1012": 2}
    async with services.sessions() as session:
        keys = (await session.execute(select(SentReminder.dedupe_key))).scalars().all()
    assert sorted(key.split(":")[4] for key in keys) == ["1", "1", "1", "1"]
    for hours in (48, 96, 144):  # the failed round did not count: still 3 rounds in all
        clock.set(MORNING + timedelta(hours=hours))
        await sweep_all(services.sessions, notifier, clock)
    assert delivered(api) == {"1011": 6, "1012": 6}


async def test_a_late_answer_after_delivery_is_one_message_counted_sent(api, world, clock):
    """Issue 10 row 5: a Bot API answering after 8 s made 4 copies each, counted failed."""
    from scheduler.notifier import notifier_request
    from tests.support.late_proxy import LateProxy

    services, _, _ = world
    clock.set(MORNING)
    proxy = LateProxy(api.root_url, delay=6.0)  # past PTB's default 5 s read timeout
    await proxy.start()
    try:
        bot = Bot(TOKEN, base_url=proxy.base_url, request=notifier_request())
        late = Notifier(bot, render=render, per_second=1000.0, per_chat_seconds=0.0)
        async with bot:
            report = await sweep_all(services.sessions, late, clock)
    finally:
        await proxy.stop()
    assert report.sent == 4 and report.failed == report.unknown == report.retrying == 0
    assert delivered(api) == {"1011": 2, "1012": 2}  # one copy each
    assert await core.log_counts(services.sessions) == {"SENT": 4}
