"""/calendar: the week as a picture for admins, teachers and parents, and the term's .ics."""

from __future__ import annotations

from collections import Counter
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.local_api import LocalBotApi
from core.admin_view import day_number
from core.calendar.agenda import AGENDA_WIDTH
from core.calendar.events import EventKind
from core.calendar.layout import layout_week, summarize_week
from core.calendar.service import CalendarFilter
from core.services import Services
from core.views import Actor
from handlers.calendar.texts import CalendarMode, calendar_title
from tests.support.factories import SchoolIds

ADMIN, TEACHER, SMITH = 1001, 1002, 1011
SYDNEY = ZoneInfo("Australia/Sydney")
WEEK_4 = date(2027, 2, 22)
SENT = ("send",)


@pytest.fixture
async def crowded_week(services: Services, schools) -> SchoolIds:  # type: ignore[no-untyped-def]
    """Week 4 of alpha: three piano and two theory sessions booked, besides the lessons."""
    alpha, _ = schools
    plan = [
        (alpha.piano, alpha.emma, time(15)),
        (alpha.piano, alpha.mia, time(15, 30)),
        (alpha.piano, alpha.liam, time(17)),
        (alpha.theory, alpha.emma, time(16)),
        (alpha.theory, alpha.mia, time(16, 30)),
    ]
    for lesson, student, at in plan:
        start = await services.booking.slot_at(alpha.school, lesson, 4, at, day=0)
        await services.booking.create_booking(
            alpha.school, Actor.admin("setup"), lesson, student, 4, start
        )
    return alpha


async def layout_of(
    services: Services,
    school: int,
    monday: date,
    filters: CalendarFilter,
    title: str,
    with_teacher: bool = False,
):  # type: ignore[no-untyped-def]
    events = await services.calendar.events(school, monday, monday + timedelta(days=6), filters)
    return layout_week(events, monday, SYDNEY, title, with_teacher=with_teacher)


def photos(user) -> list[dict]:  # type: ignore[no-untyped-def]
    return [m for m in user.messages if m.get("photo")]


async def show_week(user, school: int, mode: CalendarMode, monday: date, teacher: int = 0):  # type: ignore[no-untyped-def]
    await user.send("/help")
    return await user.press(
        f"cal:w:{school}:{int(mode)}:{day_number(monday)}:{teacher}:0",
        message_id=user.last_message["message_id"],
        until=lambda e: e.kind in SENT,
    )


async def test_admin_gets_this_week_then_browses_to_a_crowded_week(
    api: LocalBotApi, bot_app, services: Services, crowded_week: SchoolIds
) -> None:
    alpha = crowded_week
    admin = api.user(ADMIN)
    first = await admin.send("/calendar", until=lambda e: e.kind in SENT)
    assert first["photo"] and "No lessons this week." in first["caption"]
    empty = await layout_of(services, alpha.school, date(2027, 1, 18), CalendarFilter(), "x")
    assert empty.is_empty

    for _ in range(5):  # 18 Jan -> 22 Feb
        await admin.press_button("week ▶", until=lambda e: e.kind in SENT)
    assert len(photos(admin)) == 1  # each new picture replaces the old one
    shown = photos(admin)[0]
    title = calendar_title("School alpha", CalendarMode.ADMIN, "Alice Admin")
    layout = await layout_of(
        services, alpha.school, WEEK_4, CalendarFilter(staff=True), title, with_teacher=True
    )
    assert "Emma Smith · Sam Jones" in shown["caption"]  # booked: the child, and the teacher
    assert shown["caption"] == summarize_week(layout)
    kinds = Counter(block.kind for block in layout.blocks)
    assert kinds[EventKind.BOOKED_SESSION] == 5
    # both individual weeks are full (piano 3 of 3, theory 2 of 2 booked): the two
    # placeholders are still calendar entries, but the picture leaves them out (issue 11)
    assert kinds[EventKind.HYBRID_PLACEHOLDER] == 0
    week = await services.calendar.events(
        alpha.school, WEEK_4, WEEK_4 + timedelta(days=6), CalendarFilter(staff=True)
    )
    assert [e.to_book for e in week if e.kind is EventKind.HYBRID_PLACEHOLDER] == [0, 0]
    assert kinds[EventKind.GROUP] == 1


async def test_admin_filters_by_teacher_and_gets_the_term_ics(
    api: LocalBotApi, bot_app, services: Services, crowded_week: SchoolIds
) -> None:
    alpha = crowded_week
    admin = api.user(ADMIN)
    await show_week(admin, alpha.school, CalendarMode.ADMIN, WEEK_4)
    await admin.press_button("Teacher: All", until=lambda e: e.kind == "edit_markup")
    listed = [label for row in admin.buttons() for label, _ in row]
    assert listed == ["• All teachers •", "Kim Lee", "Sam Jones"]  # pick one, not cycle
    kim = await admin.press_button("Kim Lee", until=lambda e: e.kind in SENT)
    assert "teacher Kim Lee" in kim["caption"] and "No lessons this week." in kim["caption"]
    await admin.press_button("Teacher: Kim Lee", until=lambda e: e.kind == "edit_markup")
    sam = await admin.press_button("Sam Jones", until=lambda e: e.kind in SENT)
    title = calendar_title("School alpha", CalendarMode.ADMIN, "Alice Admin", "Sam Jones")
    staff = CalendarFilter(teacher_id=alpha.teacher, staff=True)
    layout = await layout_of(services, alpha.school, WEEK_4, staff, title, with_teacher=True)
    assert sam["caption"] == summarize_week(layout)

    await admin.press_button("Term .ics", until=lambda e: e.kind in SENT)
    name, data = admin.documents()[-1]
    assert name == "alpha-t1.ics"
    events = Calendar.from_ical(data).walk("VEVENT")
    term = await services.calendar.events(
        alpha.school, date(2027, 2, 1), date(2027, 4, 11), CalendarFilter(teacher_id=alpha.teacher)
    )
    assert len(events) == len(term) == 10 * 3 + 5
    assert {str(e["UID"]) for e in events} == {f"{e.uid}@musicbot" for e in term}


async def test_teacher_sees_only_their_own_lessons(
    api: LocalBotApi, bot_app, services: Services, crowded_week: SchoolIds
) -> None:
    alpha = crowded_week
    teacher = api.user(TEACHER)
    await teacher.send("/calendar", until=lambda e: e.kind in SENT)
    labels = [label for row in teacher.buttons() for label, _ in row]
    assert not any("Teacher:" in label for label in labels)  # no filters for teachers
    shown = await show_week(teacher, alpha.school, CalendarMode.TEACHER, WEEK_4)
    title = calendar_title("School alpha", CalendarMode.TEACHER, "Sam Jones")
    layout = await layout_of(
        services, alpha.school, WEEK_4, CalendarFilter(teacher_id=alpha.teacher, staff=True), title
    )
    assert shown["caption"] == summarize_week(layout)
    assert "book a slot" not in shown["caption"]  # a teacher does not book
    assert Counter(b.kind for b in layout.blocks)[EventKind.BOOKED_SESSION] == 5


async def test_parent_sees_only_their_familys_lessons_and_bookings(
    api: LocalBotApi, bot_app, services: Services, crowded_week: SchoolIds
) -> None:
    alpha = crowded_week
    parent = api.user(SMITH)
    shown = await show_week(parent, alpha.school, CalendarMode.PARENT, WEEK_4)
    title = calendar_title("School alpha", CalendarMode.PARENT, "Jane Smith")
    layout = await layout_of(
        services, alpha.school, WEEK_4, CalendarFilter(family_id=alpha.smith_family), title
    )
    assert shown["caption"] == summarize_week(layout)
    kinds = Counter(b.kind for b in layout.blocks)
    assert kinds[EventKind.BOOKED_SESSION] == 3  # Emma twice, Liam once; not Mia
    assert kinds[EventKind.GROUP] == 0  # nobody of the family sings in the choir
    assert "Mia" not in shown["caption"]

    await parent.press_button("Term .ics", until=lambda e: e.kind in SENT)
    name, data = parent.documents()[-1]
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(data).walk("VEVENT")]
    assert summaries and not any("Mia" in s or "Choir" in s for s in summaries)


async def test_forged_calendar_buttons_are_refused(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    alpha, beta = schools
    monday = day_number(WEEK_4)
    parent, admin = api.user(SMITH), api.user(ADMIN)
    forged = [
        (parent, f"cal:w:{alpha.school}:1:{monday}:0:0"),  # a parent asking for the admin view
        (
            parent,
            f"cal:w:{alpha.school}:3:{monday}:{alpha.teacher}:0",
        ),  # a filter a parent can't set
        (parent, f"cal:ics:{beta.school}:3:{monday}:0:0"),  # another school
        (admin, f"cal:w:{beta.school}:1:{monday}:0:0"),
        (admin, f"cal:w:{alpha.school}:1:{monday}:{beta.teacher}:0"),  # beta's teacher
        (admin, f"cal:w:{alpha.school}:9:{monday}:0:0"),
    ]
    for user, data in forged:
        await user.send("/help")
        await user.press(
            data, message_id=user.last_message["message_id"], until=lambda e: e.kind in SENT
        )
        assert "not one of yours" in user.last_message["text"], data
    assert not photos(parent) and not photos(admin)


async def test_to_book_placeholders_count_who_is_left_and_families_see_their_childrens_names(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    """Piano (Emma, Liam, Mia) and theory (Emma, Mia) in week 4; only Emma has booked piano."""
    alpha, _ = schools
    start = await services.booking.slot_at(alpha.school, alpha.piano, 4, time(15), day=0)
    await services.booking.create_booking(
        alpha.school, Actor.admin("setup"), alpha.piano, alpha.emma, 4, start
    )
    admin, smith = api.user(ADMIN), api.user(SMITH)
    school = await show_week(admin, alpha.school, CalendarMode.ADMIN, WEEK_4)
    assert "Piano Foundations: 2 to book · Sam Jones" in school["caption"]
    assert "Music Theory: 2 to book · Sam Jones" in school["caption"]
    family = await show_week(smith, alpha.school, CalendarMode.PARENT, WEEK_4)
    assert "16:00 Piano Foundations: Liam to book" in family["caption"]  # Emma has booked
    assert "17:00 Music Theory: Emma to book" in family["caption"]
    assert "Mia" not in family["caption"]
    group_week = await show_week(smith, alpha.school, CalendarMode.PARENT, WEEK_4 - timedelta(7))
    assert "16:00 Piano Foundations · Emma & Liam" in group_week["caption"]
    assert "17:00 Music Theory · Emma" in group_week["caption"]

    start = await services.booking.slot_at(alpha.school, alpha.piano, 4, time(16), day=0)
    await services.booking.create_booking(
        alpha.school, Actor.admin("setup"), alpha.piano, alpha.liam, 4, start
    )
    family = await show_week(smith, alpha.school, CalendarMode.PARENT, WEEK_4)
    assert "Piano Foundations:" not in family["caption"]  # both Smith children booked
    assert "Mon 22 Feb: 15:00 Emma Smith; 16:00 Liam Smith" in family["caption"]
    school = await show_week(admin, alpha.school, CalendarMode.ADMIN, WEEK_4)
    assert "Piano Foundations: 1 to book · Sam Jones" in school["caption"]  # Mia
    start = await services.booking.slot_at(alpha.school, alpha.piano, 4, time(17), day=0)
    await services.booking.create_booking(
        alpha.school, Actor.admin("setup"), alpha.piano, alpha.mia, 4, start
    )
    school = await show_week(admin, alpha.school, CalendarMode.ADMIN, WEEK_4)
    assert "Piano Foundations:" not in school["caption"]  # the week is full: no placeholder
    assert "Music Theory: 2 to book" in school["caption"]


async def test_a_parent_switches_to_the_phone_view_and_browses_weeks_in_it(
    api: LocalBotApi, bot_app, services: Services, crowded_week: SchoolIds
) -> None:
    alpha = crowded_week
    parent = api.user(SMITH)
    grid = await show_week(parent, alpha.school, CalendarMode.PARENT, WEEK_4)
    assert grid["photo"][-1]["width"] == 1200
    phone = await parent.press_button("📱 Phone view", until=lambda e: e.kind in SENT)
    assert phone["photo"][-1]["width"] == AGENDA_WIDTH  # one narrow column, large type
    assert phone["caption"] == grid["caption"]
    assert len(photos(parent)) == 1  # it replaces the week grid
    earlier = await parent.press_button("◀ week", until=lambda e: e.kind in SENT)
    assert earlier["photo"][-1]["width"] == AGENDA_WIDTH  # browsing stays in the phone view
    assert "Week of 15 Feb 2027" in earlier["caption"]
    back = await parent.press_button("🗓 Week grid", until=lambda e: e.kind in SENT)
    assert back["photo"][-1]["width"] == 1200 and "Week of 15 Feb 2027" in back["caption"]
