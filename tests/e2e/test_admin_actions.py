"""Admins act on a family's behalf: book, move, cancel, attendance; the parents are told."""

from __future__ import annotations

from datetime import time, timedelta

from icalendar import Calendar

from bot.local_api import LocalBotApi
from core.db.models import BookingStatus
from core.services import Services
from tests.support.chat import tap_shown as tap
from tests.support.factories import SchoolIds
from tests.support.scenes import book_for

ADMIN = 1001


SMITH = 1011
BROWN = 1012


async def book(services: Services, ids: SchoolIds, student: int, at: time) -> int:
    """The school's booking of ``student``'s piano at ``at`` on Monday of week 4: its id."""
    return (await book_for(services, ids, student, at)).id


async def _bookings_then(api: LocalBotApi, label: str):  # type: ignore[no-untyped-def]
    """The admin's /bookings piano 4, then a press of ``label`` (a booking, or Book for a
    family): the admin's chat."""
    admin = api.user(ADMIN)
    await admin.send("/bookings piano 4")
    await tap(admin, label)
    return admin


def last_ics(user) -> Calendar:  # type: ignore[no-untyped-def]
    name, data = user.documents()[-1]
    assert name is not None and name.endswith(".ics") and data
    return Calendar.from_ical(data)


async def test_admin_books_for_a_family_and_the_parent_is_told(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    alpha, _ = schools
    admin = await _bookings_then(api, "Book for a family")
    labels = [label for row in admin.buttons() for label, _ in row]
    assert "Mia Brown (Brown family)" in labels
    await tap(admin, "Mia Brown")
    check = await tap(admin, "Mon 22 Feb 15:00")
    assert "Please check and confirm" in check["text"] and "Mia Brown" in check["text"]
    assert await services.booking.lesson_bookings(alpha.school, alpha.piano, week=4) == []
    card = await tap(admin, "Book it")
    assert "Booked: Mia Brown" in card["text"] and "told in chat (1 parent)" in card["text"]

    bookings = await services.booking.lesson_bookings(alpha.school, alpha.piano, week=4)
    assert [(b.student_id, b.booked_by) for b in bookings] == [(alpha.mia, "admin:Alice Admin")]
    parent = api.user(BROWN)
    notices = [m["text"] for m in parent.messages if "text" in m]
    assert any("School alpha booked" in t and "Mia Brown" in t for t in notices)
    event = last_ics(parent).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == bookings[0].start_at


async def test_admin_books_inside_24_hours_and_while_closed(
    api: LocalBotApi, bot_app, services: Services, schools, clock
) -> None:
    alpha, _ = schools
    start = await services.booking.slot_at(alpha.school, alpha.piano, 4, time(15), day=0)
    clock.set(start - timedelta(hours=2))
    admin = api.user(ADMIN)
    await admin.send("/close piano")
    await _bookings_then(api, "Book for a family")
    await tap(admin, "Emma Smith")
    await tap(admin, "Mon 22 Feb 15:00")
    card = await tap(admin, "Book it")
    assert "Booked: Emma Smith" in card["text"]


async def test_admin_moves_a_booking_and_the_parent_gets_the_updated_ics(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    alpha, _ = schools
    booking_id = await book(services, alpha, alpha.emma, time(15))
    admin = await _bookings_then(api, "Emma Smith")
    await tap(admin, "Move")
    await tap(admin, "Week 8")
    card = await tap(admin, "Mon 22 Mar 17:00")
    assert "Moved booking" in card["text"]

    moved = await services.booking.get_booking(alpha.school, booking_id)
    assert moved.week == 8 and f"{moved.local_start:%H:%M}" == "17:00"
    assert moved.updated_by == "admin:Alice Admin"
    parent = api.user(SMITH)
    assert any("moved Emma Smith" in m.get("text", "") for m in parent.messages)
    event = last_ics(parent).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == moved.start_at
    assert int(event["SEQUENCE"]) == 1


async def test_admin_cancels_with_a_listed_reason(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    alpha, _ = schools
    booking_id = await book(services, alpha, alpha.mia, time(15))
    admin = await _bookings_then(api, "Mia Brown")
    await tap(admin, "Cancel booking")
    card = await tap(admin, "Teacher unavailable")
    assert "Cancelled booking" in card["text"]

    view = await services.booking.get_booking(alpha.school, booking_id)
    assert view.status is BookingStatus.CANCELLED
    assert view.cancelled_by == "admin:Alice Admin" and view.cancel_reason == "Teacher unavailable"
    parent = api.user(BROWN)
    assert any("cancelled Mia Brown" in m.get("text", "") for m in parent.messages)
    calendar = last_ics(parent)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


async def test_admin_cancels_with_a_typed_reason_only_when_asked_for_one(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    alpha, _ = schools
    booking_id = await book(services, alpha, alpha.liam, time(15))
    admin = await _bookings_then(api, "Liam Smith")
    await tap(admin, "Cancel booking")
    await tap(admin, "Type a reason")
    await tap(admin, "Booking")  # changed their mind: a later message is no reason
    await admin.send("just chatting")
    assert (await services.booking.get_booking(alpha.school, booking_id)).active

    await tap(admin, "Cancel booking")
    prompt = await tap(admin, "Type a reason")
    assert "type the reason" in prompt["text"].lower()
    await admin.send("Piano being tuned")
    view = await services.booking.get_booking(alpha.school, booking_id)
    assert view.status is BookingStatus.CANCELLED and view.cancel_reason == "Piano being tuned"


async def test_admin_marks_attendance_after_the_session(
    api: LocalBotApi, bot_app, services: Services, schools, clock
) -> None:
    alpha, _ = schools
    emma = await book(services, alpha, alpha.emma, time(15))
    liam = await book(services, alpha, alpha.liam, time(15, 30))
    admin = await _bookings_then(api, "Emma Smith")
    labels = [label for row in admin.buttons() for label, _ in row]
    assert "✅ Completed" not in labels  # not before the session

    liam_view = await services.booking.get_booking(alpha.school, liam)
    clock.set(liam_view.end_at + timedelta(minutes=5))
    await _bookings_then(api, "Emma Smith")
    done = await tap(admin, "Completed")
    assert "completed" in done["text"]
    await _bookings_then(api, "Liam Smith")
    await tap(admin, "No-show")
    assert (
        await services.booking.get_booking(alpha.school, emma)
    ).status is BookingStatus.COMPLETED
    assert (await services.booking.get_booking(alpha.school, liam)).status is BookingStatus.NO_SHOW


async def test_a_parent_who_blocked_the_bot_is_marked_unreachable(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    alpha, _ = schools
    booking_id = await book(services, alpha, alpha.mia, time(15))
    api.user(BROWN).block()
    admin = await _bookings_then(api, "Mia Brown")
    await tap(admin, "Cancel booking")
    card = await tap(admin, "School closed")
    assert "please let them know" in card["text"]
    assert (
        await services.booking.get_booking(alpha.school, booking_id)
    ).status is BookingStatus.CANCELLED
    assert await services.directory.parent_chat_ids(alpha.school, alpha.brown_family) == []
