"""Booking approval through the real bot: a lesson with ``hybrid.approval`` makes a parent's
booking PENDING; the teacher and the admins get Confirm / Decline; the family is told.

School alpha (Sydney): admin 1001, teacher Sam 1002, Bob Brown 1012 (one child, Mia).
"""

from __future__ import annotations

from typing import Any

from bot.local_api import LocalBotApi
from core.clock import FixedClock
from core.db.models import BookingStatus
from core.services import Services
from tests.support.chat import labels, sent, tap
from tests.support.factories import SchoolIds, require_approval
from tests.support.scenes import bob_books_in_chat, bookings

ADMIN, TEACHER, BOB = 1001, 1002, 1012
SHOWN = ("send", "edit_text", "edit_caption")


async def _bob_books(api: LocalBotApi, services: Services, alpha: SchoolIds) -> dict[str, Any]:
    """Piano asks for approval and Bob books Mia's Monday 15:00 of week 4; the teacher's
    request, once it has arrived."""
    await require_approval(services.sessions, alpha.piano)
    await bob_books_in_chat(api)
    teacher = api.user(TEACHER)
    request = teacher.last_message
    assert request is not None
    return request


async def _stale_press(api: LocalBotApi, user_id: int, data: str) -> dict[str, Any]:
    """Press ``data`` on the user's first message from the bot (their copy of the request)."""
    user = api.user(user_id)
    copy = int(user.messages[0]["message_id"])
    shown = await user.press(data, message_id=copy, until=lambda e: e.kind in SHOWN)
    assert shown is not None
    return shown


async def test_parent_books_teacher_confirms_and_the_family_is_told(
    api: LocalBotApi,
    bot_app,
    services: Services,
    clock: FixedClock,
    schools: tuple[SchoolIds, SchoolIds],
) -> None:
    alpha, _ = schools
    request = await _bob_books(api, services, alpha)
    bob, teacher, admin = api.user(BOB), api.user(TEACHER), api.user(ADMIN)
    done = bob.messages[-2]  # the booking card, then the calendar file
    assert "waiting for the teacher's confirmation" in done["text"]
    [row] = await bookings(services)
    assert row.status is BookingStatus.PENDING and row.confirmed_at is None
    assert "waits for your confirmation" in request["text"]
    assert "Mia Brown" in request["text"] and "week 4" in request["text"]
    assert labels(teacher) == ["✅ Confirm", "✖ Decline"]
    assert "waits for your confirmation" in (admin.last_message or {})["text"]

    mine = await bob.send("/mybookings")
    assert mine is not None and "waiting for the teacher's confirmation" in mine["text"]

    before = api.seq
    confirmed = await tap(teacher, "✅ Confirm")
    assert "Confirmed by Sam Jones" in confirmed["text"]
    await api.settle(BOB, before, until=sent)
    told = bob.last_message or {}
    assert "Booking confirmed" in told["text"] and "Sam Jones confirmed Mia Brown" in told["text"]
    [row] = await bookings(services)
    assert row.status is BookingStatus.CONFIRMED and row.confirmed_at == clock.now()
    assert row.confirmed_by == f"teacher:{alpha.teacher} Sam Jones"

    # the admin's copy says who decided (tests/e2e/test_approval_copies.py); a press of
    # its old button (a copy that could not be edited) loses in plain words
    second = await _stale_press(api, ADMIN, f"apv:y:{alpha.school}:{row.id}")
    assert "already confirmed by Sam Jones" in second["text"]
    assert "Nothing was changed" in second["text"]
    mine = await bob.send("/mybookings")
    assert mine is not None and "waiting for the teacher" not in mine["text"]


async def test_teacher_declines_with_a_reason_and_the_slot_is_free_again(
    api: LocalBotApi,
    bot_app,
    services: Services,
    schools: tuple[SchoolIds, SchoolIds],
) -> None:
    alpha, _ = schools
    await _bob_books(api, services, alpha)
    bob, teacher = api.user(BOB), api.user(TEACHER)
    asked = await tap(teacher, "✖ Decline")
    assert "Decline Mia Brown's booking?" in asked["text"]
    assert "Decline without a reason" in labels(teacher)
    await tap(teacher, "« Back")  # Back shows Confirm / Decline again, nothing changed
    assert labels(teacher) == ["✅ Confirm", "✖ Decline"]
    asked = await tap(teacher, "✖ Decline")
    assert "Decline Mia Brown's booking?" in asked["text"]
    before = api.seq
    declined = await tap(teacher, "Please choose another time.")
    assert "Declined by Sam Jones" in declined["text"]
    assert "slot is free again" in declined["text"]
    await api.settle(BOB, before, until=sent)
    told = (bob.last_message or {})["text"]
    assert "Booking not accepted" in told and "could not accept Mia Brown's session" in told
    assert "Reason: Please choose another time." in told and "/book" in told
    [row] = await bookings(services)
    assert row.status is BookingStatus.CANCELLED and row.declined_at is not None
    assert row.cancel_reason == "Please choose another time."
    free = await services.booking.available_slots(alpha.school, alpha.piano, 4)
    assert row.start_at in [slot.start_at for slot in free]
    late = await _stale_press(api, ADMIN, f"apv:y:{alpha.school}:{row.id}")
    assert "already declined by Sam Jones" in late["text"]


async def test_a_forged_or_foreign_approval_button_changes_nothing(
    api: LocalBotApi,
    bot_app,
    services: Services,
    schools: tuple[SchoolIds, SchoolIds],
) -> None:
    alpha, beta = schools
    await _bob_books(api, services, alpha)
    [row] = await bookings(services)
    bob = api.user(BOB)
    await bob.send("/mybookings")
    forged = await bob.press(f"apv:y:{alpha.school}:{row.id}", until=lambda e: e.kind in SHOWN)
    assert forged is not None and "not one you can decide" in forged["text"]
    stranger = api.user(2002)  # beta's teacher
    lessons = await stranger.send("/lessons")
    assert lessons is not None
    foreign = await stranger.press(
        f"apv:y:{beta.school}:{row.id}",
        message_id=int(lessons["message_id"]),
        until=lambda e: e.kind in SHOWN,
    )
    assert foreign is not None and "no longer exists" in foreign["text"]
    odd = await api.user(TEACHER).press(
        f"apv:d:{alpha.school}:{row.id}:9", until=lambda e: e.kind in SHOWN
    )
    assert odd is not None and "not one of the buttons" in odd["text"]
    [row] = await bookings(services)
    assert row.status is BookingStatus.PENDING
