"""`musicbot approve|decline` and `musicbot bookings --status pending`, run as real processes
on the test database; the family is told through a local Bot API server when a token is set."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.local_api import LocalBotApi
from core.booking.catalog import CatalogCache
from core.booking.service import BookingService
from core.clock import SystemClock
from core.db.models import BookingStatus
from core.views import Actor
from tests.support.chat import TOKEN
from tests.support.cli import musicbot
from tests.support.factories import build_two_schools, require_approval

SYDNEY = ZoneInfo("Australia/Sydney")


async def test_pending_bookings_are_listed_then_approved_and_declined(
    db_url, sessions, tmp_path
) -> None:
    alpha, _ = await build_two_schools(sessions)
    await require_approval(sessions, alpha.piano)
    booking = BookingService(sessions, SystemClock(), CatalogCache())
    bob = Actor.parent(alpha.brown_parent, "Bob Brown")
    first = await booking.create_booking(
        alpha.school, bob, alpha.piano, alpha.mia, 4, datetime(2027, 2, 22, 15, tzinfo=SYDNEY)
    )
    second = await booking.create_booking(
        alpha.school, bob, alpha.piano, alpha.mia, 8, datetime(2027, 3, 22, 15, tzinfo=SYDNEY)
    )
    assert first.status is second.status is BookingStatus.PENDING

    code, out, err = await musicbot(
        db_url, tmp_path, "bookings", "--school", "alpha", "--status", "pending", "--format", "json"
    )
    assert code == 0, err
    assert [(r["id"], r["status"]) for r in json.loads(out)] == [
        (first.id, "PENDING"),
        (second.id, "PENDING"),
    ]

    api = LocalBotApi(bot_username="musicbot_test_bot")
    await api.start()
    try:
        bot_env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.base_url}
        code, out, err = await musicbot(
            db_url, tmp_path, "approve", "--school", "alpha", "--booking", str(first.id), **bot_env
        )
        assert code == 0, err
        assert out.startswith(f"confirmed #{first.id}") and "CONFIRMED" in out
        assert "the family was told in 1 chat(s)" in out
        told = api.user(1012).last_message or {}
        assert "Booking confirmed" in told["text"] and "the school confirmed" in told["text"]
    finally:
        await api.stop()

    code, out, err = await musicbot(
        db_url, tmp_path, "approve", "--school", "alpha", "--booking", str(first.id)
    )
    assert code == 1 and out == ""
    assert (
        err.strip()
        == f"error: Mia Brown's booking #{first.id} was already confirmed by the school."
    )

    code, out, err = await musicbot(
        db_url, tmp_path, "decline", "--school", "alpha", "--booking", str(second.id),
        "--reason", "Teacher away that week", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    declined = json.loads(out)
    assert declined["status"] == "CANCELLED" and declined["cancel_reason"] == (
        "Teacher away that week"
    )
    assert declined["family_told"] is None  # no token: nobody could be told

    code, out, _ = await musicbot(
        db_url, tmp_path, "bookings", "--school", "alpha", "--status", "pending"
    )
    assert code == 0 and out.strip() == "no bookings"
    code, out, _ = await musicbot(
        db_url, tmp_path, "bookings", "--school", "alpha", "--status", "confirmed"
    )
    assert f"#{first.id} " in out and "CONFIRMED" in out

    for argv, message in (
        (("decline", "--school", "alpha", "--booking", "999999"), "No booking #999999"),
        (("approve", "--school", "beta", "--booking", str(second.id)), "No booking"),
        (("approve", "--school", "alpha"), "--booking"),
        (("bookings", "--school", "alpha", "--status", "maybe"), "invalid choice"),
    ):
        code, out, err = await musicbot(db_url, tmp_path, *argv)
        assert code != 0 and message in err and len(err.strip().splitlines()) == 1, err
