"""Admins run hybrid lessons from chat: the /admin dashboard and its one-line shortcuts."""

from __future__ import annotations

from datetime import time

from bot.local_api import LocalBotApi
from core.services import Services
from core.views import Actor
from tests.support.chat import tap_shown as tap
from tests.support.factories import SchoolIds
from tests.support.scenes import is_open

ADMIN = 1001


ACTOR = Actor.admin("test")


async def book(services: Services, ids: SchoolIds, lesson: int, student: int, at: time) -> int:
    start = await services.booking.slot_at(ids.school, lesson, 4, at, day=0)
    booking = await services.booking.create_booking(ids.school, ACTOR, lesson, student, 4, start)
    return booking.id


async def test_dashboard_lists_hybrid_lessons_with_state_and_counts(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    alpha, _ = schools
    await book(services, alpha, alpha.piano, alpha.emma, time(15))
    admin = api.user(ADMIN)
    message = await admin.send("/admin")
    labels = [label for row in admin.buttons() for label, _ in row]
    assert any(
        "Piano Foundations" in label and "open" in label and "1/6" in label for label in labels
    )
    assert any("Music Theory" in label and "0/2" in label for label in labels)
    assert not any("Choir" in label for label in labels)  # only hybrid lessons
    assert "School alpha" in message["text"]


async def test_lesson_panel_shows_weeks_missing_families_and_remind_button(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    alpha, _ = schools
    await book(services, alpha, alpha.piano, alpha.emma, time(15))
    await services.directory.set_blocked(1012, services.clock.now())  # the Browns blocked the bot
    admin = api.user(ADMIN)
    await admin.send("/admin")
    panel = await tap(admin, "Piano Foundations")
    text = panel["text"]
    assert "Week 4" in text and "1/3 booked" in text and "Week 8" in text
    assert "Liam Smith (Smith family)" in text
    assert "Mia Brown (Brown family) ⚠ unreachable" in text
    data = dict(b for row in admin.buttons() for b in row)
    assert data["🔔 Remind"] == f"rm:go:{alpha.school}:{alpha.piano}"


async def test_week_bookings_are_paged_eight_at_a_time(
    api: LocalBotApi, bot_app, services: Services, schools, sessions
) -> None:
    alpha, _ = schools
    # nine students enrolled in piano, nine bookings in week 4
    from core.db.models import Enrolment, Student

    async with sessions() as session, session.begin():
        extra = [
            Student(
                school_id=alpha.school, family_id=alpha.brown_family, key=f"kid{n}", name=f"Kid {n}"
            )
            for n in range(6)
        ]
        session.add_all(extra)
        await session.flush()
        session.add_all(
            Enrolment(lesson_id=alpha.piano, student_id=s.id, school_id=alpha.school) for s in extra
        )
        kid_ids = [s.id for s in extra]
    students = [alpha.emma, alpha.liam, alpha.mia, *kid_ids]
    hours = [
        time(15),
        time(15, 30),
        time(16),
        time(16, 30),
        time(17),
        time(17, 30),
        time(18),
        time(18, 30),
    ]
    for student, at in zip(students, hours, strict=False):
        await book(services, alpha, alpha.piano, student, at)
    wednesday = await services.booking.slot_at(alpha.school, alpha.piano, 4, time(15, 30), day=2)
    await services.booking.create_booking(
        alpha.school, ACTOR, alpha.piano, students[8], 4, wednesday
    )

    admin = api.user(ADMIN)
    first = await admin.send("/bookings piano 4")
    assert "9 bookings · page 1 of 2" in first["text"]
    booking_buttons = [b for row in admin.buttons() for b in row if b[1].startswith("ad:b:")]
    assert len(booking_buttons) == 8
    second = await tap(admin, "Next ▶")
    assert "page 2 of 2" in second["text"]
    assert len([b for row in admin.buttons() for b in row if b[1].startswith("ad:b:")]) == 1
    assert "Every student has a booking" in second["text"]


async def test_shortcuts_and_the_dashboard_toggle_open_and_close(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    alpha, _ = schools
    admin = api.user(ADMIN)
    closed = await admin.send("/close piano")
    assert "now closed" in closed["text"]
    assert not await is_open(services, alpha, alpha.piano)
    again = await admin.send("/close piano")
    assert "already closed" in again["text"]
    opened = await admin.send("/open PIANO")
    assert "now open" in opened["text"]
    assert await is_open(services, alpha, alpha.piano)
    stats = await admin.send("/stats theory")
    assert "Music Theory" in stats["text"] and "0/2" in stats["text"]
    lessons = await admin.send("/lessons")
    assert "Piano Foundations" in lessons["text"] and "Music Theory" in lessons["text"]
    # the same from the dashboard's buttons
    await tap(admin, "Piano Foundations")
    message = await tap(admin, "Close bookings")
    assert "now closed" in message["text"]
    assert not await is_open(services, alpha, alpha.piano)
    await tap(admin, "Open bookings")
    assert await is_open(services, alpha, alpha.piano)


async def test_unknown_key_usage_and_bookings_of_every_week(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    alpha, _ = schools
    await book(services, alpha, alpha.piano, alpha.emma, time(15))
    admin = api.user(ADMIN)
    overview = await admin.send("/bookings piano")
    assert "Week 4" in overview["text"] and "Week 8" in overview["text"]
    assert "Emma Smith" in overview["text"]
    message = await admin.send("/open violin")
    assert (
        "violin" in message["text"] and "piano" in message["text"] and "theory" in message["text"]
    )
    usage = await admin.send("/stats")
    assert "Usage" in usage["text"]
    week = await admin.send("/bookings piano 3")
    assert "not an individual week" in week["text"] and "4, 8" in week["text"]


async def test_invite_gives_one_forwardable_link_per_parent(
    api: LocalBotApi, bot_app, schools
) -> None:
    admin = api.user(ADMIN)
    await admin.send("/invite smith")
    texts = [m["text"] for m in admin.messages]
    links = [t for t in texts if "https://t.me/musicbot_test_bot?start=" in t]
    assert len(links) == 2  # Jane and John
    assert any("Jane Smith" in t for t in links) and any("John Smith" in t for t in links)
    unknown = await admin.send("/invite jones")
    assert "no family" in unknown["text"]
