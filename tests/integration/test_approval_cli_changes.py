"""`musicbot cancel|reschedule` of a PENDING booking, run as real processes on the test
database: the deciders' copies are edited as the chat's cancel and move edit them (through
a local Bot API server), the teacher is told of a cancellation, a moved booking is asked
again; without a token, or with the Bot API out of reach, the change is made and the output
names each copy left unedited, which a later decision still edits.
"""

from __future__ import annotations

import json
import socket
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from bot.local_api import LocalBotApi
from core.booking.approval import Copy
from core.clock import SystemClock
from core.db.models import BookingStatus
from core.services import Services
from core.views import Actor, BookingView
from handlers.approval.chat import announce_request
from tests.support.chat import TOKEN
from tests.support.cli import musicbot
from tests.support.factories import SchoolIds, build_two_schools, require_approval

SYDNEY = ZoneInfo("Australia/Sydney")
MON4_1500 = datetime(2027, 2, 22, 15, tzinfo=SYDNEY)
ADMIN, TEACHER = 1001, 1002
CONFIRM_DECLINE = ["✅ Confirm", "✖ Decline"]


def _labels(api: LocalBotApi, chat: int, message_id: int) -> list[str]:
    return [text for row in api.user(chat).buttons(message_id) for text, _data in row]


def _text(api: LocalBotApi, chat: int, message_id: int) -> str:
    return str((api.message(chat, message_id) or {})["text"])


def _closed_port() -> str:
    """A loopback Bot API address nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/bot"


async def _asked(
    sessions: async_sessionmaker[AsyncSession], api: LocalBotApi
) -> tuple[Services, SchoolIds, BookingView, dict[int, int]]:
    """Mia's PENDING booking (Mon 22 Feb 15:00), its request sent to the teacher and the
    admin; the message id of each one's copy."""
    alpha, _beta = await build_two_schools(sessions)
    await require_approval(sessions, alpha.piano)
    services = Services.build(sessions, SystemClock())
    view = await services.booking.create_booking(
        alpha.school, Actor.parent(alpha.brown_parent, "Bob Brown"), alpha.piano, alpha.mia, 4,
        MON4_1500,
    )  # fmt: skip
    assert view.awaiting_confirmation
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        assert await announce_request(bot, services, view) == 2
    copies = {c.chat_id: c.message_id for c in await services.approval.copies(view.id)}
    assert sorted(copies) == [ADMIN, TEACHER]
    for chat, message_id in copies.items():
        assert _labels(api, chat, message_id) == CONFIRM_DECLINE
    return services, alpha, view, copies


def _env(base_url: str) -> dict[str, str]:
    return {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": base_url}


async def test_cancel_closes_every_copy_and_tells_the_teacher(
    db_url: str, sessions: async_sessionmaker[AsyncSession], tmp_path: Path, api: LocalBotApi
) -> None:
    services, alpha, view, copies = await _asked(sessions, api)
    code, out, err = await musicbot(
        db_url, tmp_path, "cancel", "--school", "alpha", "--booking", str(view.id),
        "--reason", "Teacher ill", **_env(api.base_url),
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith(f"cancelled #{view.id} ") and "CANCELLED" in out
    assert "the deciders' copies of the request were edited: 2" in out
    assert "the teacher was told" in out and "NOT" not in out
    for chat, message_id in copies.items():
        text = _text(api, chat, message_id)
        assert "↩ Cancelled by the school before a decision" in text
        assert "Reason: Teacher ill" in text and "Mia Brown" in text
        assert "the slot is free again" in text
        assert _labels(api, chat, message_id) == []
    notice = api.user(TEACHER).last_message or {}
    assert int(notice["message_id"]) != copies[TEACHER]  # a message of its own
    assert "Cancelled by the school before a decision" in notice["text"]
    assert api.user(TEACHER).buttons(int(notice["message_id"])) == []
    assert (api.user(ADMIN).last_message or {})["message_id"] == copies[ADMIN]
    assert await services.approval.copies(view.id) == []
    stored = await services.booking.get_booking(alpha.school, view.id)
    assert stored.status is BookingStatus.CANCELLED and stored.cancelled_by == "cli"


async def test_reschedule_closes_the_copies_and_asks_again_for_the_new_time(
    db_url: str, sessions: async_sessionmaker[AsyncSession], tmp_path: Path, api: LocalBotApi
) -> None:
    services, alpha, view, copies = await _asked(sessions, api)
    code, out, err = await musicbot(
        db_url, tmp_path, "reschedule", "--school", "alpha", "--booking", str(view.id),
        "--week", "4", "--at", "16:30", "--day", "MONDAY", **_env(api.base_url),
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith(f"rescheduled #{view.id} ") and "16:30" in out and "PENDING" in out
    assert "the deciders' copies of the request were edited: 2" in out
    assert "a new request for the new time went to 2 decider(s)" in out
    new: dict[int, int] = {}
    for chat, message_id in copies.items():
        old = _text(api, chat, message_id)
        assert "🔁 Moved by the school before a decision" in old
        assert "16:30" in old and "15:00" not in old  # to when
        assert "the new time waits for a decision in a new message" in old
        assert _labels(api, chat, message_id) == []
        last = api.user(chat).last_message or {}
        new[chat] = int(last["message_id"])
        assert new[chat] != message_id
        assert "waits for your confirmation" in last["text"] and "16:30" in last["text"]
        assert _labels(api, chat, new[chat]) == CONFIRM_DECLINE
    assert await services.approval.copies(view.id) == [
        Copy(chat, new[chat]) for chat in (TEACHER, ADMIN)
    ]
    stored = await services.booking.get_booking(alpha.school, view.id)
    assert stored.status is BookingStatus.PENDING and f"{stored.local_start:%H:%M}" == "16:30"

    # the new request's copies are the ones a decision edits
    code, out, err = await musicbot(
        db_url, tmp_path, "approve", "--school", "alpha", "--booking", str(view.id),
        **_env(api.base_url),
    )  # fmt: skip
    assert code == 0, err
    assert "the deciders' copies of the request were edited: 2" in out
    for chat, message_id in new.items():
        assert "Confirmed by the school" in _text(api, chat, message_id)
        assert "16:30" in _text(api, chat, message_id)
    assert "Moved by the school" in _text(api, TEACHER, copies[TEACHER])  # left as it was


async def test_without_a_token_the_cancel_is_made_and_each_copy_left_is_named(
    db_url: str, sessions: async_sessionmaker[AsyncSession], tmp_path: Path, api: LocalBotApi
) -> None:
    services, alpha, view, copies = await _asked(sessions, api)
    code, out, err = await musicbot(
        db_url, tmp_path, "cancel", "--school", "alpha", "--booking", str(view.id)
    )
    assert code == 0, err
    assert out.startswith(f"cancelled #{view.id} ") and "CANCELLED" in out
    assert (
        "copies of the request NOT edited (no TELEGRAM_BOT_TOKEN set): "
        f"Sam Jones, teacher (chat {TEACHER}, message {copies[TEACHER]}); "
        f"Alice Admin, admin (chat {ADMIN}, message {copies[ADMIN]})"
    ) in out
    assert "a press says there is nothing to decide" in out
    assert "the teacher was NOT told (no TELEGRAM_BOT_TOKEN set)" in out
    stored = await services.booking.get_booking(alpha.school, view.id)
    assert stored.status is BookingStatus.CANCELLED
    for chat, message_id in copies.items():  # untouched, still recorded
        assert "waits for your confirmation" in _text(api, chat, message_id)
        assert (api.user(chat).last_message or {})["message_id"] == message_id
    assert len(await services.approval.copies(view.id)) == 2


async def test_an_unreachable_bot_api_loses_nothing(
    db_url: str, sessions: async_sessionmaker[AsyncSession], tmp_path: Path, api: LocalBotApi
) -> None:
    """The move is made, the copies left are named (JSON too) and stay recorded: a later
    `musicbot approve` that reaches the Bot API edits them."""
    services, alpha, view, copies = await _asked(sessions, api)
    code, out, err = await musicbot(
        db_url, tmp_path, "reschedule", "--school", "alpha", "--booking", str(view.id),
        "--week", "4", "--at", "16:30", "--day", "MONDAY", "--format", "json", **_env(_closed_port()),
    )  # fmt: skip
    assert code == 0, err
    assert err.startswith("warning: nobody was told in chat (the Bot API could not be reached")
    result: dict[str, Any] = json.loads(out)
    assert result["status"] == "PENDING" and result["start"] == "16:30"
    deciders = result["deciders"]
    assert deciders["told_in_chat"] is False
    assert deciders["not_told_because"].startswith("the Bot API could not be reached")
    assert deciders["copies_edited"] == 0 and deciders["new_request_to"] is None
    assert deciders["copies_not_edited"] == [
        {"chat_id": TEACHER, "message_id": copies[TEACHER], "decider": "Sam Jones, teacher"},
        {"chat_id": ADMIN, "message_id": copies[ADMIN], "decider": "Alice Admin, admin"},
    ]
    stored = await services.booking.get_booking(alpha.school, view.id)
    assert f"{stored.local_start:%H:%M}" == "16:30"
    for chat, message_id in copies.items():
        assert _labels(api, chat, message_id) == CONFIRM_DECLINE  # not reached

    code, out, err = await musicbot(
        db_url, tmp_path, "approve", "--school", "alpha", "--booking", str(view.id),
        **_env(api.base_url),
    )  # fmt: skip
    assert code == 0, err
    assert "the deciders' copies of the request were edited: 2" in out
    for chat, message_id in copies.items():
        text = _text(api, chat, message_id)
        assert "Confirmed by the school" in text and "16:30" in text
        assert _labels(api, chat, message_id) == []
    assert await services.approval.copies(view.id) == []


async def test_text_output_of_an_unreachable_reschedule_says_how_to_decide(
    db_url: str, sessions: async_sessionmaker[AsyncSession], tmp_path: Path, api: LocalBotApi
) -> None:
    _services, _alpha, view, copies = await _asked(sessions, api)
    code, out, err = await musicbot(
        db_url, tmp_path, "reschedule", "--school", "alpha", "--booking", str(view.id),
        "--week", "4", "--at", "16:30", "--day", "MONDAY", **_env(_closed_port()),
    )  # fmt: skip
    assert code == 0, err
    assert f"Sam Jones, teacher (chat {TEACHER}, message {copies[TEACHER]})" in out
    assert f"a press decides booking #{view.id} at its new time" in out
    assert "no new request for the new time was sent (the Bot API could not be reached" in out
    assert f"`musicbot approve|decline --school alpha --booking {view.id}`" in out


async def test_approve_without_a_token_names_the_copies_the_same_way(
    db_url: str, sessions: async_sessionmaker[AsyncSession], tmp_path: Path, api: LocalBotApi
) -> None:
    services, _alpha, view, copies = await _asked(sessions, api)
    code, out, err = await musicbot(
        db_url, tmp_path, "approve", "--school", "alpha", "--booking", str(view.id)
    )
    assert code == 0, err
    assert out.startswith(f"confirmed #{view.id} ")
    assert "the family was not told (no TELEGRAM_BOT_TOKEN set)" in out
    assert (
        "copies of the request NOT edited (no TELEGRAM_BOT_TOKEN set): "
        f"Sam Jones, teacher (chat {TEACHER}, message {copies[TEACHER]}); "
        f"Alice Admin, admin (chat {ADMIN}, message {copies[ADMIN]})"
    ) in out
    assert "a press says it was already decided" in out
    assert len(await services.approval.copies(view.id)) == 2


async def test_each_decider_reads_the_cancel_in_their_language(
    db_url: str, sessions: async_sessionmaker[AsyncSession], tmp_path: Path, api: LocalBotApi
) -> None:
    """The CLI's cancel goes the chat's way: the Russian-speaking teacher's copy and notice
    are in Russian, the admin's copy in English."""
    services, _alpha, view, copies = await _asked(sessions, api)
    await services.languages.choose(TEACHER, "ru")
    code, out, err = await musicbot(
        db_url, tmp_path, "cancel", "--school", "alpha", "--booking", str(view.id),
        **_env(api.base_url),
    )  # fmt: skip
    assert code == 0, err
    assert "the teacher was told" in out
    assert "↩ Отменено до решения: школа" in _text(api, TEACHER, copies[TEACHER])
    notice = api.user(TEACHER).last_message or {}
    assert "↩ Отменено до решения: школа" in notice["text"]
    assert "↩ Cancelled by the school before a decision" in _text(api, ADMIN, copies[ADMIN])
