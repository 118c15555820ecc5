"""Who may not: parents, teachers, and admins of another school; nothing changes on a refusal."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import text

from bot.local_api import LocalBotApi
from core.db.models import Admin
from core.services import Services
from core.views import Actor
from handlers.callbacks import to_minute
from tests.support.chat import press_forged, shown
from tests.support.factories import SchoolIds

ALPHA_ADMIN = 1001
ALPHA_TEACHER = 1002
SMITH = 1011

SNAPSHOT = (
    "SELECT id, status, start_at, week, booked_by, updated_by, cancelled_by, sequence "
    "FROM bookings ORDER BY id",
    "SELECT lesson_id, bookings_open, opened_at FROM hybrid_patterns ORDER BY lesson_id",
    "SELECT count(*) FROM invites",
    "SELECT id, blocked_at FROM parents ORDER BY id",
)


async def snapshot(sessions) -> list[list[tuple]]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return [[tuple(r) for r in await session.execute(text(q))] for q in SNAPSHOT]


async def book(services: Services, ids: SchoolIds, student: int, week: int = 4) -> int:
    start = await services.booking.slot_at(ids.school, ids.piano, week, time(15), day=0)
    view = await services.booking.create_booking(
        ids.school, Actor.admin("setup"), ids.piano, student, week, start
    )
    return view.id


async def test_parent_and_stranger_are_refused_admin_commands(
    api: LocalBotApi, bot_app, sessions, schools
) -> None:
    before = await snapshot(sessions)
    parent = api.user(SMITH)
    for command in ("/admin", "/open piano", "/close piano", "/stats piano", "/invite smith"):
        reply = await parent.send(command)
        assert "for the school's admins" in reply["text"], command
    reply = await parent.send("/bookings piano 4")
    assert "teachers and admins" in reply["text"]
    stranger = await api.user(999).send("/close piano")
    assert "for the school's admins" in stranger["text"]
    assert await snapshot(sessions) == before


async def test_teacher_can_not_change_anything(
    api: LocalBotApi, bot_app, services: Services, sessions, schools
) -> None:
    alpha, _ = schools
    booking_id = await book(services, alpha, alpha.emma)
    before = await snapshot(sessions)
    teacher = api.user(ALPHA_TEACHER)
    for command in ("/open piano", "/close piano", "/admin", "/invite smith"):
        reply = await teacher.send(command)
        assert "Teachers can look but not change" in reply["text"], command
    for data in (
        f"ad:tog:{alpha.school}:{alpha.piano}:0",
        f"ad:cy:{alpha.school}:{booking_id}:1",
        f"ad:home:{alpha.school}",
        f"ad:at:{alpha.school}:{booking_id}:2",
    ):
        said = await press_forged(teacher, data)
        assert "Teachers can look but not change" in said, data
    assert await snapshot(sessions) == before


async def test_admin_of_alpha_can_not_touch_beta_with_forged_buttons(
    api: LocalBotApi, bot_app, services: Services, sessions, schools
) -> None:
    alpha, beta = schools
    beta_booking = await book(services, beta, beta.emma)
    alpha_booking = await book(services, alpha, alpha.emma)
    beta_minute = to_minute(
        await services.booking.slot_at(beta.school, beta.piano, 8, time(16), day=0)
    )
    alpha_minute = to_minute(
        await services.booking.slot_at(alpha.school, alpha.piano, 4, time(16), day=0)
    )
    before = await snapshot(sessions)
    admin = api.user(ALPHA_ADMIN)
    await admin.send("/admin")
    other_school = "not an admin of that school"
    not_found = "Nothing was changed"
    forged = {
        f"ad:home:{beta.school}": other_school,
        f"ad:l:{beta.school}:{beta.piano}": other_school,
        f"ad:tog:{beta.school}:{beta.piano}:0": other_school,
        f"ad:wk:{beta.school}:{beta.piano}:4:0": other_school,
        f"ad:b:{beta.school}:{beta_booking}": other_school,
        f"ad:cy:{beta.school}:{beta_booking}:1": other_school,
        f"ad:ry:{beta.school}:{beta_booking}:8:{beta_minute}": other_school,
        f"ad:ny:{beta.school}:{beta.piano}:4:{beta.mia}:{beta_minute}": other_school,
        f"ad:at:{beta.school}:{beta_booking}:1": other_school,
        f"ad:inv:{beta.school}:{beta.smith_family}": other_school,
        # alpha's own school id with beta's lesson, booking or student: not found in alpha
        f"ad:tog:{alpha.school}:{beta.piano}:0": not_found,
        f"ad:cy:{alpha.school}:{beta_booking}:1": not_found,
        f"ad:ry:{alpha.school}:{beta_booking}:8:{alpha_minute}": not_found,
        f"ad:ny:{alpha.school}:{alpha.piano}:4:{beta.mia}:{alpha_minute}": not_found,
        f"ad:ny:{alpha.school}:{beta.piano}:4:{beta.mia}:{beta_minute}": not_found,
        f"ad:inv:{alpha.school}:{beta.smith_family}": "No such family",
        f"tc:wk:{beta.school}:{beta.piano}:4:0": "not one of your lessons",
    }
    for data, expected in forged.items():
        said = await press_forged(admin, data)
        assert expected in said, (data, said)
    await admin.press(f"ad:tog:{alpha.school}:{alpha.piano}", message_id=1)  # malformed
    assert "out of date" in admin.last_callback_answer["text"]
    assert await snapshot(sessions) == before
    assert (await services.booking.get_booking(alpha.school, alpha_booking)).active


@pytest.fixture
async def two_school_admin(sessions, schools) -> None:  # type: ignore[no-untyped-def]
    """Alice also runs school beta."""
    _, beta = schools
    async with sessions() as session, session.begin():
        session.add(
            Admin(school_id=beta.school, key="alice-alpha", name="Alice Admin", telegram_id=1001)
        )


async def test_admin_of_two_schools_picks_the_school(
    api: LocalBotApi, bot_app, services: Services, schools, two_school_admin
) -> None:
    alpha, beta = schools
    admin = api.user(ALPHA_ADMIN)
    picker = await admin.send("/admin")
    assert "several schools" in picker["text"]
    dashboard = await admin.press_button("School beta", until=shown)
    assert "School beta" in dashboard["text"]

    ambiguous = await admin.send("/close piano")
    assert "several of your schools" in ambiguous["text"]
    assert (await services.directory.lesson(alpha.school, alpha.piano)).bookings_open
    await admin.press_button("School beta", until=shown)
    await admin.press_button("Close bookings", until=shown)
    assert not (await services.directory.lesson(beta.school, beta.piano)).bookings_open
    assert (await services.directory.lesson(alpha.school, alpha.piano)).bookings_open

    calendars = await admin.send("/calendar")
    assert calendars["text"] == "Which calendar?"
    labels = [label for row in admin.buttons() for label, _ in row]
    assert labels == ["School alpha · whole school", "School beta · whole school"]
    picture = await admin.press_button("School beta", until=lambda e: e.kind == "send")
    assert picture["photo"] and picture["caption"].startswith("School beta")
