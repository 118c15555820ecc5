"""Back after acting on a booking returns to the dashboard it was opened from: the same
term, the same teacher filter, the same page (through the real bot).

The admin opens a lesson from a filtered (or paged) dashboard, then its week, then a
booking: moves it, cancels it (a listed reason, a typed one), marks attendance, or books
for a family; "⬅ Week", "⬅ Lesson" and "⬅ All lessons" then lead back to that dashboard.
The terms of tests/e2e/test_admin_terms.py: Term 1 (current) has Sam Jones's piano and
theory and Kim Lee's violin. Piano's week 4 is Monday 22 February 2027 (Sydney).
"""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from bot.local_api import LocalBotApi, UserClient
from core.clock import FixedClock
from core.db.models import HybridPattern, Lesson, LessonType
from core.services import Services
from core.views import Actor
from handlers.callbacks import MAX_BYTES
from tests.support.chat import datas
from tests.support.chat import tap_shown as tap
from tests.support.factories import SchoolIds
from tests.support.terms import Terms

ADMIN = 1001


def _fits(admin: UserClient) -> None:
    assert all(len(d.encode()) <= MAX_BYTES for d in datas(admin)), datas(admin)


async def _step(admin: UserClient, label: str) -> dict:  # type: ignore[type-arg]
    shown = await tap(admin, label)
    assert shown is not None, label
    _fits(admin)
    return shown


async def _sams_piano_week(admin: UserClient) -> None:
    await admin.send("/admin")
    await _step(admin, "👤 All teachers")
    sams = await _step(admin, "Sam Jones")
    assert "Teacher: Sam Jones" in sams["text"]
    await _step(admin, "Piano Foundations")
    await _step(admin, "Week 4")


async def _back_to_the_dashboard(admin: UserClient) -> dict:  # type: ignore[type-arg]
    await _step(admin, "⬅ Week")
    await _step(admin, "⬅ Lesson")
    return await _step(admin, "⬅ All lessons")


def _sams_term1(shown: dict) -> None:  # type: ignore[type-arg]
    text = shown["text"]
    assert "Term 1" in text and "Teacher: Sam Jones" in text, text
    assert "Piano Foundations" in text and "Violin" not in text, text


async def _emma_at(services: Services, alpha: SchoolIds, at: time) -> int:
    start = await services.booking.slot_at(alpha.school, alpha.piano, 4, at, day=0)
    made = await services.booking.create_booking(
        alpha.school, Actor.admin("setup"), alpha.piano, alpha.emma, 4, start
    )
    return made.id


@pytest.mark.usefixtures("terms")
async def test_book_for_a_family_move_and_cancel_then_back_keep_the_teacher_filter(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    admin = api.user(ADMIN)
    await _sams_piano_week(admin)
    await _step(admin, "➕ Book for a family")
    await _step(admin, "Mia Brown")
    await _step(admin, "Mon 22 Feb 15:00")
    booked = await _step(admin, "✅ Book it")
    assert "Booked: Mia Brown" in booked["text"]
    _sams_term1(await _back_to_the_dashboard(admin))

    await _step(admin, "Piano Foundations")
    await _step(admin, "Week 4")
    await _step(admin, "Mia Brown")
    await _step(admin, "🔁 Move")
    await _step(admin, "Week 4 (now)")
    moved = await _step(admin, "Mon 22 Feb 16:00")
    assert "Moved booking" in moved["text"]
    await _step(admin, "✖ Cancel booking")
    cancelled = await _step(admin, "Teacher unavailable")
    assert "Cancelled booking" in cancelled["text"]
    _sams_term1(await _back_to_the_dashboard(admin))


@pytest.mark.usefixtures("terms")
async def test_a_typed_cancel_reason_and_attendance_then_back_keep_the_teacher_filter(
    api: LocalBotApi, bot_app, services: Services, schools, clock: FixedClock
) -> None:
    alpha, _ = schools
    await _emma_at(services, alpha, time(15))
    admin = api.user(ADMIN)
    await _sams_piano_week(admin)
    await _step(admin, "Emma Smith")
    await _step(admin, "✖ Cancel booking")
    await _step(admin, "✍ Type a reason")
    typed = await admin.send("The piano is being tuned")
    assert typed is not None and "Cancelled booking" in typed["text"]
    _fits(admin)
    _sams_term1(await _back_to_the_dashboard(admin))

    later = await _emma_at(services, alpha, time(16))
    view = await services.booking.get_booking(alpha.school, later)
    clock.set(view.end_at + timedelta(minutes=5))
    await _step(admin, "Piano Foundations")
    await _step(admin, "Week 4")
    await _step(admin, "Mon 22 Feb 16:00 Emma Smith")
    done = await _step(admin, "✅ Completed")
    assert "marked" in done["text"]
    _sams_term1(await _back_to_the_dashboard(admin))


@pytest.fixture
async def many_of_sams(sessions, schools, terms: Terms) -> None:  # type: ignore[no-untyped-def]
    """Twenty more hybrid lessons of Sam's in Term 1, named to come first: Sam's piano is on
    the second page of his lessons."""
    alpha, _ = schools
    async with sessions() as session, session.begin():
        for n in range(20):
            lesson = Lesson(
                school_id=alpha.school, key=f"aria-{n:02}", name=f"Aria {n:02}",
                type=LessonType.HYBRID, term_id=terms.term1, teacher_id=alpha.teacher,
                day=6, start_time=time(7), duration_minutes=30,
            )  # fmt: skip
            session.add(lesson)
            await session.flush()
            session.add(
                HybridPattern(
                    lesson_id=lesson.id, school_id=alpha.school, individual_weeks=[4],
                    slot_minutes=15, bookings_open=True,
                )
            )  # fmt: skip


@pytest.mark.usefixtures("many_of_sams")
async def test_a_move_from_the_second_page_of_a_filtered_dashboard_returns_to_that_page(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    alpha, _ = schools
    await _emma_at(services, alpha, time(15))
    admin = api.user(ADMIN)
    await admin.send("/admin")
    await _step(admin, "👤 All teachers")
    await _step(admin, "Sam Jones")
    second = await _step(admin, "Next ▶")
    assert "page 2 of 2" in second["text"] and "Piano Foundations" in second["text"]
    await _step(admin, "Piano Foundations")
    await _step(admin, "Week 4")
    await _step(admin, "Emma Smith")
    await _step(admin, "🔁 Move")
    await _step(admin, "Week 4 (now)")
    await _step(admin, "Mon 22 Feb 16:00")
    back = await _back_to_the_dashboard(admin)
    assert "page 2 of 2" in back["text"] and "Teacher: Sam Jones" in back["text"]
    assert "Piano Foundations" in back["text"] and "Aria 00" not in back["text"]

    # a refused action (the slot taken meanwhile) still offers the way back to that page
    await _step(admin, "Piano Foundations")
    await _step(admin, "Week 4")
    await _step(admin, "Emma Smith")
    await _step(admin, "🔁 Move")
    await _step(admin, "Week 4 (now)")
    start = await services.booking.slot_at(alpha.school, alpha.piano, 4, time(17), day=0)
    await services.booking.create_booking(
        alpha.school, Actor.admin("setup"), alpha.piano, alpha.mia, 4, start
    )
    refused = await _step(admin, "Mon 22 Feb 17:00")
    assert "Nothing was changed" in refused["text"]
    again = await _step(admin, "⬅ All lessons")
    assert "page 2 of 2" in again["text"] and "Teacher: Sam Jones" in again["text"]
