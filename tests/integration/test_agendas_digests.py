"""Teachers' evening agendas and admins' digests, on a real PostgreSQL with an injected clock.

School alpha is in Sydney (UTC+11 in February): Emma's piano session is Monday 22 February
2027 at 15:00, so its agenda goes out on Sunday 21 February at 18:00 (07:00 UTC).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from core.clock import FixedClock
from core.reminders.agenda import AgendaPreferences, due_agendas
from core.reminders.digest import due_digests
from core.reminders.service import NOT_BOOKED, SESSION
from core.services import Services
from scheduler.notifier import Notifier
from scheduler.sweeps import deliver, run_sweep
from tests.support.factories import SchoolIds, build_two_schools
from tests.support.reminders import ADMIN, book_at, make_notifier, set_rules

AGENDA_EVENING = datetime(2027, 2, 21, 7, 0, tzinfo=UTC)  # Sunday 18:00 in Sydney
TEACHER_CHAT, ADMIN_CHAT = 1002, 1001


@pytest.fixture
async def world(sessions, clock) -> tuple[Services, SchoolIds]:  # type: ignore[no-untyped-def]
    alpha, _ = await build_two_schools(sessions)
    return Services.build(sessions, clock), alpha


async def agendas_at(services: Services, notifier: Notifier, clock: FixedClock, at: datetime):  # type: ignore[no-untyped-def]
    clock.set(at)
    report = await run_sweep(services.sessions, notifier, clock, SESSION)
    assert report is not None
    return report


async def test_a_teacher_gets_the_next_days_agenda_once_each_evening(api, world, notifier, clock):
    services, alpha = world
    await set_rules(services, alpha.school, {"teacher_agenda": "18:00"})
    await book_at(services, alpha, 4, "15:00")
    await book_at(services, alpha, 4, "16:30", student=alpha.mia)
    await agendas_at(services, notifier, clock, AGENDA_EVENING - timedelta(minutes=1))
    assert api.chat(TEACHER_CHAT) == []
    await agendas_at(services, notifier, clock, AGENDA_EVENING)
    await agendas_at(services, notifier, clock, AGENDA_EVENING + timedelta(minutes=1))
    await agendas_at(services, notifier, clock, AGENDA_EVENING + timedelta(hours=3))
    [agenda] = api.chat(TEACHER_CHAT)
    lines = agenda["text"].splitlines()
    assert lines[0] == "Your sessions on Monday 22 February 2027"
    assert lines[1].startswith("15:00–15:30 Emma Smith · Piano Foundations")
    assert lines[2].startswith("16:30–17:00 Mia Brown · Piano Foundations")
    # Monday evening: nothing booked on Tuesday, no message
    await agendas_at(services, notifier, clock, AGENDA_EVENING + timedelta(days=1))
    assert len(api.chat(TEACHER_CHAT)) == 1


async def test_agenda_off_stops_it_and_on_brings_it_back(api, world, notifier, clock):
    services, alpha = world
    await set_rules(services, alpha.school, {"teacher_agenda": "18:00"})
    await book_at(services, alpha, 4, "15:00")
    preferences = AgendaPreferences(services.sessions)
    assert await preferences.set_agenda(TEACHER_CHAT, on=False) == 1
    assert await preferences.agenda_on(TEACHER_CHAT) == {alpha.school: False}
    assert await due_agendas(services.sessions, AGENDA_EVENING) == []
    await preferences.set_agenda(TEACHER_CHAT, on=True)
    [due] = await due_agendas(services.sessions, AGENDA_EVENING)
    assert due.chat_id == TEACHER_CHAT and due.key == f"ta:{alpha.teacher}:2027-02-22"


async def test_an_agenda_held_by_quiet_hours_goes_in_the_morning_before_the_first_session(
    api, world, notifier, clock
):
    services, alpha = world
    rules = {"teacher_agenda": "18:00", "quiet_hours": "21:00-08:00"}
    await set_rules(services, alpha.school, rules)
    await book_at(services, alpha, 4, "15:00")
    # the bot was down from 18:00 until 22:00 (quiet): nothing until 08:00 on Monday
    await agendas_at(services, notifier, clock, AGENDA_EVENING + timedelta(hours=4))
    await agendas_at(services, notifier, clock, AGENDA_EVENING + timedelta(hours=13, minutes=59))
    assert api.chat(TEACHER_CHAT) == []
    await agendas_at(services, notifier, clock, AGENDA_EVENING + timedelta(hours=14))
    assert len(api.chat(TEACHER_CHAT)) == 1
    # once the day's first session has begun, a missed agenda is not sent any more
    assert await due_agendas(services.sessions, datetime(2027, 2, 22, 3, 59, tzinfo=UTC)) != []
    assert await due_agendas(services.sessions, datetime(2027, 2, 22, 4, 0, tzinfo=UTC)) == []


async def test_the_admin_digest_names_who_has_not_booked_once_per_booking_period(
    api, world, notifier, clock
):
    services, alpha = world
    admin = ADMIN
    await set_rules(
        services,
        alpha.school,
        {"admin_digest_after_days": 3, "not_booked": {"enabled": False}},
    )
    await services.booking.set_bookings_open(alpha.school, alpha.piano, False, admin)
    await services.booking.set_bookings_open(alpha.school, alpha.theory, False, admin)
    opened = clock.now()
    await services.booking.set_bookings_open(alpha.school, alpha.theory, True, admin)
    slots = await services.booking.available_slots(alpha.school, alpha.theory, 4, admin)
    await services.booking.create_booking(
        alpha.school, admin, alpha.theory, alpha.emma, 4, slots[0].start_at
    )

    async def sweep(at: datetime) -> None:
        clock.set(at)
        assert await run_sweep(services.sessions, notifier, clock, NOT_BOOKED) is not None

    await sweep(opened + timedelta(days=3) - timedelta(minutes=1))
    assert api.chat(ADMIN_CHAT) == []
    await sweep(opened + timedelta(days=3))
    await sweep(opened + timedelta(days=4))
    [digest] = api.chat(ADMIN_CHAT)
    assert digest["text"].startswith("Music Theory: 1 family still to book")
    assert "Brown family: Mia Brown (week 4)" in digest["text"]
    assert "Smith family" not in digest["text"]
    assert "open for 3 days" in digest["text"]
    # closing and reopening starts a new booking period, with a digest of its own
    await services.booking.set_bookings_open(alpha.school, alpha.theory, False, admin)
    await services.booking.set_bookings_open(alpha.school, alpha.theory, True, admin)
    await sweep(clock.now() + timedelta(days=2))
    assert len(api.chat(ADMIN_CHAT)) == 1
    await sweep(clock.now() + timedelta(days=1))
    assert len(api.chat(ADMIN_CHAT)) == 2


async def test_two_processes_delivering_the_same_agendas_and_digests_send_each_once(
    api, world, clock
):
    services, alpha = world
    rules = {"teacher_agenda": "18:00", "admin_digest_after_days": 1}
    await set_rules(services, alpha.school, rules)
    admin = ADMIN
    await services.booking.set_bookings_open(alpha.school, alpha.piano, False, admin)
    await services.booking.set_bookings_open(alpha.school, alpha.piano, True, admin)
    await book_at(services, alpha, 4, "15:00")
    due = [
        *await due_agendas(services.sessions, AGENDA_EVENING),
        *await due_digests(services.sessions, AGENDA_EVENING),
    ]
    assert {r.chat_id for r in due} == {TEACHER_CHAT, ADMIN_CHAT}
    clock.set(AGENDA_EVENING)
    bot_a, first = make_notifier(api)
    bot_b, second = make_notifier(api)
    async with bot_a, bot_b:
        reports = await asyncio.gather(
            deliver(services.sessions, first, clock, due),
            deliver(services.sessions, second, clock, due),
        )
    assert sum(r.sent for r in reports) == 2 and sum(r.skipped for r in reports) == 2
    delivered = api.metrics()["delivered"]
    assert delivered == {str(TEACHER_CHAT): 1, str(ADMIN_CHAT): 1}


async def test_agendas_and_digests_speak_each_recipients_language(api, world, notifier, clock):
    """The teacher chose German with /language; the admin's client reports Russian: the
    agenda and the digest come in those languages, not the process's default English."""
    from core.db.engine import unit_of_work
    from core.db.models import UserLanguage

    services, alpha = world
    async with unit_of_work(services.sessions) as session:
        session.add(UserLanguage(telegram_id=TEACHER_CHAT, chosen="de", client="en"))
        session.add(UserLanguage(telegram_id=ADMIN_CHAT, chosen=None, client="ru-RU"))
        await session.commit()
    await set_rules(services, alpha.school, {"teacher_agenda": "18:00"})
    await book_at(services, alpha, 4, "15:00")
    await agendas_at(services, notifier, clock, AGENDA_EVENING)
    [agenda] = api.chat(TEACHER_CHAT)
    assert agenda["text"].splitlines()[0].startswith("Ihre Termine am ")
    assert "Your sessions" not in agenda["text"]
    # the digest's and the waitlist offers' recipients are looked up the same way
    from core.reminders.languages import languages_of

    async with services.sessions() as session:
        found = await languages_of(session, alpha.school, [ADMIN_CHAT, TEACHER_CHAT, 4242])
    assert found == {ADMIN_CHAT: "ru", TEACHER_CHAT: "de", 4242: "en"}
