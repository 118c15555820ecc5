"""A parent's commands and buttons (/mybookings, /book, my:/bk: buttons) reaching an account that
is not a parent, through the real bot: an admin, a teacher and a stranger are each told what
their own role does instead, in their language, and nothing is shown or changed."""

from __future__ import annotations

from bot.local_api import LocalBotApi
from core.services import Services
from tests.support.factories import SchoolIds
from tests.support.scenes import bookings

ADMIN, TEACHER, STRANGER = 1001, 1002, 4242


async def test_mybookings_tells_an_admin_a_teacher_and_a_stranger_what_they_can_do(
    api: LocalBotApi, bot_app, services: Services
) -> None:
    admin = await api.user(ADMIN).send("/mybookings")
    assert "/bookings LESSON [week]" in admin["text"] and "/admin" in admin["text"]
    assert "/book is how parents book" not in admin["text"]
    book = await api.user(ADMIN).send("/book")  # /book keeps its own note
    assert book["text"].startswith("/book is how parents book.")
    russian = await api.user(ADMIN, language_code="ru").send("/mybookings")
    assert russian["text"].startswith("/mybookings показывает записи родителя.")
    german = await api.user(ADMIN, language_code="de").send("/mybookings")
    assert german["text"].startswith("/mybookings zeigt die eigenen Buchungen")
    teacher = await api.user(TEACHER).send("/mybookings")
    assert "Who booked your slots: /bookings LESSON [week]" in teacher["text"]
    assert "/calendar" in teacher["text"] and "/admin" not in teacher["text"]
    stranger = await api.user(STRANGER).send("/mybookings")
    assert "invite link" in stranger["text"] and "/bookings" not in stranger["text"]
    assert await bookings(services) == []


async def test_a_parents_button_pressed_by_an_admin_says_what_an_admin_does(
    api: LocalBotApi, bot_app, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _beta = schools
    admin = api.user(ADMIN)
    await admin.send("/admin")
    shown = await admin.press(f"my:l:{alpha.school}")
    assert "/bookings LESSON [week]" in shown["text"] and "not linked" not in shown["text"]
    await admin.send("/admin")
    shown = await admin.press(f"bk:c:{alpha.school}")
    assert shown["text"].startswith("/book is how parents book.")
    await admin.send("/admin")
    stale = await admin.press(f"bk:c:{alpha.school}:1:2:3")  # no parent step has that shape
    assert stale["text"].startswith("That button is out of date.")
    assert "/admin – dashboard of hybrid lessons" in stale["text"]
    assert not (stale.get("reply_markup") or {}).get("inline_keyboard")  # no "Book a slot"
