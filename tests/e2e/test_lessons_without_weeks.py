"""A hybrid lesson whose pattern has no individual weeks (yet), through the real bot: the
teacher's /bookings, the admin's and the family's screens say so plainly (no error, no
keyboard without buttons, which Telegram refuses)."""

from __future__ import annotations

from sqlalchemy import update

from bot.local_api import LocalBotApi
from core.db.models import HybridPattern, School
from core.services import Services
from tests.support.chat import labels, tap
from tests.support.factories import SchoolIds

ADMIN, TEACHER, BROWN = 1001, 1002, 1012


async def test_a_lesson_without_individual_weeks_is_said_so_to_teacher_admin_and_family(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _beta = schools
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(HybridPattern)
            .where(HybridPattern.lesson_id == alpha.theory)
            .values(individual_weeks=[])
        )
        await session.execute(
            update(School)
            .where(School.id == alpha.school)
            .values(catalog_version=School.catalog_version + 1)
        )
    teacher = api.user(TEACHER)
    answer = await teacher.send("/bookings theory")
    assert answer["text"] == "Music Theory · bookings\nThis lesson has no individual weeks."
    german = await api.user(TEACHER, language_code="de").send("/bookings theory")
    assert "Music Theory" in german["text"] and "Sorry" not in german["text"]
    assert "Einzelwochen" in german["text"]
    admin = await api.user(ADMIN).send("/bookings theory 4")
    assert "Its individual weeks: none." in admin["text"]
    bob = api.user(BROWN)
    await bob.send("/book")
    screen = await tap(bob, "Music Theory")
    assert "Nothing left to book in this lesson." in screen["text"]
    assert "Week 4 · 22 Feb · 👥 group" in labels(bob)


async def test_book_for_a_family_of_a_week_no_longer_individual_says_so(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    """The school file made week 4 a group week after the admin opened it: the old button
    says week 4 is no individual week, not that every student has booked it."""
    alpha, _beta = schools
    admin = api.user(ADMIN)
    await admin.send("/bookings piano 4")
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(HybridPattern)
            .where(HybridPattern.lesson_id == alpha.piano)
            .values(individual_weeks=[8])
        )
        await session.execute(
            update(School)
            .where(School.id == alpha.school)
            .values(catalog_version=School.catalog_version + 1)
        )
    answer = await tap(admin, "➕ Book for a family")
    assert answer["text"].startswith(
        "“4” is not an individual week of Piano Foundations. Its individual weeks: 8."
    )
    assert "Every student has a booking" not in answer["text"]
