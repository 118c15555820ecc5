"""Lead-time reminders, teachers' agendas and admins' digests through the real bot.

The sweeps run with the Application's own notifier (bot.reminders) against the local Bot
API server; the clock is injected. School alpha is in Sydney: Emma's piano session on
Monday 22 February 2027 at 15:00 (04:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update

from bot.local_api import LocalBotApi
from bot.reminders import wire_reminders
from core.clock import FixedClock
from core.db.models import School
from core.reminders.service import NOT_BOOKED, SESSION
from core.services import Services
from core.views import Actor
from scheduler.sweeps import run_sweep

ADMIN = Actor.admin("test")
SUNDAY_EVENING = datetime(2027, 2, 21, 7, 0, tzinfo=UTC)  # 18:00 in Sydney


async def school_rules(services: Services, school: int, reminders: dict[str, Any]) -> None:
    async with services.sessions() as session, session.begin():
        await session.execute(update(School).where(School.id == school).values(reminders=reminders))


async def sweep(
    bot_app: Any, services: Services, clock: FixedClock, at: datetime, kind: str
) -> None:
    clock.set(at)
    notifier = wire_reminders(bot_app).notifier
    assert await run_sweep(services.sessions, notifier, clock, kind) is not None


async def book_emma(services: Services, alpha: Any) -> datetime:
    slots = await services.booking.available_slots(alpha.school, alpha.piano, 4, ADMIN)
    booking = await services.booking.create_booking(
        alpha.school, ADMIN, alpha.piano, alpha.emma, 4, slots[0].start_at
    )
    return booking.start_at


async def test_a_parent_gets_both_the_24h_and_the_2h_reminder(
    api: LocalBotApi, bot_app, services, schools, clock
) -> None:
    alpha, _ = schools
    await school_rules(services, alpha.school, {"before_session": ["24h", "2h"]})
    start = await book_emma(services, alpha)
    for at in (start - timedelta(hours=24), start - timedelta(hours=2), start - timedelta(hours=1)):
        await sweep(bot_app, services, clock, at, SESSION)
    reminders = [m["text"] for m in api.chat(1011) if m["text"].startswith("Reminder")]
    assert len(reminders) == 2
    assert all("Emma Smith" in text and "15:00–15:30" in text for text in reminders)


async def test_a_teacher_gets_the_agenda_until_they_say_agenda_off(
    api: LocalBotApi, bot_app, services, schools, clock
) -> None:
    alpha, _ = schools
    await school_rules(services, alpha.school, {"teacher_agenda": "18:00"})
    await book_emma(services, alpha)
    teacher = api.user(1002)
    status = await teacher.send("/agenda")
    assert "is on" in status["text"]
    await sweep(bot_app, services, clock, SUNDAY_EVENING, SESSION)
    agenda = api.chat(1002)[-1]["text"]
    assert agenda.startswith("Your sessions on Monday 22 February 2027")
    assert "15:00–15:30 Emma Smith · Piano Foundations" in agenda
    answer = await teacher.send("/agenda off")
    assert "no more evening agenda" in answer["text"]
    before = len(api.chat(1002))
    await book_emma_wednesday(services, alpha)
    await sweep(bot_app, services, clock, SUNDAY_EVENING + timedelta(days=2), SESSION)
    assert len(api.chat(1002)) == before  # Tuesday evening: Wednesday's agenda, but off
    answer = await teacher.send("/agenda on")
    assert "each evening at 18:00" in answer["text"]
    await sweep(bot_app, services, clock, SUNDAY_EVENING + timedelta(days=2, minutes=1), SESSION)
    assert api.chat(1002)[-1]["text"].startswith("Your sessions on Wednesday 24 February 2027")
    refused = await api.user(1011).send("/agenda off")
    assert "Only teachers" in refused["text"]


async def book_emma_wednesday(services: Services, alpha: Any) -> None:
    slots = await services.booking.available_slots(alpha.school, alpha.piano, 4, ADMIN)
    wednesday = next(s for s in slots if s.start_at.astimezone(UTC).weekday() == 2)
    await services.booking.create_booking(
        alpha.school, ADMIN, alpha.piano, alpha.mia, 4, wednesday.start_at
    )


async def test_the_admin_digest_names_the_family_that_has_not_booked(
    api: LocalBotApi, bot_app, services, schools, clock
) -> None:
    alpha, _ = schools
    rules = {"admin_digest_after_days": 3, "not_booked": {"enabled": False}}
    await school_rules(services, alpha.school, rules)
    await services.booking.set_bookings_open(alpha.school, alpha.piano, False, ADMIN)
    await services.booking.set_bookings_open(alpha.school, alpha.theory, False, ADMIN)
    await services.booking.set_bookings_open(alpha.school, alpha.theory, True, ADMIN)
    slots = await services.booking.available_slots(alpha.school, alpha.theory, 4, ADMIN)
    await services.booking.create_booking(
        alpha.school, ADMIN, alpha.theory, alpha.emma, 4, slots[0].start_at
    )
    await sweep(bot_app, services, clock, clock.now() + timedelta(days=3), NOT_BOOKED)
    [digest] = api.chat(1001)
    assert digest["text"].startswith("Music Theory: 1 family still to book")
    assert "Brown family: Mia Brown (week 4)" in digest["text"]
    assert "Smith family" not in digest["text"]


async def test_the_admin_gets_one_digest_for_every_lesson_due_in_the_bots_wiring(
    api: LocalBotApi, bot_app, services, schools, clock
) -> None:
    """Both hybrid lessons reopened at once: their digests fall due together and go in one
    message (the Application's notifier, its splitter wired by bot.reminders), once."""
    alpha, _ = schools
    rules = {"admin_digest_after_days": 3, "not_booked": {"enabled": False}}
    await school_rules(services, alpha.school, rules)
    for lesson in (alpha.piano, alpha.theory):
        await services.booking.set_bookings_open(alpha.school, lesson, False, ADMIN)
        await services.booking.set_bookings_open(alpha.school, lesson, True, ADMIN)
    due = clock.now() + timedelta(days=3)
    for at in (due, due + timedelta(minutes=1), due + timedelta(days=1)):
        await sweep(bot_app, services, clock, at, NOT_BOOKED)
    [digest] = api.chat(1001)
    lines = digest["text"].splitlines()
    assert lines[0] == "Families still to book in 2 lessons"
    assert "Piano Foundations: 2 families still to book" in lines
    assert "Music Theory: 2 families still to book" in lines
