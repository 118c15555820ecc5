"""Teachers see their own lessons and who booked which slot, read-only."""

from __future__ import annotations

from datetime import time

from sqlalchemy import update

from bot.local_api import LocalBotApi
from core.db.models import Lesson
from core.services import Services
from core.views import Actor

TEACHER = 1002
SHOWN = ("send", "edit_text", "edit_caption")


async def test_teacher_lessons_lists_their_lessons_of_every_type(
    api: LocalBotApi, bot_app, schools
) -> None:
    reply = await api.user(TEACHER).send("/lessons")
    text = reply["text"]
    assert "Piano Foundations" in text and "Music Theory" in text and "Junior Choir" in text
    assert "hybrid" in text and "group" in text and "individual weeks: 4, 8" in text
    assert not any("ad:" in (data or "") for row in api.user(TEACHER).buttons() for _, data in row)


async def test_teacher_sees_who_booked_a_week_and_can_browse_weeks(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    alpha, _ = schools
    start = await services.booking.slot_at(alpha.school, alpha.piano, 4, time(15, 30), day=0)
    await services.booking.create_booking(
        alpha.school, Actor.admin("setup"), alpha.piano, alpha.emma, 4, start
    )
    teacher = api.user(TEACHER)
    week = await teacher.send("/bookings piano 4")
    assert "15:30–16:00 Emma Smith (Smith family) · confirmed" in week["text"]
    assert all(data.startswith("tc:wk:") for row in teacher.buttons() for _, data in row)
    other = await teacher.press_button("Week 8", until=lambda e: e.kind in SHOWN)
    assert "week 8" in other["text"] and "No bookings yet." in other["text"]
    overview = await teacher.send("/bookings piano")
    assert "Week 4" in overview["text"] and "Emma Smith" in overview["text"]


async def test_teacher_can_not_see_another_teachers_lesson(
    api: LocalBotApi, bot_app, sessions, schools
) -> None:
    alpha, _ = schools
    async with sessions() as session, session.begin():
        await session.execute(
            update(Lesson).where(Lesson.id == alpha.theory).values(teacher_id=alpha.other_teacher)
        )
    teacher = api.user(TEACHER)
    reply = await teacher.send("/bookings theory 4")
    assert "not one of your lessons" in reply["text"]
    unknown = await teacher.send("/bookings violin")
    assert "violin" in unknown["text"] and "piano" in unknown["text"]
    await teacher.send("/help")
    await teacher.press(
        f"tc:wk:{alpha.school}:{alpha.theory}:4:0",
        message_id=teacher.last_message["message_id"],
        until=lambda e: e.kind in SHOWN,
    )
    assert "not one of your lessons" in teacher.last_message["text"]
