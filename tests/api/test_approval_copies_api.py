"""The deciders' chat copies follow a PENDING booking decided, cancelled or moved over the
JSON API (a process running the API and the bot): the copies say what happened, with no
buttons left; a cancellation is told to the teacher; a move asks again.

School alpha: admin Alice 1001, teacher Sam 1002, Bob Brown 1012 (Mia).
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.local_api import LocalBotApi
from core.services import Services
from tests.support.api_client import Api, bob_books
from tests.support.factories import require_approval

ADMIN, TEACHER, BOB = 1001, 1002, 1012


def _sent(event: Any) -> bool:
    return bool(event.kind == "send")


@pytest.fixture
async def pending(
    bot_process_api: Api, bot_api: LocalBotApi, services: Services, schools
) -> tuple[dict[str, Any], int, int]:
    """Bob's booking made PENDING over the API; the message ids of the teacher's and the
    admin's copies of the request, once both have arrived."""
    alpha, _ = schools
    await require_approval(services.sessions, alpha.piano)
    made = await bob_books(bot_process_api)
    await bot_api.settle(TEACHER, 0, until=_sent)
    await bot_api.settle(ADMIN, 0, until=_sent)
    ids = []
    for user_id in (TEACHER, ADMIN):
        request = bot_api.user(user_id).last_message or {}
        assert "waits for your confirmation" in request["text"]
        ids.append(int(request["message_id"]))
    return made, ids[0], ids[1]


def _closed(bot_api: LocalBotApi, copies: tuple[int, int], words: str) -> None:
    """The teacher's and the admin's copies (message ids) say ``words``, with no buttons."""
    for user_id, message_id in zip((TEACHER, ADMIN), copies, strict=True):
        copy = bot_api.message(user_id, message_id) or {}
        assert words in copy["text"]
        assert bot_api.user(user_id).buttons(message_id) == []


async def test_a_confirmation_through_the_api_edits_every_copy(
    bot_process_api: Api, bot_api: LocalBotApi, pending: tuple[dict[str, Any], int, int]
) -> None:
    api = bot_process_api
    made, teachers, admins = pending
    before = bot_api.seq
    status, body = await api.call(
        "POST", f"/api/hybrid-bookings/{made['id']}/confirm", api.tma(TEACHER)
    )
    assert status == 200, body
    await bot_api.settle(BOB, before, until=_sent)  # the family is told after the copies
    _closed(bot_api, (teachers, admins), "Confirmed by Sam Jones")


async def test_a_family_cancelling_through_the_api_before_a_decision(
    bot_process_api: Api, bot_api: LocalBotApi, pending: tuple[dict[str, Any], int, int]
) -> None:
    api = bot_process_api
    made, teachers, admins = pending
    before = bot_api.seq
    status, body = await api.call(
        "DELETE", f"/api/hybrid-bookings/{made['id']}", api.tma(BOB), json={"reason": "Away"}
    )
    assert status == 200, body
    await bot_api.settle(TEACHER, before, until=_sent)
    notice = bot_api.user(TEACHER).last_message or {}
    assert int(notice["message_id"]) != teachers
    assert "Cancelled by the family before a decision" in notice["text"]
    assert "Reason: Away" in notice["text"]
    _closed(bot_api, (teachers, admins), "Cancelled by the family before a decision")


async def test_a_family_moving_through_the_api_before_a_decision_is_asked_again(
    bot_process_api: Api, bot_api: LocalBotApi, pending: tuple[dict[str, Any], int, int]
) -> None:
    api = bot_process_api
    made, teachers, admins = pending
    before = bot_api.seq
    status, body = await api.call(
        "PATCH",
        f"/api/hybrid-bookings/{made['id']}",
        api.tma(BOB),
        json={"weekNumber": 4, "scheduledDate": "2027-02-22", "startTime": "16:00"},
    )
    assert status == 200, body
    assert body["data"]["status"] == "PENDING"
    for user_id in (TEACHER, ADMIN):
        await bot_api.settle(user_id, before, until=_sent)
    _closed(bot_api, (teachers, admins), "Moved by the family before a decision")
    for user_id, message_id in ((TEACHER, teachers), (ADMIN, admins)):
        new = bot_api.user(user_id).last_message or {}
        assert int(new["message_id"]) != message_id and "16:00" in new["text"]
        assert "waits for your confirmation" in new["text"]
