"""A big class with long names: every admin screen stays within Telegram's limits
(4,096 characters a message, 100 buttons a keyboard), which the local Bot API server
enforces as Telegram does.

Piano (alpha) gets 120 more students, each of their own family, with long names.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.local_api import LocalBotApi, UserClient
from core.db.models import Enrolment, Family, Parent, Student
from core.services import Services
from tests.support.factories import SchoolIds

ADMIN = 1001
SHOWN = ("send", "edit_text")
CROWD = 120


@pytest.fixture
async def big_class(services: Services, schools: tuple[SchoolIds, SchoolIds]) -> SchoolIds:
    alpha, _ = schools
    async with services.sessions() as session, session.begin():
        for n in range(CROWD):
            family = Family(
                school_id=alpha.school, key=f"crowd-{n}", name=f"Vandenberghe-Montgomery {n:03}"
            )
            session.add(family)
            await session.flush()
            session.add(
                Parent(school_id=alpha.school, family_id=family.id, key=f"cp{n}", name=f"P {n}")
            )
            student = Student(
                school_id=alpha.school,
                family_id=family.id,
                key=f"crowd-kid-{n}",
                name=f"Maximilian-Alexander Vandenberghe-Montgomery {n:03}",
            )
            session.add(student)
            await session.flush()
            session.add(
                Enrolment(lesson_id=alpha.piano, student_id=student.id, school_id=alpha.school)
            )
    return alpha


async def tap(user: UserClient, label: str) -> dict[str, Any]:
    shown = await user.press_button(label, until=lambda e: e.kind in SHOWN)
    assert shown is not None
    return shown


def labels(user: UserClient) -> list[str]:
    return [text for row in user.buttons() for text, _ in row]


async def test_the_lesson_panel_of_a_big_class_fits_one_message(
    api: LocalBotApi, bot_app, big_class: SchoolIds
) -> None:
    admin = api.user(ADMIN)
    await admin.send("/admin")
    panel = await tap(admin, "Piano Foundations")
    text = panel["text"]
    assert len(text) <= 4096
    assert "Week 4" in text and "Week 8" in text and "0/123 booked" in text
    assert "and 115 more" in text  # the first few names, then a count
    assert "🔔 Remind" in labels(admin)


async def test_booking_for_a_family_in_a_big_class_pages_the_students(
    api: LocalBotApi, bot_app, services: Services, big_class: SchoolIds
) -> None:
    alpha = big_class
    admin = api.user(ADMIN)
    await admin.send("/bookings piano 4")
    first = await tap(admin, "Book for a family")
    assert "page 1 of" in first["text"]
    page_one = labels(admin)
    assert len(page_one) <= 100 and "Next ▶" in page_one
    second = await tap(admin, "Next ▶")
    assert "page 2 of" in second["text"]
    page_two = [label for label in labels(admin) if "(" in label]
    assert page_two and not set(page_two) & set(page_one)
    await tap(admin, "◀ Prev")
    assert labels(admin) == page_one
    # every student who has to book is on some page, once
    seen: list[str] = []
    await tap(admin, "⬅ Week")
    await tap(admin, "Book for a family")
    while True:
        seen += [label for label in labels(admin) if "(" in label]
        if "Next ▶" not in labels(admin):
            break
        await tap(admin, "Next ▶")
    assert len(seen) == len(set(seen)) == CROWD + 3
    await tap(admin, "Maximilian-Alexander Vandenberghe-Montgomery 119")  # on the last page
    await tap(admin, "Mon 22 Feb 15:00")
    card = await tap(admin, "Book it")
    assert "Booked: Maximilian-Alexander Vandenberghe-Montgomery 119" in card["text"]
    bookings = await services.booking.lesson_bookings(alpha.school, alpha.piano, week=4)
    assert len(bookings) == 1


async def test_the_dashboard_of_a_school_with_many_hybrid_lessons_is_paged(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    from datetime import time

    from core.db.models import HybridPattern, Lesson, LessonType

    alpha, _ = schools
    async with services.sessions() as session, session.begin():
        piano = await session.get(Lesson, alpha.piano)
        assert piano is not None
        for n in range(45):
            lesson = Lesson(
                school_id=alpha.school, key=f"extra-{n:02}", name=f"Extra lesson {n:02}",
                type=LessonType.HYBRID, term_id=piano.term_id, teacher_id=alpha.other_teacher,
                day=n % 5, start_time=time(9 + n // 5), duration_minutes=30,
            )  # fmt: skip
            session.add(lesson)
            await session.flush()
            session.add(
                HybridPattern(
                    lesson_id=lesson.id, school_id=alpha.school, individual_weeks=[4],
                    slot_minutes=15, bookings_open=True,
                )
            )  # fmt: skip
    admin = api.user(ADMIN)
    first = await admin.send("/admin")
    assert "page 1 of 3" in first["text"]
    export = "📤 Export term (xlsx)"  # the term export's row closes every page (issue 14)
    teachers = "👤 All teachers ▾"  # the teacher filter of the term's dashboard
    page_one = labels(admin)
    assert len(page_one) == 20 + 3 and page_one[-3:] == ["Next ▶", teachers, export]
    second = await tap(admin, "Next ▶")
    assert "page 2 of 3" in second["text"]
    assert labels(admin)[-4:] == ["◀ Prev", "Next ▶", teachers, export]
    third = await tap(admin, "Next ▶")
    assert "page 3 of 3" in third["text"] and labels(admin)[-3:] == ["◀ Prev", teachers, export]
    seen = set(page_one[:-3]) | {label for label in labels(admin)[:-3]}
    assert len(seen) == 20 + 7  # 47 hybrid lessons: pages of 20, 20 and 7 (first and last here)
    panel = await tap(admin, "Extra lesson 44")
    assert "Extra lesson 44" in panel["text"]
