"""The waitlist of a full week on a real PostgreSQL, its offers delivered to a local Bot API.

School alpha (Sydney): piano's week 4 is Monday 2027-02-22; Emma's booking at 15:00 is the
slot that frees up. Smith (Telegram 1011) waits for Liam, Brown (1012) for Mia. The clock
stands at Tuesday 2027-01-19 09:00 UTC unless a test moves it.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.local_api import LocalBotApi
from core.db.records import SentReminder
from core.errors import AlreadyBooked, InvalidState, NotYourStudent, SlotTaken, SlotUnavailable
from core.reminders import service as reminders
from core.services import Services
from core.views import Actor
from core.waitlist.offers import due_offers, prepare_offers
from core.waitlist.tables import FreedSlot, WaitlistOffer
from scheduler.notifier import Notifier
from scheduler.waitlist import run_waitlist_sweep
from tests.support.factories import build_two_schools

ADMIN = Actor.admin("alice")
SYDNEY = ZoneInfo("Australia/Sydney")
MON4_1500 = datetime(2027, 2, 22, 15, 0, tzinfo=SYDNEY).astimezone(UTC)
MON4_1530 = datetime(2027, 2, 22, 15, 30, tzinfo=SYDNEY).astimezone(UTC)


@pytest.fixture
async def world(sessions, clock):
    alpha, beta = await build_two_schools(sessions)
    return Services.build(sessions, clock), alpha, beta


def smith(ids) -> Actor:
    return Actor.parent(ids.smith_parent, "Jane Smith")


def brown(ids) -> Actor:
    return Actor.parent(ids.brown_parent, "Bob Brown")


def delivered(api: LocalBotApi) -> dict[str, int]:
    return api.metrics()["delivered"]


async def sweep(services: Services, notifier: Notifier, **options):
    return await run_waitlist_sweep(
        services.sessions, services.booking, notifier, services.clock, **options
    )


async def full_week_freed(services: Services, alpha) -> int:
    """Emma booked at 15:00; Liam (Smith) then Mia (Brown) join; Emma's booking is cancelled."""
    booking = await services.booking.create_booking(
        alpha.school, ADMIN, alpha.piano, alpha.emma, 4, MON4_1500
    )
    await services.waitlist.join(alpha.school, smith(alpha), alpha.piano, 4, alpha.liam)
    await services.waitlist.join(alpha.school, brown(alpha), alpha.piano, 4, alpha.mia)
    await services.booking.cancel_booking(alpha.school, smith(alpha), booking.id, "ill")
    return booking.id


async def offer_ids(services: Services) -> dict[int, str]:
    async with services.sessions() as session:
        rows = await session.execute(select(WaitlistOffer.id, WaitlistOffer.status))
        return {offer_id: status for offer_id, status in rows}


async def test_families_are_offered_the_freed_slot_once_and_in_order_of_joining(
    api, world, notifier, clock
):
    services, alpha, _ = world
    await full_week_freed(services, alpha)
    report = await sweep(services, notifier)
    assert report is not None and report.sent == 1
    assert delivered(api) == {"1011": 1}  # Smith joined first
    offer = api.chat(1011)[-1]
    assert "A slot has freed up" in offer["text"] and "Liam Smith" in offer["text"]
    assert "15:00–15:30" in offer["text"]
    for _ in range(3):  # later sweeps send nothing again
        again = await sweep(services, notifier)
        assert again is not None and again.sent == 0
    assert delivered(api) == {"1011": 1}
    waiting = await services.waitlist.waiting(alpha.school, alpha.piano, 4)
    assert [(w.student_name, w.position) for w in waiting] == [("Liam Smith", 1), ("Mia Brown", 2)]
    assert waiting[0].offered_until == clock.now() + timedelta(hours=2)


async def test_an_expired_offer_moves_the_slot_to_the_next_family(api, world, notifier, clock):
    services, alpha, _ = world
    await full_week_freed(services, alpha)
    await sweep(services, notifier)
    clock.set(clock.now() + timedelta(hours=2, minutes=1))
    report = await sweep(services, notifier)
    assert report is not None and report.sent == 1
    assert delivered(api) == {"1011": 1, "1012": 1}
    assert "Mia Brown" in api.chat(1012)[-1]["text"]
    assert sorted((await offer_ids(services)).values()) == ["EXPIRED", "OPEN"]
    clock.set(clock.now() + timedelta(hours=2, minutes=1))  # nobody else is waiting
    await sweep(services, notifier)
    async with services.sessions() as session:
        freed = (await session.scalars(select(FreedSlot))).one()
    assert freed.outcome == "NOBODY" and delivered(api) == {"1011": 1, "1012": 1}


async def test_accepting_books_the_slot_through_the_booking_path_and_leaves_the_list(
    api, world, notifier
):
    services, alpha, _ = world
    await full_week_freed(services, alpha)
    await sweep(services, notifier)
    [offer_id] = await offer_ids(services)
    view = await services.waitlist.accept(alpha.school, smith(alpha), offer_id)
    assert view.student_name == "Liam Smith" and view.start_at == MON4_1500
    assert view.booked_by.startswith("parent:")
    assert [w.student_name for w in await services.waitlist.waiting(alpha.school)] == ["Mia Brown"]
    assert (await offer_ids(services))[offer_id] == "ACCEPTED"
    await sweep(services, notifier)
    assert delivered(api) == {"1011": 1}  # the slot is gone: Brown is not offered it
    with pytest.raises(InvalidState):
        await services.waitlist.accept(alpha.school, smith(alpha), offer_id)


async def test_a_second_acceptance_of_one_freed_slot_loses_and_stays_on_the_list(
    api, world, notifier, clock
):
    services, alpha, _ = world
    await full_week_freed(services, alpha)
    await sweep(services, notifier)
    clock.set(clock.now() + timedelta(hours=3))
    await sweep(services, notifier)  # Smith's offer expired; Brown's stands
    smith_offer, brown_offer = sorted(await offer_ids(services))
    results = await asyncio.gather(
        services.waitlist.accept(alpha.school, brown(alpha), brown_offer),
        services.waitlist.accept(alpha.school, smith(alpha), smith_offer),  # late, but free
        return_exceptions=True,
    )
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1 and len(lost) == 1
    assert isinstance(lost[0], SlotTaken) and "You stay on the waitlist" in lost[0].message
    waiting = await services.waitlist.waiting(alpha.school, alpha.piano, 4)
    assert len(waiting) == 1 and waiting[0].student_name != won[0].student_name
    bookings = await services.booking.lesson_bookings(alpha.school, alpha.piano, week=4)
    assert [b.start_at for b in bookings if b.active] == [MON4_1500]


async def test_nobody_is_offered_a_slot_starting_within_24_hours(api, world, notifier, clock):
    services, alpha, _ = world
    clock.set(MON4_1500 - timedelta(hours=30))
    booking_id = await full_week_freed(services, alpha)
    assert booking_id
    clock.set(MON4_1500 - timedelta(hours=23, minutes=59))
    report = await sweep(services, notifier)
    assert report is not None and report.sent == 0 and delivered(api) == {}
    async with services.sessions() as session:
        assert (await session.scalars(select(FreedSlot.outcome))).one() == "TOO_LATE"


async def test_an_offer_never_runs_into_the_24_hours_before_the_slot(api, world, notifier, clock):
    services, alpha, _ = world
    clock.set(MON4_1500 - timedelta(hours=25))
    await full_week_freed(services, alpha)
    await sweep(services, notifier)
    waiting = await services.waitlist.waiting(alpha.school, alpha.piano, 4)
    assert waiting[0].offered_until == MON4_1500 - timedelta(hours=24)
    clock.set(MON4_1500 - timedelta(hours=24))
    assert (await sweep(services, notifier)).sent == 0  # expired, and too late for Brown
    assert delivered(api) == {"1011": 1}


async def test_a_rescheduled_booking_frees_its_old_slot(api, world, notifier):
    services, alpha, _ = world
    booking = await services.booking.create_booking(
        alpha.school, ADMIN, alpha.piano, alpha.emma, 4, MON4_1500
    )
    await services.waitlist.join(alpha.school, brown(alpha), alpha.piano, 4, alpha.mia)
    await services.booking.reschedule_booking(alpha.school, ADMIN, booking.id, 4, MON4_1530)
    await sweep(services, notifier)
    assert delivered(api) == {"1012": 1} and "15:00–15:30" in api.chat(1012)[-1]["text"]


async def test_declining_passes_the_slot_to_the_next_family_at_once(api, world, notifier):
    services, alpha, _ = world
    await full_week_freed(services, alpha)
    await sweep(services, notifier)
    [offer_id] = await offer_ids(services)
    await services.waitlist.decline(alpha.school, smith(alpha), offer_id)
    await sweep(services, notifier)
    assert delivered(api) == {"1011": 1, "1012": 1}
    assert len(await services.waitlist.waiting(alpha.school, alpha.piano, 4)) == 2


async def test_a_restart_mid_offer_sends_nothing_twice(api, world, notifier, clock):
    services, alpha, _ = world
    await full_week_freed(services, alpha)
    await prepare_offers(services.sessions, services.booking, clock.now())
    [message] = await due_offers(services.sessions, clock.now())
    # a process claimed the message and was killed before sending (its lease still runs)
    assert await reminders.claim(
        services.sessions, message, clock.now(), lease=timedelta(seconds=1)
    )
    assert (await sweep(services, notifier)).sent == 0
    await asyncio.sleep(1.2)  # the lease ran out: the next sweep takes the message over
    assert (await sweep(services, notifier)).sent == 1
    # the process restarts: its sweeps find the offer sent
    restarted = Services.build(services.sessions, clock)
    for _ in range(2):
        assert (await sweep(restarted, notifier)).sent == 0
    assert delivered(api) == {"1011": 1}
    async with services.sessions() as session:
        statuses = list(await session.scalars(select(SentReminder.status)))
    assert statuses == ["SENT"]


async def test_two_sweepers_at_once_send_each_offer_once(api, world, notifier):
    services, alpha, _ = world
    await full_week_freed(services, alpha)
    other = Services.build(services.sessions, services.clock)
    reports = await asyncio.gather(sweep(services, notifier), sweep(other, notifier))
    assert sum(r.sent for r in reports if r is not None) == 1
    assert delivered(api) == {"1011": 1}


async def test_a_family_that_books_another_way_leaves_the_list(world):
    services, alpha, _ = world
    await services.waitlist.join(alpha.school, brown(alpha), alpha.piano, 4, alpha.mia)
    assert len(await services.waitlist.family_entries(alpha.school, alpha.brown_parent)) == 1
    await services.booking.create_booking(
        alpha.school, brown(alpha), alpha.piano, alpha.mia, 4, MON4_1530
    )
    assert await services.waitlist.waiting(alpha.school) == []
    assert await services.waitlist.family_entries(alpha.school, alpha.brown_parent) == []


async def test_joining_refuses_in_plain_words_and_twice_is_once(world):
    services, alpha, beta = world
    first = await services.waitlist.join(alpha.school, smith(alpha), alpha.piano, 4, alpha.liam)
    again = await services.waitlist.join(alpha.school, smith(alpha), alpha.piano, 4, alpha.liam)
    assert first.id == again.id and first.position == 1
    with pytest.raises(NotYourStudent):
        await services.waitlist.join(alpha.school, smith(alpha), alpha.piano, 4, alpha.mia)
    with pytest.raises(SlotUnavailable):
        await services.waitlist.join(alpha.school, smith(alpha), alpha.piano, 3, alpha.emma)
    await services.booking.create_booking(
        alpha.school, ADMIN, alpha.piano, alpha.emma, 4, MON4_1500
    )
    with pytest.raises(AlreadyBooked):
        await services.waitlist.join(alpha.school, smith(alpha), alpha.piano, 4, alpha.emma)
    assert await services.waitlist.waiting(beta.school) == []  # the other school sees nothing


async def test_leaving_ends_the_wait_and_withdraws_a_standing_offer(api, world, notifier):
    services, alpha, _ = world
    await full_week_freed(services, alpha)
    await sweep(services, notifier)
    [liam, _mia] = await services.waitlist.waiting(alpha.school, alpha.piano, 4)
    with pytest.raises(NotYourStudent):
        await services.waitlist.leave(alpha.school, brown(alpha), liam.id)
    await services.waitlist.leave(alpha.school, smith(alpha), liam.id)
    [offer_id] = await offer_ids(services)
    assert (await offer_ids(services))[offer_id] == "WITHDRAWN"
    await sweep(services, notifier)
    assert delivered(api) == {"1011": 1, "1012": 1}  # the next family, at once
    with pytest.raises(InvalidState):
        await services.waitlist.accept(alpha.school, smith(alpha), offer_id)
