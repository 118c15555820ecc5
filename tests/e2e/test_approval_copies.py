"""Every decider's copy of an approval request follows the booking through the real bot:
once one decides, the other copies say who decided what (no buttons left); a family that
cancels or moves a PENDING booking first is said so in every copy, and the teacher is told.

School alpha (Sydney): admin Alice 1001, teacher Sam 1002, Bob Brown 1012 (one child, Mia).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from bot.local_api import LocalBotApi
from core.booking.approval_copies import ApprovalCopy
from core.db.models import BookingStatus
from core.services import Services
from tests.support.chat import confirm, labels, open_booking, sent, tap
from tests.support.factories import SchoolIds, require_approval
from tests.support.scenes import bob_books_in_chat, bookings

ADMIN, TEACHER, BOB = 1001, 1002, 1012
SHOWN = ("send", "edit_text")


async def _copies(services: Services) -> int:
    async with services.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(ApprovalCopy)) or 0)


async def _bob_books(api: LocalBotApi) -> tuple[int, int]:
    """Bob books Mia's Monday 15:00 of week 4; the message ids of the teacher's and the
    admin's copies of the request."""
    await bob_books_in_chat(api)
    ids = []
    for user_id in (TEACHER, ADMIN):
        request = api.user(user_id).last_message or {}
        assert "waits for your confirmation" in request["text"]
        assert labels(api.user(user_id)) == ["✅ Confirm", "✖ Decline"]
        ids.append(int(request["message_id"]))
    return ids[0], ids[1]


@pytest.fixture
async def requested(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> tuple[int, int]:
    """Bob's booking of a lesson asking for approval; the message ids of the teacher's and
    the admin's copies of the request."""
    alpha, _ = schools
    await require_approval(services.sessions, alpha.piano)
    return await _bob_books(api)


def _copy(api: LocalBotApi, user_id: int, message_id: int) -> dict[str, Any]:
    message = api.message(user_id, message_id)
    assert message is not None
    return message


def _closed(api: LocalBotApi, copies: tuple[int, int], *words: str) -> None:
    """The teacher's and the admin's copies (message ids) say each of ``words``, no button left."""
    for user_id, message_id in zip((TEACHER, ADMIN), copies, strict=True):
        copy = _copy(api, user_id, message_id)
        for word in words:
            assert word in copy["text"]
        assert api.user(user_id).buttons(message_id) == []


async def _asked_again(api: LocalBotApi, services: Services, copies: tuple[int, int]) -> None:
    """After a move: each decider has a new request for 16:00 (not the old ``copies``), with
    its buttons; the booking is still PENDING, with the new request's two copies."""
    for user_id, message_id in zip((TEACHER, ADMIN), copies, strict=True):
        new = api.user(user_id).last_message or {}
        assert int(new["message_id"]) != message_id
        assert "waits for your confirmation" in new["text"] and "16:00" in new["text"]
        assert labels(api.user(user_id)) == ["✅ Confirm", "✖ Decline"]
    assert await _copies(services) == 2  # the new request's copies
    [row] = await bookings(services)
    assert row.status is BookingStatus.PENDING


async def test_the_teachers_confirmation_edits_the_admins_copy(
    api: LocalBotApi,
    services: Services,
    schools: tuple[SchoolIds, SchoolIds],
    requested: tuple[int, int],
) -> None:
    alpha, _ = schools
    _teachers, admins = requested
    assert await _copies(services) == 2
    teacher, admin = api.user(TEACHER), api.user(ADMIN)
    before = api.seq
    await tap(teacher, "✅ Confirm")
    await api.settle(BOB, before, until=sent)  # the family is told after the copies
    copy = _copy(api, ADMIN, admins)
    assert "Confirmed by Sam Jones" in copy["text"] and "Mia Brown" in copy["text"]
    assert admin.buttons(admins) == []  # nothing left to press on a decided booking
    assert await _copies(services) == 0
    [row] = await bookings(services)
    assert row.status is BookingStatus.CONFIRMED
    # a press of the old button (say, a copy Telegram would not let us edit) still answers
    late = await admin.press(
        f"apv:n:{alpha.school}:{row.id}", message_id=admins, until=lambda e: e.kind in SHOWN
    )
    assert late is not None and "already confirmed by Sam Jones" in late["text"]


async def test_the_admins_decline_edits_the_teachers_copy(
    api: LocalBotApi, services: Services, requested: tuple[int, int]
) -> None:
    teachers, admins = requested
    admin = api.user(ADMIN)
    await tap(admin, "✖ Decline", message_id=admins)
    before = api.seq
    declined = await tap(admin, "Decline without a reason")
    assert "Declined by Alice Admin" in declined["text"]
    await api.settle(BOB, before, until=sent)
    copy = _copy(api, TEACHER, teachers)
    assert "Declined by Alice Admin" in copy["text"] and "slot is free again" in copy["text"]
    assert api.user(TEACHER).buttons(teachers) == []
    # the admin's own message shows the decision (it is not edited twice)
    assert "Declined by Alice Admin" in _copy(api, ADMIN, admins)["text"]


async def test_a_family_cancelling_before_a_decision_edits_every_copy_and_tells_the_teacher(
    api: LocalBotApi, services: Services, requested: tuple[int, int]
) -> None:
    teachers, admins = requested
    bob = api.user(BOB)
    await open_booking(bob)
    await tap(bob, "Cancel booking")
    await tap(bob, "Illness")
    before = api.seq
    await confirm(bob, "Yes, cancel it")
    told = await api.settle(TEACHER, before, until=sent)
    assert told
    notice = api.user(TEACHER).last_message or {}
    assert int(notice["message_id"]) != teachers
    assert "Cancelled by the family before a decision" in notice["text"]
    assert "Mia Brown" in notice["text"]
    _closed(api, requested, "Cancelled by the family before a decision", "nothing to decide")
    [row] = await bookings(services)
    assert row.status is BookingStatus.CANCELLED and row.declined_at is None
    assert await _copies(services) == 0


async def test_a_family_moving_before_a_decision_closes_the_old_copies_and_asks_again(
    api: LocalBotApi, services: Services, requested: tuple[int, int]
) -> None:
    bob = api.user(BOB)
    await open_booking(bob)
    await tap(bob, "Reschedule")
    await tap(bob, "Mon 16:00")
    before = api.seq
    await confirm(bob, "Move it")
    await api.settle(TEACHER, before, until=sent)
    await api.settle(ADMIN, before, until=sent)
    _closed(api, requested, "Moved by the family before a decision")
    await _asked_again(api, services, requested)


async def test_an_admin_cancelling_before_a_decision_is_said_so_in_the_copies(
    api: LocalBotApi, services: Services, requested: tuple[int, int]
) -> None:
    admin = api.user(ADMIN)
    await admin.send("/bookings piano 4")
    await tap(admin, "Mia Brown")
    await tap(admin, "✖ Cancel booking")
    before = api.seq
    await tap(admin, "Teacher unavailable")
    await api.settle(TEACHER, before, until=sent)
    notice = api.user(TEACHER).last_message or {}
    assert "Cancelled by Alice Admin before a decision" in notice["text"]
    _closed(api, requested, "Cancelled by Alice Admin before a decision")


async def test_an_admin_moving_before_a_decision_closes_the_copies_and_the_new_ones_decide(
    api: LocalBotApi, services: Services, requested: tuple[int, int]
) -> None:
    teachers, admins = requested
    admin = api.user(ADMIN)
    await admin.send("/bookings piano 4")
    await tap(admin, "Mia Brown")
    await tap(admin, "🔁 Move")
    await tap(admin, "Week 4 (now)")
    card = int((admin.keyboard_message or {})["message_id"])
    before = api.seq
    await tap(admin, "Mon 22 Feb 16:00")
    await api.settle(TEACHER, before, until=sent)
    await api.settle(ADMIN, before, until=sent)
    assert "Moved booking" in _copy(api, ADMIN, card)["text"]  # the admin's card, in place
    _closed(api, requested, "Moved by Alice Admin before a decision", "16:00")  # to when
    await _asked_again(api, services, requested)
    # the new copy's buttons decide the moved booking; the admin's new copy follows
    teacher = api.user(TEACHER)
    before = api.seq
    confirmed = await tap(teacher, "✅ Confirm")
    assert "Confirmed by Sam Jones" in confirmed["text"] and "16:00" in confirmed["text"]
    await api.settle(BOB, before, until=sent)
    [row] = await bookings(services)
    assert row.status is BookingStatus.CONFIRMED
    admins_new = api.user(ADMIN).last_message or {}
    assert "Confirmed by Sam Jones" in _copy(api, ADMIN, int(admins_new["message_id"]))["text"]
    assert await _copies(services) == 0
