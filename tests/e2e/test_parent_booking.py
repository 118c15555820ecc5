"""Parents link their account and book in Telegram: the whole flow, edited in place.

School alpha is in Sydney: week 4 starts Monday 22 February 2027; piano's individual
weeks are 4 and 8, theory's week 4 (the clock stands at 2027-01-19 09:00 UTC).
"""

from __future__ import annotations

from datetime import time

from sqlalchemy import update

from bot.local_api import LocalBotApi
from core.db.models import BookingStatus, Parent, Teacher
from core.services import Services
from core.views import Actor
from handlers.callbacks import decode
from tests.support.chat import confirm, datas, labels, pick_slot, tap
from tests.support.factories import SchoolIds
from tests.support.scenes import book_for, bookings


async def test_parent_books_a_slot_from_book_to_calendar_file(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    user = api.user(1012)  # Bob Brown: one child (Mia, skipped), two lessons
    first = await user.send("/book")
    assert "Which lesson" in first["text"]
    assert labels(user)[:2] == ["Music Theory", "Piano Foundations"]
    weeks = await tap(user, "Piano Foundations")
    assert weeks["message_id"] == first["message_id"]  # edited in place
    week_labels = labels(user)
    assert len([w for w in week_labels if w.startswith("Week ")]) == 10
    assert "Week 4 · 22 Feb · 📝 to book" in week_labels
    assert "Week 1 · 1 Feb · 👥 group" in week_labels
    slots = await tap(user, "Week 4 ·")
    assert "Mon 22 Feb: 15:00" in slots["text"] and "Sydney" in slots["text"]
    assert "Wed 16:00" not in labels(user)  # the teacher's choir on Wednesday 16:00
    card = await tap(user, "Mon 15:00")
    for part in ("Mia Brown", "Piano Foundations", "Sam Jones", "Monday 22 February 2027"):
        assert part in card["text"]
    assert "15:00–15:30" in card["text"] and "Main Studio" in card["text"]
    assert "Room 1" in card["text"]
    await confirm(user)
    done = user.server.message(1012, first["message_id"])
    assert "Booked" in done["text"]
    assert labels(user)[:2] == ["Reschedule", "Cancel booking"]
    (name, data), *_ = user.documents()
    assert name and name.endswith(".ics") and data and b"STATUS:CONFIRMED" in data
    rows = await bookings(services)
    assert [(r.student_id, r.week, r.status) for r in rows] == [
        (alpha.mia, 4, BookingStatus.CONFIRMED)
    ]
    assert rows[0].booked_by.startswith(f"parent:{alpha.brown_parent}")
    callback_answers = user.callback_answers
    assert len(callback_answers) == 4  # every press answered exactly once


async def test_back_goes_one_step_back_on_every_step(
    api: LocalBotApi, bot_app, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    user = api.user(1012)
    await pick_slot(user)
    back_to_slots = await tap(user, "Back")
    assert "Free slots" in back_to_slots["text"]
    await tap(user, "Back")
    assert any(label.startswith("Week 4") for label in labels(user))
    back = await tap(user, "Back")
    assert "Which lesson" in back["text"]


async def test_siblings_choose_the_child_first(
    api: LocalBotApi, bot_app, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    user = api.user(1011)  # Jane Smith: Emma (piano, theory) and Liam (piano only)
    first = await user.send("/book")
    assert "Which child" in first["text"]
    assert labels(user)[:2] == ["Emma Smith", "Liam Smith"]
    weeks = await tap(user, "Liam Smith")  # one lesson: straight to the weeks
    assert "Liam Smith · Piano Foundations" in weeks["text"]
    back = await tap(user, "Back")
    assert "Which child" in back["text"]
    lessons = await tap(user, "Emma Smith")
    assert "Which lesson" in lessons["text"]


async def test_week_markers_show_booked_group_and_closed_weeks(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    await book_for(services, alpha, alpha.mia, time(16, 30))
    await services.booking.set_bookings_open(alpha.school, alpha.theory, False, Actor.admin("t"))
    user = api.user(1012)
    await user.send("/book")
    await tap(user, "Piano Foundations")
    assert "Week 4 · ✅ Mon 16:30" in labels(user)
    await user.press_button("Week 2 ·")
    assert "group week" in user.last_callback_answer["text"]
    card = await tap(user, "Week 4 · ✅")
    assert "Your booking" in card["text"] and "16:30" in card["text"]
    await user.send("/book")
    weeks = await tap(user, "Music Theory")
    assert "Week 4 · 22 Feb · 🔒 closed" in labels(user)
    assert "closed" in weeks["text"]


async def test_start_links_an_invite_and_sets_the_menu(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    john = next(
        i
        for i in await services.invites.issue(alpha.school, alpha.smith_family)
        if i.parent_name == "John Smith"
    )
    user = api.user(5555)
    stranger = await user.send("/start")
    assert "invite" in stranger["text"].lower()
    linked = await user.send(f"/start {john.token}")
    assert "Welcome, John Smith" in linked["text"] and "School alpha" in linked["text"]
    assert "book" in [c["command"] for c in api.menu_for(5555)]
    again = await user.send("/start")
    assert "Welcome back, John Smith" in again["text"]
    other = api.user(6666)
    used = await other.send(f"/start {john.token}")
    assert "already been used" in used["text"]
    unknown = await other.send("/start not-a-real-token")
    assert "not valid" in unknown["text"]
    book = await user.send("/book")
    assert "Which child" in book["text"]


async def test_a_parent_listed_in_the_school_file_needs_no_invite(
    api: LocalBotApi, bot_app, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    welcome = await api.user(1012).send("/start")
    assert "Welcome back, Bob Brown" in welcome["text"]


async def test_a_parent_in_two_schools_is_asked_which_school(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, beta = schools
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Parent).where(Parent.id == beta.smith_parent).values(telegram_id=1011)
        )
    user = api.user(1011)
    ask = await user.send("/book")
    assert "more than one school" in ask["text"]
    assert sorted(labels(user)) == ["School alpha", "School beta"]
    children = await tap(user, "School beta")
    assert "School beta" in children["text"]
    for data in datas(user):
        parsed = decode(data)
        assert parsed is not None and parsed.args[0] == beta.school
    await tap(user, "Liam Smith")
    slots = await tap(user, "Week 4 ·")
    assert "London" in slots["text"]
    listing = await user.send("/mybookings")
    assert "more than one school" in listing["text"]
    mine = await tap(user, "School alpha")
    assert "School alpha" in mine["text"] and "No upcoming bookings" in mine["text"]


async def test_an_account_has_every_role_it_holds_in_every_school(
    services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, beta = schools
    async with services.sessions() as session, session.begin():
        teacher = await session.get(Teacher, beta.teacher)
        assert teacher is not None
        teacher.telegram_id = 1011  # Jane Smith also teaches at school beta
    found = [(i.role.value, i.school.key) for i in await services.directory.identities(1011)]
    assert found == [("teacher", "beta"), ("parent", "alpha")]
    assert [i.role.value for i in await services.directory.identities(1001)] == ["admin"]
    assert await services.directory.identities(4242) == []
